package org.otaplatform.devicegateway.session;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.otaplatform.common.paging.PageRequest;

@ApplicationScoped
public class GatewayRepository implements PanacheRepositoryBase<Gateway, String> {

    private static final String BY_ONLINE = ":online is null or online = :online";

    public Uni<List<Gateway>> list(Boolean online, PageRequest page) {
        return find(BY_ONLINE, Sort.by("gatewayId"), Parameters.with("online", online))
                .page(page.page(), page.size())
                .list();
    }

    public Uni<Long> count(Boolean online) {
        return count(BY_ONLINE, Parameters.with("online", online));
    }
}
