package org.otaplatform.devicegateway.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.common.rest.Ids;
import org.otaplatform.common.rest.QueryParams;
import org.otaplatform.common.security.Roles;
import org.otaplatform.devicegateway.registry.DeviceImports;
import org.otaplatform.devicegateway.registry.ImportRows;
import org.otaplatform.devicegateway.registry.NodeType;
import org.otaplatform.devicegateway.registry.ProductRegistry;
import org.otaplatform.devicegateway.registry.RegisteredDevice;
import org.otaplatform.devicegateway.registry.RegistryService;

/**
 * The registry's products and the registration of their devices (one by one, or up to 100,000 in one
 * import): administrators write, operators and viewers read. A secret is in the answer of the call that
 * issues it, and never again. A path's {@code :} may also come percent-encoded ({@code %3A}), as some
 * client libraries send it.
 */
@Path("/api/v1/products")
@Produces(MediaType.APPLICATION_JSON)
public class ProductResource {

    static final String CSV = "text/csv";

    private final ProductRegistry products;
    private final RegistryService registry;
    private final DeviceImports imports;

    ProductResource(ProductRegistry products, RegistryService registry, DeviceImports imports) {
        this.products = products;
        this.registry = registry;
        this.imports = imports;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> create(
            ProductRegistry.ProductRequest request,
            @Context SecurityContext security,
            @Context HttpServerRequest http) {
        return products.createProduct(
                        request == null
                                ? new ProductRegistry.ProductRequest(null, null, null, null, null, null)
                                : request,
                        Actors.of(security, http))
                .map(created -> Secrets.noStore(Response.status(Response.Status.CREATED))
                        .entity(ProductView.of(created.product(), created.productSecret()))
                        .build());
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER})
    public Uni<Page<ProductView>> list(
            @QueryParam("nodeType") String nodeType, @QueryParam("page") String page, @QueryParam("size") String size) {
        return products.products(
                        QueryParams.enumValue("nodeType", nodeType, NodeType.class), PageRequest.of(page, size))
                .map(p -> p.map(ProductView::of));
    }

