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
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.otaplatform.console.backend.Backend;
import org.otaplatform.console.backend.Service;

/**
 * Manual upgrades as an application shows them to an end user: the upgrades offered to one device, and the
 * user's answer (confirm now, confirm inside an appointed window, or reject). For trying a manual plan.
 */
@Path("/manual")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class ManualPage {

    private final Pages pages;
    private final Template page;

    ManualPage(Pages pages, @Location("manual.html") Template page) {
        this.pages = pages;
        this.page = page;
    }

    @GET
    public Uni<TemplateInstance> offers(
            @QueryParam("productKey") String productKey,
            @QueryParam("deviceKey") String deviceKey,
            @QueryParam("done") String done) {
        pages.require(
                pages.operator().seesOffers(), "manual upgrades need ota-app, ota-viewer, ota-operator or ota-admin");
        boolean asked = productKey != null && !productKey.isBlank() && deviceKey != null && !deviceKey.isBlank();
        Uni<List<Object>> offers = asked
                ? pages.readList(
                        Service.PLAN,
                        "/api/v1/devices" + Backend.path(productKey.strip(), deviceKey.strip(), "upgrade"))
                : Uni.createFrom().item(List.of());
        return offers.map(list -> pages.view(page, "manual")
                .data("productKey", productKey == null ? "" : productKey.strip())
                .data("deviceKey", deviceKey == null ? "" : deviceKey.strip())
                .data("asked", asked)
                .data("offers", list)
                .data("flash", Flash.of(done)));
    }

    /** The end user's answer: {@code answer} is confirm or reject; an appointment is a local window. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> answer(
            @FormParam("productKey") String productKey,
            @FormParam("deviceKey") String deviceKey,
            @FormParam("planId") String planId,
            @FormParam("answer") String answer,
            @FormParam("reason") String reason,
            @FormParam("from") String from,
            @FormParam("to") String to,
            @FormParam("zone") String zone) {
        pages.require(pages.operator().answersOffers(), "answering an offer needs ota-app or ota-admin");
        boolean confirm = "confirm".equals(answer);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("planId", planId);
        if (reason != null && !reason.isBlank()) {
            body.put("reason", reason.strip());
        }
        if (confirm && from != null && !from.isBlank()) {
            body.put("appointment", Map.of("from", instant(from, zone), "to", instant(to, zone)));
        }
        String key = Backend.path(productKey == null ? "" : productKey, deviceKey == null ? "" : deviceKey);
        return pages.send(
                        HttpMethod.POST,
                        Service.PLAN,
                        "/api/v1/devices" + key + "/upgrade/" + (confirm ? "confirm" : "reject"),
                        body)
                .map(reply -> PlanPages.done(
                        reply,
                        "/manual?productKey=" + Backend.encode(productKey) + "&deviceKey=" + Backend.encode(deviceKey)
                                + "&done=" + (confirm ? "confirmed" : "rejected")));
    }

    /** A local date-time from the form in the browser's zone, as an instant. */
    private static String instant(String local, String zone) {
        try {
            ZoneId z = zone == null || zone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(zone);
            return LocalDateTime.parse(local).atZone(z).toInstant().toString();
        } catch (java.time.DateTimeException | NullPointerException e) {
            throw new PageProblem(422, "the appointment needs a start and an end date and time");
        }
    }
}
