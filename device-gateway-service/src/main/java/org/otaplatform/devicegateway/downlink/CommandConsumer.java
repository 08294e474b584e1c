package org.otaplatform.devicegateway.downlink;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.otaplatform.common.messaging.Inbox;
import org.otaplatform.common.messaging.MqttSubscriptions;
import org.otaplatform.common.messaging.Outbox;
import org.otaplatform.common.messaging.Work;
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
    private final Outbox outbox;

    CommandConsumer(Inbox inbox, TaskStore tasks, GatewayDownlink downlink, Outbox outbox) {
        this.outbox = outbox;
        this.inbox = inbox;
        this.tasks = tasks;
        this.downlink = downlink;
    }

    /** An upgrade command and the id of the message that carried it. */
    record Upgrading(String messageId, GatewayCommand.Upgrade command) {}

    /**
     * Subscribes at start-up; messages are acknowledged once their effects are committed. Those waiting
     * together are applied in one transaction, a stretch of upgrades with a few set-based statements.
     */
    void subscribe(@Observes StartupEvent event, MqttSubscriptions mqtt) {
        mqtt.subscribeInStretches(
                "commands",
                "$share/device-gateway-service/" + org.otaplatform.contract.InternalTopics.GATEWAY_COMMANDS,
                (topic, payload) -> prepare(payload),
                this::upgrades,
                () -> {});
    }

    Work prepare(byte[] payload) {
        Optional<InternalMessage> message = InternalMessage.decode(payload);
        Optional<GatewayCommand.Upgrade> upgrade = message.flatMap(CommandConsumer::upgrade);
        if (upgrade.isEmpty()) {
            return Work.either(() -> consume(payload));
        }
        Supplier<Uni<Void>> oneByOne = () -> consume(payload);
        return new Work(
                oneByOne, new Work.Batchable<>(new Upgrading(message.get().id(), upgrade.get()), oneByOne), null);
    }

    /**
     * A stretch of upgrade commands, as one by one: each applied once (inbox), each task stored once, and
     * the upgrade of each new one in the outbox.
     */
    private Uni<Void> upgrades(List<Upgrading> run) {
        return inbox.firstTimeOnly(run, Upgrading::messageId).flatMap(firstTime -> {
            List<GatewayCommand.Upgrade> fresh =
                    firstTime.stream().map(Upgrading::command).toList();
            return fresh.isEmpty()
                    ? Uni.createFrom().voidItem()
                    : tasks.insertAll(fresh)
                            .flatMap(stored -> outbox.addAll(fresh.stream()
                                    .filter(c -> stored.remove(c.taskId()))
                                    .map(downlink::upgradeMessage)
                                    .toList()));
        });
    }

    public Uni<Void> consume(byte[] payload) {
        Optional<InternalMessage> message = InternalMessage.decode(payload);
        if (message.isEmpty()) {
            LOG.warn("dropping a command that is not an internal message");
            return Uni.createFrom().voidItem();
        }
        return inbox.applyOnce(message.get(), () -> apply(message.get()));
    }

    private static Optional<GatewayCommand.Upgrade> upgrade(InternalMessage message) {
        return GatewayCommand.Upgrade.TYPE.equals(message.type())
                ? message.dataAs(GatewayCommand.Upgrade.class)
                        .filter(c -> Identifiers.isGatewayId(c.gatewayId()) && Identifiers.isEntityId(c.taskId()))
                        // a gateway's own upgrade is about that gateway and nothing else
                        .filter(c -> !c.upgradesGateway() || c.gatewayId().equals(c.deviceKey()))
                : Optional.empty();
    }

    private Uni<Void> apply(InternalMessage message) {
        switch (message.type()) {
            case GatewayCommand.Upgrade.TYPE -> {
                Optional<GatewayCommand.Upgrade> upgrade = upgrade(message);
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
                    return tasks.advance(cancel.get().taskId(), GatewayTaskState.ENDED)
                            .flatMap(v -> downlink.cancel(cancel.get()));
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
