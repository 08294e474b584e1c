package org.otaplatform.devicegateway.session;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;

/** The read side of sessions and topology, for the REST API. */
@ApplicationScoped
public class SessionQueries {

    private final GatewayRepository gateways;
    private final SubDeviceRepository subDevices;

    SessionQueries(GatewayRepository gateways, SubDeviceRepository subDevices) {
        this.gateways = gateways;
        this.subDevices = subDevices;
    }

    /** A gateway with the number of sub-devices attached to it. */
    public record GatewayWithCount(Gateway gateway, long subDeviceCount) {}

    @WithSession
    public Uni<Page<GatewayWithCount>> gateways(Boolean online, PageRequest page) {
        return gateways.list(online, page)
                .flatMap(list -> subDevices
                        .countsByGateway(list.stream().map(g -> g.gatewayId).toList())
                        .flatMap(counts -> gateways.count(online)
                                .map(total -> page.page(
                                        list.stream()
                                                .map(g -> new GatewayWithCount(g, counts.getOrDefault(g.gatewayId, 0L)))
                                                .toList(),
                                        total))));
    }

    @WithSession
    public Uni<GatewayWithCount> gateway(String gatewayId) {
        return gateways.findById(gatewayId)
                .onItem()
                .ifNull()
                .failWith(() -> ApiException.notFound("gateway", gatewayId))
                .flatMap(g -> subDevices.countAttachedTo(gatewayId).map(count -> new GatewayWithCount(g, count)));
    }

    @WithSession
    public Uni<Page<SubDevice>> subDevicesOf(String gatewayId, PageRequest page) {
        return gateways.findById(gatewayId)
                .onItem()
                .ifNull()
                .failWith(() -> ApiException.notFound("gateway", gatewayId))
                .flatMap(g -> subDevices.attachedTo(gatewayId, page))
                .flatMap(list -> subDevices.countAttachedTo(gatewayId).map(total -> page.page(list, total)));
    }

    @WithSession
    public Uni<SubDevice> device(String productKey, String deviceKey) {
        return subDevices
                .findById(new SubDevice.Key(productKey, deviceKey))
                .onItem()
                .ifNull()
                .failWith(() -> ApiException.notFound("sub-device", productKey + "/" + deviceKey));
    }
}
