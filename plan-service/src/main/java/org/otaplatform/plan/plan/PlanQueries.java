package org.otaplatform.plan.plan;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.common.paging.SortOrder;

/** The read side of plans, for the REST API. */
@ApplicationScoped
public class PlanQueries {

    private final PlanRepository plans;

    PlanQueries(PlanRepository plans) {
        this.plans = plans;
    }

    @WithSession
    public Uni<Page<Plan>> list(
            PlanStatus status, String productKey, UUID firmwareId, SortOrder order, PageRequest page) {
        var filter = new PlanRepository.Filter(status, productKey, firmwareId);
        return plans.list(filter, order, page)
                .flatMap(items -> plans.count(filter).map(total -> page.page(items, total)));
    }

    @WithSession
    public Uni<Plan> get(UUID id) {
        return plans.findById(id).onItem().ifNull().failWith(() -> ApiException.notFound("plan", id));
    }
}
