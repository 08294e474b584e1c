package org.otaplatform.common.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.otaplatform.common.reactive.SafeContext;

/**
 * No message is stranded in the broker session of a replica that left for good. With persistent sessions
 * (a stable instance id) the broker keeps a departed replica's session, and with it that replica's share
 * of every shared subscription, queued for a return that may never come. So the replicas of a service
 * keep a roll in their own database ({@code broker_member}: instance id, heartbeat):
 * <ul>
 *   <li><b>Leaving while others stay</b> (scale-in, a rolling restart): the replica unsubscribes, handles
 *       what is still on its way, disconnects and discards its sessions; the others take the whole share
 *       from then on. Leaving as the last one, it keeps its sessions: what arrives meanwhile waits for its
 *       return (the only replica restarting).</li>
 *   <li><b>Gone without leaving</b> (killed, its node lost, and not back within {@code
 *       ota.mqtt.handover-after}): one of the others claims its row, connects under its client ids,
 *       unsubscribes them, handles what they held as its own messages, and discards them. Should the
 *       departed replica come back meanwhile, it takes its sessions over (same client id) and the
 *       adoption stops without discarding anything.</li>
 * </ul>
 * A replica adopts only after its own heartbeats have gone through for a whole hand-over period, so a
 * database outage that stopped everyone's heartbeats never makes live replicas look departed. The broker's
 * own session expiry (Mosquitto {@code persistent_client_expiration}, EMQX {@code session_expiry_interval})
 * stays as the backstop for a service removed altogether.
 */
@ApplicationScoped
public class SessionHandover {

    private static final Logger LOG = Logger.getLogger(SessionHandover.class);
    /** An adoption claimed this long ago and not finished is free again (the adopter died). */
    private static final Duration CLAIM = Duration.ofMinutes(5);

    private final Vertx vertx;
    private final MqttSubscriptions mqtt;
    private final Duration after;
    private final long heartbeatMillis;
    private final Counter adopted;
    private final AtomicBoolean adopting = new AtomicBoolean();
    /** Since when this replica's heartbeats have gone through without a failure (0: the last one failed). */
    private volatile long upSince;

    private volatile boolean leaving;
    private long timer = -1;

    SessionHandover(
            Vertx vertx,
            MqttSubscriptions mqtt,
            @ConfigProperty(name = "ota.mqtt.handover-after", defaultValue = "60s") Duration after,
            MeterRegistry registry) {
        this.vertx = vertx;
        this.mqtt = mqtt;
        this.after = after;
        this.heartbeatMillis = Math.max(500, Math.min(10_000, after.toMillis() / 4));
        this.adopted = Counter.builder("ota.mqtt.sessions.adopted")
                .description("departed replicas whose broker sessions this replica emptied and discarded")
                .register(registry);
    }

    /** Joins the roll before the subscriptions connect (their observers run later), then beats. */
    void start(@Observes @Priority(10) StartupEvent event) {
        if (!mqtt.persistent()) {
            return;
        }
        try {
            SafeContext.uni(vertx, this::beat).await().atMost(Duration.ofSeconds(10));
            upSince = System.currentTimeMillis();
        } catch (RuntimeException e) {
            LOG.warnf("cannot join the replicas' roll yet (%s); trying again every %d ms", e, heartbeatMillis);
        }
        timer = vertx.setPeriodic(heartbeatMillis, t -> tick());
    }

    /** A heartbeat; once they have gone through for a hand-over period, a look for a departed replica. */
    private void tick() {
        if (leaving) {
            return;
        }
        SafeContext.run(
                vertx,
                this::beat,
                ok -> {
                    long now = System.currentTimeMillis();
                    if (upSince == 0) {
                        upSince = now;
                    }
                    if (now - upSince >= after.toMillis() && adopting.compareAndSet(false, true)) {
                        SafeContext.run(vertx, this::adoptOne, done -> adopting.set(false), failure -> {
                            adopting.set(false);
                            LOG.warnf("adopting a departed replica's broker sessions failed: %s", failure.getMessage());
                        });
                    }
                },
                failure -> upSince = 0);
    }

    private Uni<Integer> beat() {
        return Panache.withTransaction(() -> Panache.getSession()
                .flatMap(session -> session.createNativeQuery("INSERT INTO broker_member (instance_id, heartbeat_at)"
                                + " VALUES (?1, now()) ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now(),"
                                + " leaving_at = NULL, adopted_by = NULL, adopted_at = NULL")
                        .setParameter(1, mqtt.instanceId())
                        .executeUpdate()));
    }

    /** Claims one departed replica, empties its sessions, and discards them if it is still away. */
    private Uni<Void> adoptOne() {
        return Panache.withTransaction(() -> Panache.getSession()
                        .flatMap(session -> session.createNativeQuery(
                                        "UPDATE broker_member SET adopted_by = ?1, adopted_at = now()"
                                                + " WHERE instance_id = (SELECT instance_id FROM broker_member"
                                                + " WHERE instance_id <> ?1 AND heartbeat_at < now() - make_interval(secs => ?2)"
                                                + " AND (adopted_at IS NULL OR adopted_at < now() - make_interval(secs => ?3))"
                                                + " ORDER BY heartbeat_at LIMIT 1 FOR UPDATE SKIP LOCKED)"
                                                + " RETURNING instance_id",
                                        String.class)
                                .setParameter(1, mqtt.instanceId())
                                .setParameter(2, seconds(after))
                                .setParameter(3, seconds(CLAIM))
                                .getResultList()))
                .flatMap(claimed -> claimed.isEmpty() ? Uni.createFrom().voidItem() : adopt(claimed.get(0)));
    }

