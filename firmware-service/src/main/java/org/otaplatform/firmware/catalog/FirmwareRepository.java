package org.otaplatform.firmware.catalog;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import org.otaplatform.common.paging.PageRequest;

@ApplicationScoped
public class FirmwareRepository implements PanacheRepositoryBase<Firmware, UUID> {

    /** Packages matching the optional filters, newest first. */
    public Uni<List<Firmware>> list(String productKey, String version, PageRequest page) {
        return find(filter(productKey, version), Sort.descending("createdAt").and("id"), params(productKey, version))
                .page(page.page(), page.size())
                .list();
    }

    public Uni<Long> count(String productKey, String version) {
        return count(filter(productKey, version), params(productKey, version));
    }

    private static String filter(String productKey, String version) {
        return "(:productKey is null or productKey = :productKey) and (:version is null or version = :version)";
    }

    private static Parameters params(String productKey, String version) {
        return Parameters.with("productKey", productKey).and("version", version);
    }
}
