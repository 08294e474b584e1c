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
import org.otaplatform.devicegateway.config.DeviceGatewayConfig;

/** Publishes protocol messages to one gateway's downlink topics, QoS 1. */
@ApplicationScoped
public class DownlinkPublisher {

    private final MutinyEmitter<byte[]> downlink;
    /** A broker that does not accept a message within this time is treated as down: the send fails. */
    private final Duration sendTimeout;

    DownlinkPublisher(@Channel("downlink") MutinyEmitter<byte[]> downlink, DeviceGatewayConfig config) {
        this.downlink = downlink;
        this.sendTimeout = config.downlink().sendTimeout();
    }

    public Uni<Void> send(String gatewayId, DownlinkType type, DownlinkMessage message) {
        String topic = Topics.downlink(gatewayId, type);
        return downlink.sendMessage(MqttMessage.of(topic, MessageCodec.encode(message), MqttQoS.AT_LEAST_ONCE))
                .ifNoItem()
                .after(sendTimeout)
                .failWith(() -> new IllegalStateException("broker did not acknowledge " + topic + " in time"));
    }
}
