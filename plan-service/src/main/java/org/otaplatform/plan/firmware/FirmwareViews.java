package org.otaplatform.plan.firmware;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;
import org.otaplatform.contract.internal.FirmwareEvent;

/** plan-service's firmware view: kept from firmware events, read when plans are checked and pushed. */
@ApplicationScoped
public class FirmwareViews {

    /**
     * Applies an event in the caller's transaction; a deleted package stays deleted. Only a compatibility
     * change rewrites what the package fits (an older event delivered late keeps its own fields to itself).
     */
    public Uni<Void> apply(String type, FirmwareEvent e) {
        boolean deleted = FirmwareEvent.DELETED.equals(type);
        boolean compatibility = FirmwareEvent.COMPATIBILITY_CHANGED.equals(type);
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("INSERT INTO firmware_view (firmware_id, product_key, version, type,"
                                + " source_version, size, sha256, signature, key_id, verification, deleted, min_gateway_version,"
                                + " hardware_revisions, unknown_hardware, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                                + " ?9, ?10, ?11, ?12, CAST(?13 AS varchar[]), ?14, now())"
                                + " ON CONFLICT (firmware_id) DO UPDATE SET verification = EXCLUDED.verification,"
                                // a release's signature, once known, stays (a late event without it keeps it)
                                + " signature = coalesce(firmware_view.signature, EXCLUDED.signature),"
                                + " key_id = coalesce(firmware_view.key_id, EXCLUDED.key_id),"
                                + " deleted = firmware_view.deleted OR EXCLUDED.deleted, updated_at = now()"
                                + (compatibility
                                        ? ", min_gateway_version = EXCLUDED.min_gateway_version,"
                                                + " hardware_revisions = EXCLUDED.hardware_revisions,"
                                                + " unknown_hardware = EXCLUDED.unknown_hardware"
                                        : ""))
                        .setParameter(1, UUID.fromString(e.firmwareId()))
                        .setParameter(2, e.productKey())
                        .setParameter(3, e.version())
                        .setParameter(4, e.type().name())
                        .setParameter(5, e.sourceVersion())
                        .setParameter(6, e.size())
                        .setParameter(7, e.sha256())
                        .setParameter(8, e.signature())
                        .setParameter(9, e.keyId())
                        .setParameter(10, e.verification())
                        .setParameter(11, deleted)
                        .setParameter(12, e.minGatewayVersion())
                        .setParameter(13, e.hardwareRevisions().toArray(String[]::new))
                        .setParameter(14, e.unknownHardware())
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** A varchar[]'s text ({@code {A1,B2}}): revisions hold no comma, brace or quote. */
    private static java.util.List<String> revisions(String array) {
        String inner = array == null ? "" : array.replaceAll("[{}\"]", "");
        return inner.isEmpty() ? java.util.List.of() : java.util.List.of(inner.split(","));
    }

    public Uni<Optional<FirmwareView>> find(UUID firmwareId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("SELECT CAST(firmware_id AS varchar), product_key, version, type,"
                                + " source_version, size, sha256, signature, key_id, verification, deleted,"
                                + " min_gateway_version, CAST(hardware_revisions AS text), unknown_hardware"
                                + " FROM firmware_view WHERE firmware_id = ?1")
                        .setParameter(1, firmwareId)
                        .getResultList())
                .map(rows -> rows.stream().findFirst().map(row -> {
                    Object[] r = (Object[]) row;
                    return new FirmwareView(
                            (String) r[0],
                            (String) r[1],
                            (String) r[2],
                            (String) r[3],
                            (String) r[4],
                            ((Number) r[5]).longValue(),
                            (String) r[6],
                            (String) r[7],
                            (String) r[8],
                            (String) r[9],
                            (Boolean) r[10],
                            (String) r[11],
                            revisions((String) r[12]),
                            (String) r[13]);
                }));
    }
}
