package org.otaplatform.plan.plan;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import org.otaplatform.common.paging.PageRequest;

@ApplicationScoped
public class PlanRepository implements PanacheRepositoryBase<Plan, UUID> {

    private static final String FILTER =
            "(:status is null or status = :status) and (:productKey is null or productKey = :productKey)";

    public Uni<List<Plan>> list(PlanStatus status, String productKey, PageRequest page) {
        return find(FILTER, Sort.descending("createdAt").and("id"), params(status, productKey))
                .page(page.page(), page.size())
                .list();
    }

    public Uni<Long> count(PlanStatus status, String productKey) {
        return count(FILTER, params(status, productKey));
    }

    private static Parameters params(PlanStatus status, String productKey) {
        return Parameters.with("status", status).and("productKey", productKey);
    }
}
