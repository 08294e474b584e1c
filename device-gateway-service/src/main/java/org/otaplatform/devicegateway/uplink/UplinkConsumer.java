package org.otaplatform.devicegateway.uplink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.otaplatform.common.messaging.MqttSubscriptions;
import org.otaplatform.common.messaging.Work;
import org.otaplatform.common.reactive.Watchdog;
import org.otaplatform.contract.DownlinkType;
import org.otaplatform.contract.GatewayTopic;
import org.otaplatform.contract.Topics;
import org.otaplatform.contract.UplinkType;
import org.otaplatform.contract.codec.Decoded;
import org.otaplatform.contract.codec.MessageCodec;
import org.otaplatform.contract.message.Ack;
import org.otaplatform.contract.message.ErrorReply;
import org.otaplatform.contract.message.Hello;
import org.otaplatform.contract.message.Progress;
import org.otaplatform.contract.message.Status;
import org.otaplatform.contract.message.Topology;
import org.otaplatform.contract.message.UplinkMessage;
import org.otaplatform.contract.message.VersionReport;
import org.otaplatform.contract.wire.ErrorCode;
import org.otaplatform.devicegateway.downlink.DownlinkPublisher;
import org.otaplatform.devicegateway.session.SessionStore;

/**
 * Every gateway's uplink: the topic names the gateway; the payload is validated with the contract;
 * the rate limit, ownership and task checks refuse what must not act, with an {@code error} reply on
 * the gateway's own topic. A message never fails the channel: it is applied, answered, or logged.
 */
@ApplicationScoped
public class UplinkConsumer {

    private static final Logger LOG = Logger.getLogger(UplinkConsumer.class);

    private final UplinkService uplink;
    private final UplinkBatch batch;
    private final RateLimiter rateLimiter;
    private final DownlinkPublisher downlink;
    private final SessionStore sessions;
    private final MeterRegistry registry;
    private final io.vertx.core.Vertx vertx;
    private final Clock clock = Clock.systemUTC();

    UplinkConsumer(
            UplinkService uplink,
            UplinkBatch batch,
            RateLimiter rateLimiter,
            DownlinkPublisher downlink,
            SessionStore sessions,
            MeterRegistry registry,
            io.vertx.core.Vertx vertx) {
        this.vertx = vertx;
        this.uplink = uplink;
        this.batch = batch;
        this.rateLimiter = rateLimiter;
        this.downlink = downlink;
        this.sessions = sessions;
        this.registry = registry;
    }

    /**
     * Subscribes at start-up; messages are acknowledged once their effects are committed. Valid messages
     * waiting together are applied in one transaction (a run of acks, progress and version reports with a
     * few set-based statements: {@link UplinkBatch}); one that must be refused rolls that transaction back,
     * and each of its messages is then handled alone (the refused one with its error reply).
     */
    void subscribe(@Observes StartupEvent event, MqttSubscriptions mqtt) {
        mqtt.subscribeInStretches(
                "uplink",
                "$share/device-gateway-service/" + Topics.ALL_UPLINK,
                this::prepare,
                batch::reports,
                this::afterReconnect);
    }

    /**
     * The broker came back (or this service's connection to it): a gateway's {@code hello} sent in
     * between may be lost, and with it the re-sending of its unacked upgrades; such a gateway would wait
     * for commands the platform believes it holds. So the unacked upgrades of gateways held offline go
     * out again, once the gateways have had time to reconnect and the backlog to clear, and once more
     * later; a gateway de-duplicates by taskId, and its answer brings it back online here (see
     * UplinkService#revive).
     */
    private void afterReconnect() {
        for (long delay : new long[] {15_000, 45_000}) {
            vertx.setTimer(delay, t -> {
                org.otaplatform.common.reactive.SafeContext.run(
                        vertx,
                        () -> Watchdog.limit(
                                uplink.resendUnackedOfGatewaysHeldOffline(), "re-sending unacked upgrades"),
                        n -> LOG.infof(
                                "the broker connection came back: %d unacked upgrades of gateways held offline sent"
                                        + " again",
                                n),
                        e -> LOG.warnf("re-sending unacked upgrades failed: %s", e.getMessage()));
            });
        }
    }

    /** Handles one message in a transaction of its own. */
    public Uni<Void> consume(String topicName, byte[] payload) {
        return prepare(topicName, payload).alone().get();
    }

