package org.otaplatform.console.web;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.otaplatform.console.backend.Backend;
import org.otaplatform.console.backend.Service;

/**
 * The registry: devices (search, a device's page with its binding, state and upgrade history across plans,
 * bind and unbind for operators) and gateways (sessions, a gateway's page with its sub-devices).
 */
@Authenticated
@Produces(MediaType.TEXT_HTML)
@Path("/")
public class DevicePages {

    private final Pages pages;
    private final Template devices;
    private final Template device;
    private final Template gateways;
    private final Template gateway;

    DevicePages(
            Pages pages,
            @Location("devices/list.html") Template devices,
            @Location("devices/detail.html") Template device,
            @Location("gateways/list.html") Template gateways,
            @Location("gateways/detail.html") Template gateway) {
        this.pages = pages;
        this.devices = devices;
        this.device = device;
        this.gateways = gateways;
        this.gateway = gateway;
    }

    @GET
    @Path("devices")
    public Uni<TemplateInstance> devices(
            @QueryParam("q") String q,
            @QueryParam("productKey") String productKey,
            @QueryParam("gatewayId") String gatewayId,
            @QueryParam("online") String online,
            @QueryParam("version") String version,
            @QueryParam("filter") String filter,
            @QueryParam("page") String page,
            @QueryParam("done") String done,
            @QueryParam("matched") String matched,
            @QueryParam("changed") String changed) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("q", q);
        query.put("productKey", productKey);
        query.put("gatewayId", gatewayId);
        query.put("online", online);
        query.put("version", version);
        query.put("filter", filter == null ? null : filter.strip());
        query.put("page", page);
        query.put("size", "25");
        return pages.listing(Service.DEVICE_GATEWAY, "/api/v1/devices", query, "/devices", null)
                .map(list -> pages.view(devices, "devices")
                        .data("devices", list)
                        .data("filterError", null)
                        .data("flash", tagged(done, matched, changed)))
                // a filter the registry cannot read: said under the field, the rest of the page as it is
                .onFailure(PageProblem.class)
                .recoverWithUni(problem -> {
                    if (((PageProblem) problem).status() != 422) {
                        return Uni.createFrom().failure(problem);
                    }
                    Listing none = new Listing("/devices", query, Map.of(), null);
                    return Uni.createFrom()
                            .item(pages.view(devices, "devices")
                                    .data("devices", none)
                                    .data("filterError", problem.getMessage())
                                    .data("flash", null));
                });
    }

    /** The confirmation of a bulk tagging, with its counts (numbers only: a link cannot make it say more). */
    private static String tagged(String done, String matched, String changed) {
        if (!"bulk-tagged".equals(done)) {
            return Flash.of(done);
        }
        try {
            return "Tagged: " + Long.parseLong(matched) + " devices matched the filter, " + Long.parseLong(changed)
                    + " of them changed.";
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Tags every device of a product its filter matches ({@code set}: {@code key=value, …}; {@code remove}:
     * keys) through the registry's {@code devices:tag}, then back to the list with the counts; a refusal (a
     * bad filter, too many tags) is shown as the registry words it.
     */
    @POST
    @Path("devices/tag")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> tagMany(
            @FormParam("productKey") String productKey,
            @FormParam("filter") String filter,
            @FormParam("set") String set,
            @FormParam("remove") String remove) {
        pages.require(pages.operator().administers(), "tagging devices needs ota-admin");
        if (productKey == null || productKey.isBlank()) {
            throw new PageProblem(422, "name the product whose devices to tag");
        }
        if (filter == null || filter.isBlank()) {
            throw new PageProblem(422, "give a filter: tagging every device of a product at once is not offered here");
        }
        var json = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        var body = json.objectNode().put("filter", filter.strip());
        var tags = tagChanges(set, remove);
        body.set("set", json.objectNode());
        body.set("remove", json.arrayNode());
        tags.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) body.get("remove")).add(e.getKey());
            } else {
                ((com.fasterxml.jackson.databind.node.ObjectNode) body.get("set")).set(e.getKey(), e.getValue());
            }
        });
        String back = "/devices?productKey=" + Backend.encode(productKey.strip()) + "&filter="
                + Backend.encode(filter.strip());
        return pages.send(
                        HttpMethod.POST,
                        Service.DEVICE_GATEWAY,
                        "/api/v1/products" + Backend.path(productKey.strip()) + "/devices:tag",
                        body)
                .map(reply -> {
                    if (!reply.ok()) {
                        throw PageProblem.of(reply);
                    }
                    return Response.seeOther(java.net.URI.create(back + "&done=bulk-tagged&matched="
                                    + reply.body().path("matched").asLong() + "&changed="
                                    + reply.body().path("changed").asLong()))
                            .build();
                });
    }

    @GET
    @Path("devices/{productKey}/{deviceKey}")
    public Uni<TemplateInstance> device(
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey,
            @QueryParam("page") String page,
            @QueryParam("done") String done) {
        String path = Backend.path(productKey, deviceKey);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("page", page);
        query.put("size", "20");
        return Uni.combine()
                .all()
                .unis(
                        pages.read(Service.DEVICE_GATEWAY, "/api/v1/devices" + path),
                        pages.listing(
                                Service.PLAN, "/api/v1/devices" + path + "/history", query, "/devices" + path, null))
                .asTuple()
                .map(both -> pages.view(device, "devices")
                        .data("device", both.getItem1())
                        .data("history", both.getItem2())
                        .data("flash", Flash.of(done)));
    }

    @POST
    @Path("devices/{productKey}/{deviceKey}/bind")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> bind(
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey,
            @FormParam("gatewayId") String gatewayId) {
        return binding(HttpMethod.PUT, productKey, deviceKey, gatewayId, "bound");
    }

    @POST
    @Path("devices/{productKey}/{deviceKey}/unbind")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> unbind(
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey,
            @FormParam("gatewayId") String gatewayId) {
        return binding(HttpMethod.DELETE, productKey, deviceKey, gatewayId, "unbound");
    }

    /**
     * Sets and removes a device's tags ({@code set}: {@code key=value, …}; {@code remove}: keys) through the
     * registry's {@code PATCH}; a refusal (a bad key, too many tags) is shown as the registry words it.
     */
    @POST
    @Path("devices/{productKey}/{deviceKey}/tags")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> tags(
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey,
            @FormParam("set") String set,
            @FormParam("remove") String remove) {
        pages.require(pages.operator().administers(), "changing a device's tags needs ota-admin");
        var json = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        return patched(productKey, deviceKey, json.objectNode().set("tags", tagChanges(set, remove)), "tagged");
    }

    /**
     * Marks a device (or gateway) a test device ({@code test} true), the only kind a package's verification may
     * upgrade, or takes the mark away; through the registry's {@code PATCH}.
     */
    @POST
    @Path("devices/{productKey}/{deviceKey}/test-device")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> testDevice(
            @PathParam("productKey") String productKey,
            @PathParam("deviceKey") String deviceKey,
            @FormParam("test") boolean test) {
        pages.require(pages.operator().administers(), "marking test devices needs ota-admin");
        var json = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        return patched(
                productKey,
                deviceKey,
                json.objectNode().put("testDevice", test),
                test ? "test-device" : "field-device");
    }

    /** The registry's {@code PATCH} of a device, then back to its page with {@code done}, or the refusal. */
    private Uni<Response> patched(
            String productKey, String deviceKey, com.fasterxml.jackson.databind.JsonNode body, String done) {
        String device = Backend.path(productKey, deviceKey);
        return pages.send(HttpMethod.PATCH, Service.DEVICE_GATEWAY, "/api/v1/devices" + device, body)
                .map(reply -> PlanPages.done(reply, "/devices" + device + "?done=" + done));
    }

    /** Tags to set ({@code key=value, …}) and keys to remove, as a patch's {@code tags} (null: removed). */
    private static com.fasterxml.jackson.databind.node.ObjectNode tagChanges(String set, String remove) {
        var tags = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (String pair : (set == null ? "" : set).split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new PageProblem(
                        422, "write each tag to set as key=value, e.g. site=hamburg: '" + pair.strip() + "'");
            }
            tags.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        for (String key : (remove == null ? "" : remove).split("[,\\s]+")) {
            if (!key.isBlank()) {
                tags.putNull(key.strip());
            }
        }
        if (tags.isEmpty()) {
            throw new PageProblem(422, "name a tag to set (key=value) or a key to remove");
        }
        return tags;
    }

    /** Binds (PUT) or unbinds (DELETE) a sub-device through device-gateway-service, then back to its page. */
    private Uni<Response> binding(
            HttpMethod method, String productKey, String deviceKey, String gatewayId, String done) {
        pages.require(pages.operator().operates(), "binding and unbinding sub-devices needs ota-operator or ota-admin");
        if (gatewayId == null || gatewayId.isBlank()) {
            throw new PageProblem(422, "name the gateway the sub-device is (to be) bound to");
        }
        return pages.send(
                        method,
                        Service.DEVICE_GATEWAY,
                        "/api/v1/gateways" + Backend.path(gatewayId.strip(), "sub-devices", productKey, deviceKey),
                        method == HttpMethod.PUT ? Map.of() : null)
                .map(reply ->
                        PlanPages.done(reply, "/devices" + Backend.path(productKey, deviceKey) + "?done=" + done));
    }

    @GET
    @Path("gateways")
    public Uni<TemplateInstance> gateways(@QueryParam("online") String online, @QueryParam("page") String page) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("online", online);
        query.put("page", page);
        query.put("size", "25");
        return pages.listing(Service.DEVICE_GATEWAY, "/api/v1/gateways", query, "/gateways", null)
                .map(list -> pages.view(gateways, "gateways").data("gateways", list));
    }

    @GET
    @Path("gateways/{gatewayId}")
    public Uni<TemplateInstance> gateway(@PathParam("gatewayId") String gatewayId, @QueryParam("page") String page) {
        String path = Backend.path(gatewayId);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("gatewayId", gatewayId);
        query.put("page", page);
        query.put("size", "25");
        return Uni.combine()
                .all()
                .unis(
                        pages.read(Service.DEVICE_GATEWAY, "/api/v1/gateways" + path),
                        pages.listing(Service.DEVICE_GATEWAY, "/api/v1/devices", query, "/gateways" + path, null))
                .asTuple()
                .map(both -> pages.view(gateway, "gateways")
                        .data("gateway", both.getItem1())
                        .data("devices", both.getItem2()));
    }
}
