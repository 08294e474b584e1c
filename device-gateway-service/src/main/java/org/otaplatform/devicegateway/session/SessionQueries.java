package org.otaplatform.devicegateway.session;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;

/** The read side of gateway sessions, for the REST API (sub-devices are read through the registry). */
@ApplicationScoped
public class SessionQueries {

    private final GatewayRepository gateways;

    SessionQueries(GatewayRepository gateways) {
        this.gateways = gateways;
    }

    /**
     * A gateway with the number of sub-devices it lists now (its topology) and of those bound to it (listed
     * or not).
     */
    public record GatewayWithCount(Gateway gateway, long subDeviceCount, long boundSubDeviceCount) {}

    @WithSession
    public Uni<Page<GatewayWithCount>> gateways(Boolean online, PageRequest page) {
        return gateways.list(online, page)
                .flatMap(list -> counts(list.stream().map(g -> g.gatewayId).toList())
                        .flatMap(counts -> gateways.count(online)
                                .map(total -> page.page(
                                        list.stream()
                                                .map(g -> withCount(g, counts))
                                                .toList(),
                                        total))));
    }

    @WithSession
    public Uni<GatewayWithCount> gateway(String gatewayId) {
        return gateways.findById(gatewayId)
                .onItem()
                .ifNull()
                .failWith(() -> ApiException.notFound("gateway", gatewayId))
                .flatMap(g -> counts(List.of(gatewayId)).map(counts -> withCount(g, counts)));
    }

    @WithSession
    public Uni<Boolean> exists(String gatewayId) {
        return gateways.findById(gatewayId).map(g -> g != null);
    }

    private static GatewayWithCount withCount(Gateway g, Map<String, long[]> counts) {
        long[] c = counts.getOrDefault(g.gatewayId, new long[2]);
        return new GatewayWithCount(g, c[0], c[1]);
    }

    /** gatewayId → {attached, bound} for the given gateways. */
    private static Uni<Map<String, long[]>> counts(List<String> gatewayIds) {
        if (gatewayIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return SessionStore.rows(
                        "SELECT gateway_id, count(*) FILTER (WHERE attached), count(*) FROM sub_device"
                                + " WHERE gateway_id = ANY(CAST(?1 AS text[])) GROUP BY gateway_id",
                        (Object) gatewayIds.toArray(String[]::new))
                .map(rows -> {
                    Map<String, long[]> counts = new HashMap<>();
                    rows.forEach(r -> counts.put(
                            (String) r[0], new long[] {((Number) r[1]).longValue(), ((Number) r[2]).longValue()}));
                    return counts;
                });
    }
}
