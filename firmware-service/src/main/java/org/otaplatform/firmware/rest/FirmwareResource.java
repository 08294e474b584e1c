package org.otaplatform.firmware.rest;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.common.rest.Ids;
import org.otaplatform.common.security.Roles;
import org.otaplatform.contract.message.SubDeviceRef;
import org.otaplatform.firmware.catalog.CompatibilityChange;
import org.otaplatform.firmware.catalog.FirmwareService;
import org.otaplatform.firmware.catalog.UploadForm;
import org.otaplatform.firmware.download.DownloadStats;
import org.otaplatform.firmware.storage.DiskCache;
import org.otaplatform.firmware.verification.VerificationService;

@Path("/api/v1/firmware")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER})
public class FirmwareResource {

    private final FirmwareService firmware;
    private final VerificationService verification;
    private final DownloadStats downloads;
    private final DiskCache cache;

    FirmwareResource(
            FirmwareService firmware, VerificationService verification, DownloadStats downloads, DiskCache cache) {
        this.firmware = firmware;
        this.verification = verification;
        this.downloads = downloads;
        this.cache = cache;
    }

    /** The body of {@code POST /api/v1/firmware/{id}/verification}. */
    /** The test devices of a run; {@code reverify} true to verify again a package whose verification FAILED. */
    public record VerificationBody(List<SubDeviceRef> devices, Boolean reverify) {}

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> upload(
            @RestForm("file") FileUpload file,
            @RestForm String productKey,
            @RestForm String version,
            @RestForm String type,
            @RestForm String sourceVersion,
            @RestForm String name,
            @RestForm String description,
            @RestForm String sha256,
            @RestForm String minGatewayVersion,
            @RestForm String hardwareRevisions,
            @RestForm String unknownHardware) {
        UploadForm form = new UploadForm(
                file == null ? null : file.uploadedFile(),
                file == null ? 0 : file.size(),
                productKey,
                version,
                type,
                sourceVersion,
                name,
                description,
                sha256,
                minGatewayVersion,
                hardwareRevisions,
                unknownHardware);
        return firmware.create(form)
                .map(created -> Response.created(URI.create("/api/v1/firmware/" + created.id))
                        .entity(FirmwareView.of(created))
                        .build());
    }

    @GET
    public Uni<Page<FirmwareView>> list(
            @QueryParam("productKey") String productKey,
            @QueryParam("version") String version,
            @QueryParam("page") String page,
            @QueryParam("size") String size) {
        return firmware.list(
                        Ids.filter("productKey", productKey, org.otaplatform.contract.Identifiers::isProductKey),
                        Ids.filter("version", version, org.otaplatform.contract.Identifiers::isVersion),
                        PageRequest.of(page, size))
                .map(p -> p.map(FirmwareView::of));
    }

    @GET
    @Path("/{id}")
    public Uni<FirmwareView> get(@PathParam("id") String id) {
        var uuid = Ids.uuid("id", id);
        return firmware.get(uuid).flatMap(f -> downloads.totals(uuid).map(totals -> FirmwareView.of(f, totals)));
    }

    /**
     * Changes which devices a package fits ({@code minGatewayVersion}, {@code hardwareRevisions},
     * {@code unknownHardware}; a field left out is unchanged): 409 while an unfinished plan uses the package.
     */
    @PATCH
    @Path("/{id}")
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Change which devices a package fits",
            description = "minGatewayVersion (SemVer, null: none), hardwareRevisions (list, [] or null: any) and"
                    + " unknownHardware (ALLOW or REFUSE); a field left out is unchanged. 409 while a plan that is"
                    + " not finished uses the package; 422 naming the field at fault. Admins only; audited.")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    @RolesAllowed(Roles.ADMIN)
    public Uni<FirmwareView> changeCompatibility(
            @PathParam("id") String id, com.fasterxml.jackson.databind.JsonNode body) {
        var uuid = Ids.uuid("id", id);
        return Uni.createFrom()
                .item(() -> CompatibilityChange.of(body))
                .flatMap(change -> firmware.changeCompatibility(uuid, change))
                .map(FirmwareView::of);
    }

    @POST
    @Path("/{id}/approve")
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Approve a package's release",
            description = "Where releases need two people (OTA_FIRMWARE_RELEASE_APPROVALS=2), a package is signed"
                    + " only when an admin other than its uploader approves it; until then no plan may send it."
                    + " 403 for the uploader, 409 for a released package. Audited (firmware.approve).")
    @RolesAllowed(Roles.ADMIN)
    public Uni<FirmwareView> approve(@PathParam("id") String id) {
        return firmware.approve(Ids.uuid("id", id)).map(FirmwareView::of);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> delete(@PathParam("id") String id) {
        return firmware.delete(Ids.uuid("id", id))
                .replaceWith(Response.noContent().build());
    }

    @GET
    @Path("/{id}/content")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> content(@PathParam("id") String id, io.vertx.ext.web.RoutingContext http) {
        return firmware.get(Ids.uuid("id", id))
                .flatMap(f -> cache.lease(f.sha256, f.size)
                        .invoke(lease -> http.addEndHandler(ended -> lease.close()))
                        .map(lease -> Response.ok(lease.path())
                                .type(MediaType.APPLICATION_OCTET_STREAM)
                                .header("ETag", "\"" + f.sha256 + "\"")
                                .header(
                                        "Content-Disposition",
                                        "attachment; filename=\"" + f.productKey + "-" + f.version + "-" + f.type
                                                + ".bin\"")
                                .build()));
    }

    @GET
    @Path("/{id}/downloads")
    public Uni<Page<DownloadStats.GatewayDownloads>> downloads(
            @PathParam("id") String id, @QueryParam("page") String page, @QueryParam("size") String size) {
        var uuid = Ids.uuid("id", id);
        PageRequest request = PageRequest.of(page, size);
        return firmware.get(uuid)
                .flatMap(f -> downloads
                        .totals(uuid)
                        .flatMap(totals -> downloads
                                .byGateway(uuid, request.size(), request.offset())
                                .map(items -> request.page(items, totals.gateways()))));
    }

    @POST
    @Path("/{id}/verification")
    @Consumes(MediaType.APPLICATION_JSON)
    // admins only: a run upgrades its devices at once, without a plan's review (issue #35)
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> verify(@PathParam("id") String id, VerificationBody body) {
        return verification
                .start(
                        Ids.uuid("id", id),
                        body == null ? null : body.devices(),
                        body != null && Boolean.TRUE.equals(body.reverify()))
                .map(f -> Response.accepted(FirmwareView.of(f)).build());
    }
}