    /**
     * Looks at a message once, without the database: its topic, the gateway's rate limit (a token is
     * taken here, whether the message is then applied with others or alone) and its validity.
     */
    Work prepare(String topicName, byte[] payload) {
        Optional<GatewayTopic> topic =
                Topics.parse(topicName).filter(t -> t.uplink().isPresent());
        if (topic.isEmpty()) {
            LOG.warn("ignoring a message on a topic that is no gateway uplink");
            return Work.alone(() -> Uni.createFrom().voidItem());
        }
        String gatewayId = topic.get().gatewayId();
        UplinkType type = topic.get().uplink().get();
        if (!rateLimiter.tryAcquire(gatewayId)) {
            // refused unread, and answered once a second at most: a gateway flooding far over its limit costs
            // the ordered uplink channel next to nothing, and its answers cannot flood the broker in turn
            if (!rateLimiter.answerRefusal(gatewayId)) {
                counter("ota.uplink.refused", "code", ErrorCode.RATE_LIMITED.name())
                        .increment();
                return Work.alone(() -> Uni.createFrom().voidItem());
            }
            return Work.alone(() -> failed(
                    type,
                    gatewayId,
                    refuse(
                            gatewayId,
                            peekMsgId(payload),
                            ErrorCode.RATE_LIMITED,
                            "gateway " + gatewayId + " sends faster than its limit; slow down and send again"
                                    + " (messages sent within the next second are refused unanswered)")));
        }
        Decoded<UplinkMessage> decoded = MessageCodec.decodeUplink(type, payload);
        if (decoded instanceof Decoded.Invalid<UplinkMessage> invalid) {
            return Work.alone(() -> failed(
                    type,
                    gatewayId,
                    refuse(gatewayId, invalid.msgId().orElse(null), ErrorCode.MALFORMED, invalid.summary())));
        }
        UplinkMessage valid = ((Decoded.Valid<UplinkMessage>) decoded).message();
        rateLimiter.charge(gatewayId, subDevicesNamed(valid));
        Supplier<Uni<Void>> together = () -> uplink.handle(gatewayId, valid);
        if ((valid instanceof Ack || valid instanceof Progress || valid instanceof VersionReport)
                && valid.msgId() != null) {
            together = new Work.Batchable<>(new UplinkBatch.Report(gatewayId, valid), together);
        }
        return new Work(
                () -> failed(
                        type,
                        gatewayId,
                        applied(type, gatewayId, valid)
                                .onFailure(Refusal.class)
                                .recoverWithUni(r -> refuse(gatewayId, valid.msgId(), (Refusal) r))),
                together,
                () -> accepted(type));
    }

    /** How many sub-devices a message names: what it costs the database beyond itself. */
    static int subDevicesNamed(UplinkMessage message) {
        if (message instanceof Hello hello) {
            return hello.subDevices().size();
        }
        if (message instanceof Topology topology) {
            return topology.added().size() + topology.removed().size();
        }
        return message instanceof Status status ? status.subDevices().size() : 0;
    }

    private Uni<Void> applied(UplinkType type, String gatewayId, UplinkMessage valid) {
        return uplink.handle(gatewayId, valid).invoke(() -> accepted(type));
    }

    private void accepted(UplinkType type) {
        counter("ota.uplink.accepted", "type", type.suffix()).increment();
    }

    /**
     * A failure that is no refusal (the database restarting) goes back to MqttSubscriptions, which tries
     * again and acknowledges only once the message was applied.
     */
    private Uni<Void> failed(UplinkType type, String gatewayId, Uni<Void> handled) {
        return handled.onFailure()
                .invoke(failure -> {
                    LOG.warnf("handling %s from gateway %s failed: %s", type.suffix(), gatewayId, failure.getMessage());
                    counter("ota.uplink.failed", "type", type.suffix()).increment();
                })
                .replaceWithVoid();
    }

    private Uni<Void> refuse(String gatewayId, String inReplyTo, ErrorCode code, String detail) {
        return refuse(gatewayId, inReplyTo, new Refusal(code, detail));
    }

    /** Answers a refused message with one {@code error} naming every refused sub-device entry, if any. */
    private Uni<Void> refuse(String gatewayId, String inReplyTo, Refusal refusal) {
        counter("ota.uplink.refused", "code", refusal.code().name()).increment();
        if (!refusal.devices().isEmpty()) {
            Counter.builder("ota.uplink.claims.refused")
                    .description("sub-device entries refused by the binding rules")
                    .register(registry)
                    .increment(refusal.devices().size());
        }
        LOG.debugf("refusing a message of %s (%s): %s", gatewayId, refusal.code(), refusal.getMessage());
        ErrorReply reply = new ErrorReply(
                UUID.randomUUID().toString(),
                clock.millis(),
                inReplyTo,
                refusal.code(),
                truncate(refusal.getMessage()),
                refusal.devices());
        return downlink.send(gatewayId, DownlinkType.ERROR, reply);
    }

    private Counter counter(String name, String tag, String value) {
        return Counter.builder(name).tag(tag, value).register(registry);
    }

    /** The msgId of a payload that was not read in full (rate limited), when it is plainly there. */
    /** The message's top-level {@code msgId}, read token by token: what follows it is never parsed. */
    static String peekMsgId(byte[] payload) {
        try (var parser = MessageCodec.mapper().getFactory().createParser(payload)) {
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            for (var token = parser.nextToken();
                    token == com.fasterxml.jackson.core.JsonToken.FIELD_NAME;
                    token = parser.nextToken()) {
                String field = parser.currentName();
                var value = parser.nextToken();
                if ("msgId".equals(field)) {
                    String text = value == com.fasterxml.jackson.core.JsonToken.VALUE_STRING ? parser.getText() : null;
                    return text != null && org.otaplatform.contract.Identifiers.isMsgId(text) ? text : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static String truncate(String text) {
        return text.length() <= 1000 ? text : text.substring(0, 997) + "...";
    }
}