    private Uni<Void> adopt(String departed) {
        LOG.infof("replica %s has been away for over %s: emptying its broker sessions", departed, after);
        return mqtt.empty(departed)
                .flatMap(messages -> Panache.withTransaction(() -> Panache.getSession()
                                .flatMap(session -> session.createNativeQuery(
                                                "SELECT instance_id FROM broker_member"
                                                        + " WHERE instance_id = ?1 AND adopted_by = ?2"
                                                        + " AND heartbeat_at < now() - make_interval(secs => ?3)"
                                                        + " FOR UPDATE",
                                                String.class)
                                        .setParameter(1, departed)
                                        .setParameter(2, mqtt.instanceId())
                                        .setParameter(3, seconds(after))
                                        .getResultList()
                                        // the row lock holds a returning replica back from joining until the
                                        // sessions are gone, so it never loses a fresh session to the discard
                                        .flatMap(still -> still.isEmpty()
                                                ? Uni.createFrom().item(false)
                                                : mqtt.discard(departed)
                                                        .chain(() -> session.createNativeQuery(
                                                                        "DELETE FROM broker_member WHERE instance_id = ?1")
                                                                .setParameter(1, departed)
                                                                .executeUpdate())
                                                        .map(n -> true))))
                        .invoke(discarded -> {
                            if (discarded) {
                                adopted.increment();
                                LOG.infof(
                                        "the broker sessions of departed replica %s are emptied (%d messages handled here)"
                                                + " and discarded",
                                        departed, messages);
                            } else {
                                LOG.infof(
                                        "replica %s came back while its sessions were emptied; they stay its own",
                                        departed);
                            }
                        }))
                .replaceWithVoid();
    }

    /**
     * Leaving: hands the sessions over if another replica stays, else keeps them for the return. Runs before
     * {@link MqttSubscriptions} disconnects (lower priority number, earlier observer).
     */
    void leave(@Observes @Priority(10) ShutdownEvent event) {
        if (!mqtt.persistent()) {
            return;
        }
        leaving = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        boolean handOver;
        try {
            handOver = SafeContext.uni(vertx, this::othersStay).await().atMost(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warnf("cannot tell whether other replicas stay (%s); keeping the broker sessions", e.getMessage());
            return;
        }
        if (!handOver) {
            LOG.infof("no other replica stays: %s keeps its broker sessions for its return", mqtt.instanceId());
            return;
        }
        try {
            long messages = mqtt.handOver().await().atMost(Duration.ofSeconds(20));
            SafeContext.uni(
                            vertx,
                            () -> Panache.withTransaction(() -> Panache.getSession()
                                    .flatMap(session -> session.createNativeQuery(
                                                    "DELETE FROM broker_member WHERE instance_id = ?1")
                                            .setParameter(1, mqtt.instanceId())
                                            .executeUpdate())))
                    .await()
                    .atMost(Duration.ofSeconds(5));
            LOG.infof(
                    "%s handed its share over to the replicas that stay (%d messages handled while leaving) and"
                            + " discarded its broker sessions",
                    mqtt.instanceId(), messages);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "handing the broker sessions over did not finish (%s); another replica adopts them after %s",
                    e.getMessage(), after);
        }
    }

    /**
     * Whether another replica is here and staying (a heartbeat within two beats, not leaving); if so this one
     * is marked leaving. All rows are locked, so two replicas leaving together do not both count on the other.
     */
    private Uni<Boolean> othersStay() {
        return Panache.withTransaction(() -> Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "SELECT instance_id FROM broker_member ORDER BY instance_id FOR UPDATE", String.class)
                        .getResultList()
                        .chain(() -> session.createNativeQuery(
                                        "SELECT instance_id FROM broker_member WHERE instance_id <> ?1"
                                                + " AND heartbeat_at > now() - make_interval(secs => ?2)"
                                                + " AND leaving_at IS NULL",
                                        String.class)
                                .setParameter(1, mqtt.instanceId())
                                .setParameter(2, seconds(Duration.ofMillis(2 * heartbeatMillis + 1_000)))
                                .getResultList())
                        .flatMap(staying -> staying.isEmpty()
                                ? Uni.createFrom().item(false)
                                : session.createNativeQuery(
                                                "UPDATE broker_member SET leaving_at = now() WHERE instance_id = ?1")
                                        .setParameter(1, mqtt.instanceId())
                                        .executeUpdate()
                                        .map(n -> true))));
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    /** The replicas on the roll (for tests and diagnostics). */
    public Uni<List<String>> roll() {
        return Panache.withSession(() -> Panache.getSession()
                .flatMap(session -> session.createNativeQuery(
                                "SELECT instance_id FROM broker_member ORDER BY instance_id", String.class)
                        .getResultList()));
    }
}
