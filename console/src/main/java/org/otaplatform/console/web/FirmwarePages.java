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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.otaplatform.console.backend.Backend;
import org.otaplatform.console.backend.Service;

/**
 * Firmware: the list, the upload form (the browser sends the package straight to firmware-service through
 * the console's API route, with its SHA-256), a package's page with its signature, downloads, the plans
 * that use it, and its verification on test devices.
 */
@Path("/firmware")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class FirmwarePages {

    private final Pages pages;
    private final Template list;
    private final Template upload;
    private final Template detail;

    FirmwarePages(
            Pages pages,
            @Location("firmware/list.html") Template list,
            @Location("firmware/upload.html") Template upload,
            @Location("firmware/detail.html") Template detail) {
        this.pages = pages;
        this.list = list;
        this.upload = upload;
        this.detail = detail;
    }

    @GET
    public Uni<TemplateInstance> list(
            @QueryParam("productKey") String productKey,
            @QueryParam("version") String version,
            @QueryParam("page") String page,
            @QueryParam("done") String done) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("productKey", productKey);
        query.put("version", version);
        query.put("page", page);
        query.put("size", "20");
        return pages.listing(Service.FIRMWARE, "/api/v1/firmware", query, "/firmware", null)
                .map(firmware ->
                        pages.view(list, "firmware").data("firmware", firmware).data("flash", Flash.of(done)));
    }

    @GET
    @Path("/new")
    public TemplateInstance uploadForm(@QueryParam("productKey") String productKey) {
        pages.require(pages.operator().administers(), "uploading firmware needs ota-admin");
        return pages.view(upload, "firmware").data("productKey", productKey == null ? "" : productKey);
    }

    @GET
    @Path("/{id}")
    public Uni<TemplateInstance> firmware(@PathParam("id") String id, @QueryParam("done") String done) {
        return Uni.combine()
                .all()
                .unis(
                        pages.read(Service.FIRMWARE, "/api/v1/firmware" + Backend.path(id)),
                        pages.read(
                                Service.FIRMWARE,
                                "/api/v1/firmware" + Backend.path(id, "downloads"),
                                Map.of("size", "10")),
                        pages.read(Service.PLAN, "/api/v1/plans", Map.of("firmwareId", id, "size", "50")))
                .asTuple()
                .map(all -> pages.view(detail, "firmware")
                        .data("fw", all.getItem1())
                        .data("downloads", all.getItem2().getOrDefault("items", List.of()))
                        .data("plans", all.getItem3().getOrDefault("items", List.of()))
                        .data("plansTotal", all.getItem3().getOrDefault("total", 0))
                        .data("flash", Flash.of(done)));
    }

    /** The verification part of a package's page, polled while the test devices upgrade. */
    @GET
    @Path("/{id}/verification")
    public Uni<TemplateInstance> verificationPart(@PathParam("id") String id) {
        return pages.read(Service.FIRMWARE, "/api/v1/firmware" + Backend.path(id))
                .map(fw -> detail.getFragment("verification")
                        .instance()
                        .data("me", pages.operator())
                        .data("fw", fw));
    }

    /** Starts a verification: {@code devices} lists test devices' keys (of the package's product), one a line. */
    @POST
    @Path("/{id}/verification")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> verify(
            @PathParam("id") String id,
            @FormParam("productKey") String productKey,
            @FormParam("devices") String devices,
            @FormParam("reverify") boolean reverify) {
        pages.require(pages.operator().administers(), "verifying firmware needs ota-admin");
        List<Map<String, String>> refs = new ArrayList<>();
        for (String key : (devices == null ? "" : devices).split("[\\s,]+")) {
            if (!key.isBlank()) {
                refs.add(Map.of("productKey", productKey == null ? "" : productKey, "deviceKey", key));
            }
        }
        return pages.send(
                        HttpMethod.POST,
                        Service.FIRMWARE,
                        "/api/v1/firmware" + Backend.path(id, "verification"),
                        reverify ? Map.of("devices", refs, "reverify", true) : Map.of("devices", refs))
                .map(reply -> PlanPages.done(reply, "/firmware/" + Backend.encode(id) + "?done=verifying"));
    }

    /** A second person approves a package's release (four eyes): firmware-service signs it then. */
    @POST
    @Path("/{id}/approve")
    public Uni<Response> approve(@PathParam("id") String id) {
        pages.require(pages.operator().administers(), "approving a release needs ota-admin");
        return pages.send(HttpMethod.POST, Service.FIRMWARE, "/api/v1/firmware" + Backend.path(id, "approve"), null)
                .map(reply -> PlanPages.done(reply, "/firmware/" + Backend.encode(id) + "?done=approved-release"));
    }

    @POST
    @Path("/{id}/delete")
    public Uni<Response> delete(@PathParam("id") String id) {
        pages.require(pages.operator().administers(), "deleting firmware needs ota-admin");
        return pages.send(HttpMethod.DELETE, Service.FIRMWARE, "/api/v1/firmware" + Backend.path(id), null)
                .map(reply -> PlanPages.done(reply, "/firmware?done=deleted"));
    }
}
