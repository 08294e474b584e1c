package org.otaplatform.devicegateway.registry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.otaplatform.common.reactive.Watchdog;
import org.otaplatform.devicegateway.session.SessionStore;

/**
 * Key rotation of sealed secrets: once a new key is active ({@code OTA_REGISTRY_ACTIVE_KEY_ID}), every
 * secret still sealed with another key is opened and sealed again with the active one, a thousand rows a
 * minute per replica (rows another replica is at are skipped). {@code ota.registry.secrets.retired.key}
 * counts what is left; at 0 the old key may be removed from {@code OTA_REGISTRY_SECRET_KEYS}.
 */
@ApplicationScoped
public class SecretRewrap {

    private static final Logger LOG = Logger.getLogger(SecretRewrap.class);
    private static final int BATCH = 1_000;

    private final SecretVault vault;
    private final AtomicLong left = new AtomicLong();

    SecretRewrap(SecretVault vault, MeterRegistry registry) {
        this.vault = vault;
        Gauge.builder("ota.registry.secrets.retired.key", left, AtomicLong::get)
                .description("product and device secrets still sealed with a key that is not the active one")
                .register(registry);
    }

    @Scheduled(every = "1m", delayed = "20s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> rewrapSome() {
        return rewrap().plug(Watchdog.limit("sealing secrets with the active key"))
                .onFailure()
                .invoke(e -> LOG.warnf("sealing secrets with the active key failed: %s", e.getMessage()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** One round over products and devices; how many secrets were sealed again. */
    public Uni<Integer> rewrap() {
        String active = vault.activeKeyId();
        return Panache.withTransaction(() -> SessionStore.rows(
                                "SELECT product_key, secret FROM product WHERE secret IS NOT NULL"
                                        + " AND secret_key_id <> ?1 LIMIT ?2 FOR UPDATE SKIP LOCKED",
                                active,
                                BATCH)
                        .flatMap(products -> reseal(products, false))
                        .flatMap(p -> SessionStore.rows(
                                        "SELECT product_key, device_key, secret FROM device WHERE secret IS NOT NULL"
                                                + " AND secret_key_id <> ?1 LIMIT ?2 FOR UPDATE SKIP LOCKED",
                                        active,
                                        BATCH)
                                .flatMap(devices -> reseal(devices, true))
                                .map(d -> p + d))
                        .flatMap(n -> SessionStore.rows(
                                        "SELECT (SELECT count(*) FROM product WHERE secret IS NOT NULL AND secret_key_id <> ?1)"
                                                + " + (SELECT count(*) FROM device WHERE secret IS NOT NULL"
                                                + " AND secret_key_id <> ?1)",
                                        active)
                                .map(rows -> {
                                    left.set(((Number) rows.get(0)[0]).longValue());
                                    return n;
                                })))
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("sealed %d secrets again with key %s; %d left on other keys", n, active, left.get());
                    }
                });
    }

    private Uni<Integer> reseal(List<Object[]> rows, boolean devices) {
        List<String> products = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> sealed = new ArrayList<>();
        Base64.Encoder base64 = Base64.getEncoder();
        for (Object[] r : rows) {
            String productKey = (String) r[0];
            String deviceKey = devices ? (String) r[1] : null;
            String secret = vault.open(productKey, deviceKey, (byte[]) r[devices ? 2 : 1]);
            if (secret == null) {
                continue; // its key is gone: SecretVault said so; a rotation of that secret mends it
            }
            products.add(productKey);
            keys.add(deviceKey == null ? "" : deviceKey);
            sealed.add(base64.encodeToString(
                    vault.seal(productKey, deviceKey, secret).bytes()));
        }
        if (products.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        String sql = devices
                ? "UPDATE device d SET secret = decode(u.s, 'base64'), secret_key_id = ?4 FROM unnest(CAST(?1 AS text[]),"
                        + " CAST(?2 AS text[]), CAST(?3 AS text[])) AS u (p, k, s)"
                        + " WHERE d.product_key = u.p AND d.device_key = u.k RETURNING 1"
                : "UPDATE product d SET secret = decode(u.s, 'base64'), secret_key_id = ?4 FROM unnest(CAST(?1 AS text[]),"
                        + " CAST(?2 AS text[]), CAST(?3 AS text[])) AS u (p, k, s)"
                        + " WHERE d.product_key = u.p RETURNING 1";
        return SessionStore.rows(
                        sql,
                        products.toArray(String[]::new),
                        keys.toArray(String[]::new),
                        sealed.toArray(String[]::new),
                        vault.activeKeyId())
                .map(List::size);
    }
}
