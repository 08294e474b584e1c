package org.otaplatform.devicegateway.session;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.otaplatform.common.paging.PageRequest;

@ApplicationScoped
public class SubDeviceRepository implements PanacheRepositoryBase<SubDevice, SubDevice.Key> {

    public Uni<List<SubDevice>> attachedTo(String gatewayId, PageRequest page) {
        return find("gatewayId", Sort.by("key.productKey").and("key.deviceKey"), gatewayId)
                .page(page.page(), page.size())
                .list();
    }

    public Uni<Long> countAttachedTo(String gatewayId) {
        return count("gatewayId", gatewayId);
    }

    /** How many sub-devices each of the given gateways speaks for. */
    public Uni<Map<String, Long>> countsByGateway(List<String> gatewayIds) {
        if (gatewayIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return getSession()
                .flatMap(session -> session.createQuery(
                                "select s.gatewayId, count(s) from SubDevice s where s.gatewayId in (:ids) group by s.gatewayId",
                                Object[].class)
                        .setParameter("ids", gatewayIds)
                        .getResultList())
                .map(rows -> rows.stream().collect(Collectors.toMap(r -> (String) r[0], r -> (Long) r[1])));
    }
}
