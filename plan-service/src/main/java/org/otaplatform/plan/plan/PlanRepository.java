package org.otaplatform.plan.plan;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.common.paging.SortOrder;

@ApplicationScoped
public class PlanRepository implements PanacheRepositoryBase<Plan, UUID> {

    /** The fields a plan list may be sorted by. */
    public static final Set<String> SORTABLE = Set.of("name", "createdAt", "updatedAt", "status", "productKey");

    /** A plan list's filters; a null field does not filter. */
    public record Filter(PlanStatus status, String productKey, UUID firmwareId) {

        /**
         * The query with only the conditions that filter: PostgreSQL cannot type a parameter that is only
         * compared with null, and a condition that is always true only costs the planner.
         */
        String query() {
            List<String> conditions = new ArrayList<>();
            if (status != null) {
                conditions.add("status = :status");
            }
            if (productKey != null) {
                conditions.add("productKey = :productKey");
            }
            if (firmwareId != null) {
                conditions.add("firmwareId = :firmwareId");
            }
            return conditions.isEmpty() ? "1 = 1" : String.join(" and ", conditions);
        }

        Parameters parameters() {
            Parameters p = new Parameters();
            if (status != null) {
                p = p.and("status", status);
            }
            if (productKey != null) {
                p = p.and("productKey", productKey);
            }
            if (firmwareId != null) {
                p = p.and("firmwareId", firmwareId);
            }
            return p;
        }
    }

    public Uni<List<Plan>> list(Filter filter, SortOrder order, PageRequest page) {
        Sort sort = order.descending() ? Sort.descending(order.field()) : Sort.ascending(order.field());
        return find(filter.query(), sort.and("id"), filter.parameters())
                .page(page.page(), page.size())
                .list();
    }

    public Uni<Long> count(Filter filter) {
        return count(filter.query(), filter.parameters());
    }
}
