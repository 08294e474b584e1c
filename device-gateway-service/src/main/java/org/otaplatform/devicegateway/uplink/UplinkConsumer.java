package org.otaplatform.devicegateway.uplink;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.GatewayTopic;
import org.otaplatform.contract.Topics;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.contract.codec.Decoded;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.message.ErrorReply;
import org.otaplatform.contract.message.UplinkMessage;
import org.otaplatform.contract.wire.ErrorCode;
import org.otaplatform.devicegateway.downlink.DownlinkPublisher;

/**
 * Every gateway's uplink: parse the topic, validate the payload with the contract, answer a refused
 * message with {@code down/error}. A message never fails the channel: whatever happens, it is
 * answered or logged and acknowledged.
 */
@ApplicationScoped
public class UplinkConsumer {

    private static final Logger LOG = Logger.getLogger(UplinkConsumer.class);

    private final DownlinkPublisher downlink;
    private final Clock clock;

    UplinkConsumer(DownlinkPublisher downlink) {
        this.downlink = downlink;
        this.clock = Clock.systemUTC();
    }

    @Incoming("uplink")
    public Uni<Void> consume(Message<byte[]> message) {
        Optional<GatewayTopic> topic = message.getMetadata(ReceivingMqttMessageMetadata.class)
                .map(ReceivingMqttMessageMetadata::getTopic)
                .flatMap(Topics::parse);
        if (topic.isEmpty() || topic.get().uplink().isEmpty()) {
            LOG.warnf("ignoring a message on a topic that is no gateway uplink");
            return ack(message);
        }
        String gatewayId = topic.get().gatewayId();
        UplinkType type = topic.get().uplink().get();
        Decoded<UplinkMessage> decoded = MessageCodec.decodeUplink(type, message.getPayload());
        Uni<Void> handled = decoded instanceof Decoded.Invalid<UplinkMessage> invalid
                ? refuse(gatewayId, type, invalid)
                : Uni.createFrom().voidItem();
        return handled.onFailure()
                .recoverWithUni(failure -> {
                    LOG.errorf(failure, "handling %s from gateway %s failed", type.suffix(), gatewayId);
                    return Uni.createFrom().voidItem();
                })
                .flatMap(ignored -> ack(message));
    }

    private Uni<Void> refuse(String gatewayId, UplinkType type, Decoded.Invalid<UplinkMessage> invalid) {
        LOG.debugf("refusing %s from %s: %s", type.suffix(), gatewayId, invalid.summary());
        ErrorReply reply = new ErrorReply(
                UUID.randomUUID().toString(),
                clock.millis(),
                invalid.msgId().orElse(null),
                ErrorCode.MALFORMED,
                truncate(invalid.summary()));
        return downlink.send(gatewayId, DownlinkType.ERROR, reply);
    }

    private static String truncate(String text) {
        return text.length() <= 1000 ? text : text.substring(0, 997) + "...";
    }

    private static Uni<Void> ack(Message<byte[]> message) {
        return Uni.createFrom().completionStage(message.ack());
    }
}
