package org.otaplatform.devicegateway.downlink;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.otaplatform.common.messaging.Inbox;
import org.otaplatform.common.messaging.MqttSubscriptions;
import org.otaplatform.contract.Identifiers;
import org.otaplatform.contract.internal.GatewayCommand;
import org.otaplatform.contract.internal.InternalMessage;

/**
 * plan-service's commands for gateways. Each is applied once (inbox), with the downlink message it
 * causes put into the outbox in the same transaction; an upgrade is kept until the gateway acks it.
 */
@ApplicationScoped
public class CommandConsumer {

    private static final Logger LOG = Logger.getLogger(CommandConsumer.class);

    private final Inbox inbox;
    private final TaskStore tasks;
    private final GatewayDownlink downlink;

    CommandConsumer(Inbox inbox, TaskStore tasks, GatewayDownlink downlink) {
        this.inbox = inbox;
        this.tasks = tasks;
        this.downlink = downlink;
    }

    /** Subscribes at start-up; messages are acknowledged once their effects are committed (waiting ones together). */
    void subscribe(@Observes StartupEvent event, MqttSubscriptions mqtt) {
        mqtt.subscribeInBatches(
                "commands",
                "$share/device-gateway-service/" + org.otaplatform.contract.InternalTopics.GATEWAY_COMMANDS,
                (topic, payload) -> consume(payload));
    }

    public Uni<Void> consume(byte[] payload) {
        Optional<InternalMessage> message = InternalMessage.decode(payload);
        if (message.isEmpty()) {
            LOG.warn("dropping a command that is not an internal message");
            return Uni.createFrom().voidItem();
        }
        return inbox.applyOnce(message.get(), () -> apply(message.get()));
    }

    private Uni<Void> apply(InternalMessage message) {
        switch (message.type()) {
            case GatewayCommand.Upgrade.TYPE -> {
                Optional<GatewayCommand.Upgrade> upgrade = message.dataAs(GatewayCommand.Upgrade.class)
                        .filter(c -> Identifiers.isGatewayId(c.gatewayId()) && Identifiers.isEntityId(c.taskId()));
                if (upgrade.isPresent()) {
                    return tasks.insert(upgrade.get())
                            .flatMap(fresh -> fresh
                                    ? downlink.upgrade(upgrade.get())
                                    : Uni.createFrom().voidItem());
                }
            }
            case GatewayCommand.Cancel.TYPE -> {
                Optional<GatewayCommand.Cancel> cancel = message.dataAs(GatewayCommand.Cancel.class)
                        .filter(c -> Identifiers.isGatewayId(c.gatewayId()) && Identifiers.isEntityId(c.taskId()));
                if (cancel.isPresent()) {
                    return tasks.advance(cancel.get().taskId(), "ENDED").flatMap(v -> downlink.cancel(cancel.get()));
                }
            }
            case GatewayCommand.Reply.TYPE -> {
                Optional<GatewayCommand.Reply> reply =
                        message.dataAs(GatewayCommand.Reply.class).filter(c -> Identifiers.isGatewayId(c.gatewayId()));
                if (reply.isPresent()) {
                    return downlink.reply(reply.get());
                }
            }
            default -> {}
        }
        LOG.warnf("dropping command %s: unknown type %s or invalid data", message.id(), message.type());
        return Uni.createFrom().voidItem();
    }
}
