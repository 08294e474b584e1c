package org.otaplatform.devicegateway.downlink;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.UUID;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.DownloadLinks;
import org.otaplatform.contract.Topics;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.internal.GatewayCommand;
import org.otaplatform.contract.message.Cancel;
import org.otaplatform.contract.message.DownlinkMessage;
import org.otaplatform.contract.message.Reply;
import org.otaplatform.contract.message.Upgrade;
import org.otaplatform.contract.wire.FirmwareType;
import org.otaplatform.contract.wire.ReplyResult;
import org.otaplatform.devicegateway.config.DeviceGatewayConfig;

/**
 * Turns plan-service's commands into protocol messages for one gateway and puts them into the outbox,
 * in the caller's transaction: a message leaves only if the change that caused it commits.
 */
@ApplicationScoped
public class GatewayDownlink {

    /** A link is never valid for less than this, even for a task close to its deadline. */
    private static final long MIN_LINK_SECONDS = 300;

    private final Outbox outbox;
    private final DownloadLinks links;
    private final DeviceGatewayConfig.Downlink config;
    private final Clock clock = Clock.systemUTC();

    GatewayDownlink(Outbox outbox, DownloadLinks links, DeviceGatewayConfig config) {
        this.outbox = outbox;
        this.links = links;
        this.config = config.downlink();
    }

    /** An {@code upgrade} with a fresh message id and a download link bound to the gateway. */
    public Uni<Void> upgrade(GatewayCommand.Upgrade c) {
        Outbox.Entry message = upgradeMessage(c);
        return outbox.add(message.topic(), message.id(), message.payload());
    }

    /**
     * The {@code upgrade} message for the gateway, as an outbox entry: on {@code down/gateway-upgrade} when the
     * task upgrades the gateway itself, with the same payload.
     */
    public Outbox.Entry upgradeMessage(GatewayCommand.Upgrade c) {
        long now = clock.millis() / 1000;
        long expires =
                Math.max(now + MIN_LINK_SECONDS, Math.min(now + config.linkTtl().toSeconds(), c.deadline() / 1000));
        String url =
                links.url(config.firmwareBaseUrl(), new DownloadLinks.Grant(c.firmwareId(), c.gatewayId(), expires));
        Upgrade.Conditions conditions = c.minBatteryPercent() == null && c.minSignalDbm() == null
                ? null
                : new Upgrade.Conditions(c.minBatteryPercent(), c.minSignalDbm());
        Upgrade upgrade = new Upgrade(
                UUID.randomUUID().toString(),
                clock.millis(),
                c.taskId(),
                c.planId(),
                c.productKey(),
                c.deviceKey(),
                c.fromVersion(),
                c.toVersion(),
                c.ackTimeoutSeconds(),
                c.deadline(),
                new Upgrade.FirmwareRef(
                        c.firmwareId(),
                        FirmwareType.valueOf(c.firmwareType()),
                        c.size(),
                        c.sha256(),
                        url,
                        expires * 1000,
                        c.signature(),
                        c.keyId()),
                conditions,
                c.notes());
        return new Outbox.Entry(
                Topics.downlink(
                        c.gatewayId(), c.upgradesGateway() ? DownlinkType.GATEWAY_UPGRADE : DownlinkType.UPGRADE),
                UUID.fromString(upgrade.msgId()),
                MessageCodec.encode(upgrade));
    }

    public Uni<Void> cancel(GatewayCommand.Cancel c) {
        return send(
                c.gatewayId(),
                DownlinkType.CANCEL,
                new Cancel(UUID.randomUUID().toString(), clock.millis(), c.taskId(), c.reason()));
    }

    public Uni<Void> reply(GatewayCommand.Reply c) {
        return send(
                c.gatewayId(),
                DownlinkType.REPLY,
                new Reply(
                        UUID.randomUUID().toString(),
                        clock.millis(),
                        c.inReplyTo(),
                        c.productKey(),
                        c.deviceKey(),
                        ReplyResult.valueOf(c.result()),
                        c.taskId()));
    }

    private Uni<Void> send(String gatewayId, DownlinkType type, DownlinkMessage message) {
        return outbox.add(
                Topics.downlink(gatewayId, type), UUID.fromString(message.msgId()), MessageCodec.encode(message));
    }
}
