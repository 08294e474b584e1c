package org.otaplatform.devicegateway.downlink;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.mqtt.MqttMessage;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.Topics;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.message.DownlinkMessage;

/** Publishes protocol messages to one gateway's downlink topics, QoS 1. */
@ApplicationScoped
public class DownlinkPublisher {

    /** A broker that does not acknowledge within this time is treated as down: the send fails. */
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final MutinyEmitter<byte[]> downlink;

    DownlinkPublisher(@Channel("downlink") MutinyEmitter<byte[]> downlink) {
        this.downlink = downlink;
    }

    public Uni<Void> send(String gatewayId, DownlinkType type, DownlinkMessage message) {
        String topic = Topics.downlink(gatewayId, type);
        return downlink.sendMessage(MqttMessage.of(topic, MessageCodec.encode(message), MqttQoS.AT_LEAST_ONCE))
                .ifNoItem()
                .after(SEND_TIMEOUT)
                .failWith(() -> new IllegalStateException("broker did not acknowledge " + topic + " in time"));
    }
}