    @GET
    @Path("/{productKey}")
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR, Roles.VIEWER})
    public Uni<ProductView> get(@PathParam("productKey") String productKey) {
        return products.product(Ids.productKey("productKey", productKey)).map(ProductView::of);
    }

    @PATCH
    @Path("/{productKey}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> update(
            @PathParam("productKey") String productKey,
            ProductRegistry.ProductPatch patch,
            @Context SecurityContext security,
            @Context HttpServerRequest http) {
        return products.updateProduct(
                        Ids.productKey("productKey", productKey),
                        patch == null ? new ProductRegistry.ProductPatch(null, null, null, null, null) : patch,
                        Actors.of(security, http))
                .map(updated -> Secrets.noStore(Response.ok())
                        .entity(ProductView.of(updated.product(), updated.productSecret()))
                        .build());
    }

    @DELETE
    @Path("/{productKey}")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> delete(
            @PathParam("productKey") String productKey,
            @Context SecurityContext security,
            @Context HttpServerRequest http) {
        return products.deleteProduct(Ids.productKey("productKey", productKey), Actors.of(security, http))
                .replaceWith(Response.noContent().build());
    }

    /** A new product secret (dynamic registration), returned this once. */
    @POST
    @Path("/{productKey}/{rotate: secret(:|%3[Aa])rotate}")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> rotateSecret(
            @PathParam("productKey") String productKey,
            @Context SecurityContext security,
            @Context HttpServerRequest http) {
        String key = Ids.productKey("productKey", productKey);
        return products.rotateProductSecret(key, Actors.of(security, http))
                .map(secret -> Secrets.noStore(Response.ok())
                        .entity(Map.of("productKey", key, "productSecret", secret))
                        .build());
    }

    /** What a client sends to register one device. */
    public record DeviceRequest(String deviceKey, String name) {}

    @POST
    @Path("/{productKey}/devices")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> create(
            @PathParam("productKey") String productKey,
            DeviceRequest request,
            @Context SecurityContext security,
            @Context HttpServerRequest http) {
        DeviceRequest body = request == null ? new DeviceRequest(null, null) : request;
        return registry.createDevice(
                        Ids.productKey("productKey", productKey),
                        body.deviceKey(),
                        body.name(),
                        Actors.of(security, http))
                .map(created -> {
                    Map<String, Object> entity = new LinkedHashMap<>();
                    RegisteredDevice view = created.device();
                    entity.put("productKey", view.productKey());
                    entity.put("deviceKey", view.deviceKey());
                    entity.put("name", view.name());
                    entity.put("nodeType", view.nodeType());
                    entity.put("registeredAt", view.registeredAt());
                    entity.put("deviceSecret", created.deviceSecret());
                    return Secrets.noStore(Response.status(Response.Status.CREATED))
                            .entity(entity)
                            .build();
                });
    }

    /**
     * Tags many of the product's devices at once: {@code {filter | devices, set, remove}} → {@code {matched,
     * changed}}; all or nothing, audited once. Operators may tag (holds, sites); only admins change revisions.
     */
    @POST
    @Path("/{productKey}/{tag: devices(:|%3[Aa])tag}")
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Tag many devices at once",
            description = "{filter | devices: [deviceKey], set: {k: v}, remove: [k]} -> {matched, changed}: one"
                    + " statement, all or nothing (a device that would have more than 32 tags refuses the call),"
                    + " audited once (device.tag), each changed device announced (device.attributes).")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.OPERATOR})
    public Uni<org.otaplatform.devicegateway.registry.RegistryService.Tagged> tagDevices(
            @PathParam("productKey") String productKey,
            com.fasterxml.jackson.databind.JsonNode body,
            @Context SecurityContext security,
            @Context HttpServerRequest http) {
        return registry.tagDevices(Ids.productKey("productKey", productKey), body, Actors.of(security, http));
    }

    /**
     * Up to 100,000 devices in one call, all or nothing: a JSON array of {@code {deviceKey, name?}} or CSV
     * {@code deviceKey[,name]}; the answer lists every device with its secret, as JSON or CSV after the
     * request's {@code Accept} (by default in the request's own format). The body is read as it arrives.
     */
    @POST
    @Path("/{productKey}/{import: devices(:|%3[Aa])import}")
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Register many devices at once",
            description = "Up to 100,000 devices, all or nothing: a JSON array of {deviceKey, name?, hardwareRevision?,"
                    + " tags?} or text/csv (deviceKey[,name], or after a header the columns deviceKey, name,"
                    + " hardwareRevision and tag.<key>). 422 names every bad row and field; the answer lists each"
                    + " device with its secret, once.")
    @Consumes({MediaType.APPLICATION_JSON, CSV})
    @Produces({MediaType.APPLICATION_JSON, CSV})
    @RolesAllowed(Roles.ADMIN)
    @Blocking
    public Response importDevices(
            @PathParam("productKey") String productKey,
            InputStream body,
            @Context HttpHeaders headers,
            @Context SecurityContext security,
            @Context HttpServerRequest http)
            throws IOException {
        String key = Ids.productKey("productKey", productKey);
        NodeType type = imports.nodeTypeOf(key);
        boolean csvIn = headers.getMediaType() != null && headers.getMediaType().isCompatible(MediaType.valueOf(CSV));
        ImportRows rows = imports.read(type, body, csvIn ? charset(headers.getMediaType()) : null);
        DeviceImports.Imported imported = imports.register(key, rows, Actors.of(security, http));
        boolean csvOut = answersInCsv(headers, csvIn);
        StreamingOutput entity = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
            if (csvOut) {
                writeCsv(imported, writer);
            } else {
                writeJson(imported, writer);
            }
            writer.flush();
        };
        return Secrets.noStore(Response.status(Response.Status.CREATED))
                .type(csvOut ? CSV + "; charset=UTF-8" : MediaType.APPLICATION_JSON)
                .entity(entity)
                .build();
    }

    /** The charset a text body declares; UTF-8 when it declares none (or one this JVM does not know). */
    private static java.nio.charset.Charset charset(MediaType type) {
        String name = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        try {
            return name == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("Content-Type", "names an unknown charset " + name);
        }
    }

    /** CSV when the client asks for it first, or sent CSV and takes anything. */
    private static boolean answersInCsv(HttpHeaders headers, boolean csvIn) {
        for (MediaType accepted : headers.getAcceptableMediaTypes()) {
            if (accepted.isWildcardType()) {
                return csvIn;
            }
            if (accepted.isCompatible(MediaType.valueOf(CSV))) {
                return true;
            }
            if (accepted.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return false;
            }
        }
        return csvIn;
    }

    private static void writeJson(DeviceImports.Imported imported, Writer writer) throws IOException {
        JsonGenerator json = new JsonFactory().createGenerator(writer);
        json.writeStartArray();
        String at = imported.registeredAt().toString();
        for (int i = 0; i < imported.keys().length; i++) {
            json.writeStartObject();
            json.writeStringField("productKey", imported.productKey());
            json.writeStringField("deviceKey", imported.keys()[i]);
            if (imported.names()[i] != null) {
                json.writeStringField("name", imported.names()[i]);
            }
            json.writeStringField("deviceSecret", imported.secrets()[i]);
            json.writeStringField("registeredAt", at);
            json.writeEndObject();
        }
        json.writeEndArray();
        json.flush();
    }

    /**
     * A name as a spreadsheet shows it, not runs it: one that starts with {@code = + - @}, a tab or a carriage
     * return is a formula to Excel and LibreOffice, and this file is opened beside the devices' secrets (issue
     * #35), so it gets a leading apostrophe, which they display as text. Keys need none: their characters
     * ({@code [A-Za-z0-9._:-]}) cannot call a function.
     */
    static String spreadsheetSafe(String value) {
        if (value.isEmpty()) {
            return value;
        }
        char first = value.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + value
                : value;
    }

    private static void writeCsv(DeviceImports.Imported imported, Writer writer) throws IOException {
        writer.write("productKey,deviceKey,name,deviceSecret\r\n");
        for (int i = 0; i < imported.keys().length; i++) {
            String name = imported.names()[i];
            writer.write(imported.productKey());
            writer.write(',');
            writer.write(imported.keys()[i]);
            writer.write(',');
            if (name != null) {
                writer.write('"');
                writer.write(spreadsheetSafe(name).replace("\"", "\"\""));
                writer.write('"');
            }
            writer.write(',');
            writer.write(imported.secrets()[i]);
            writer.write("\r\n");
        }
    }
}
