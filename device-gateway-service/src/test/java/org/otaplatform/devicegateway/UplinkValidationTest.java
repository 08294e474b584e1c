package org.otaplatform.devicegateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.testkit.MqttBroker;
import org.otaplatform.testkit.TestGateway;

@QuarkusTest
class UplinkValidationTest {

    @Test
    void aMalformedMessageIsAnsweredOnTheGatewaysErrorTopicNamingTheField() throws IOException {
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), "gw-malformed-1")) {
            gateway.publish(UplinkType.ACK, "{\"msgId\":\"m-17\",\"ts\":1,\"taskId\":\"t-1\",\"accept\":\"yes\"}");

            TestGateway.Received error = gateway.awaitDownlink(DownlinkType.ERROR, p -> p.contains("m-17"));

            JsonNode reply = MessageCodec.mapper().readTree(error.payload());
            assertThat(reply.get("inReplyTo").asText()).isEqualTo("m-17");
            assertThat(reply.get("code").asText()).isEqualTo("MALFORMED");
            assertThat(reply.get("message").asText()).contains("accept");
            assertThat(error.topic()).isEqualTo("ota/v1/gw/gw-malformed-1/down/error");
        }
    }

    @Test
    void aPayloadThatIsNotJsonIsAnsweredWithoutInReplyTo() throws IOException {
        try (TestGateway gateway = TestGateway.connect(MqttBroker.shared(), "gw-malformed-2")) {
            gateway.publish(UplinkType.HELLO, "this is not json");

            TestGateway.Received error = gateway.awaitDownlink(DownlinkType.ERROR, p -> true);

            JsonNode reply = MessageCodec.mapper().readTree(error.payload());
            assertThat(reply.has("inReplyTo")).isFalse();
            assertThat(reply.get("message").asText()).contains("payload");
        }
    }
}
