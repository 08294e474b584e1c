package org.otaplatform.firmware.catalog;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.contract.wire.FirmwareType;

@ApplicationScoped
public class FirmwareRepository implements PanacheRepositoryBase<Firmware, UUID> {

    private static final String FILTER =
            "(:productKey is null or productKey = :productKey) and (:version is null or version = :version)";

    /** Packages matching the optional filters, newest first. */
    public Uni<List<Firmware>> list(String productKey, String version, PageRequest page) {
        return find(FILTER, Sort.descending("createdAt").and("id"), params(productKey, version))
                .page(page.page(), page.size())
                .list();
    }

    public Uni<Long> count(String productKey, String version) {
        return count(FILTER, params(productKey, version));
    }

    /** The package with this identity of the contract: (productKey, version, type, sourceVersion). */
    public Uni<Firmware> findIdentity(String productKey, String version, FirmwareType type, String sourceVersion) {
        return find(
                        "productKey = :productKey and version = :version and type = :type"
                                + " and coalesce(sourceVersion, '') = :sourceVersion",
                        Parameters.with("productKey", productKey)
                                .and("version", version)
                                .and("type", type)
                                .and("sourceVersion", sourceVersion == null ? "" : sourceVersion))
                .firstResult();
    }

    /** Packages whose verification run passed its deadline. */
    public Uni<List<Firmware>> overdueVerifications(java.time.Instant now) {
        return list("verification = ?1 and verificationDeadline < ?2", Verification.VERIFYING, now);
    }

    private static Parameters params(String productKey, String version) {
        return Parameters.with("productKey", productKey).and("version", version);
    }
}
