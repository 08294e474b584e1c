package org.otaplatform.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import org.otaplatform.console.auth.Operator;
import org.otaplatform.console.backend.Backend;
import org.otaplatform.console.backend.Reply;
import org.otaplatform.console.backend.Service;

/**
 * What every page does with the services: read with the signed-in person's token, turn JSON into maps and
 * lists a template reads ({@code plan.stats.succeeded}), and stop the page with a {@link PageProblem} when a
 * service refuses (the mapper turns it into a clear message, or the sign-in page).
 */
@ApplicationScoped
public class Pages {

    private final Backend backend;
    private final Operator operator;
    private final ObjectMapper json;

    Pages(Backend backend, Operator operator, ObjectMapper json) {
        this.backend = backend;
        this.operator = operator;
        this.json = json;
    }

    /** The JSON a service answers, as maps and lists; a refusal stops the page. */
    public Uni<Map<String, Object>> read(Service service, String path, Map<String, String> query) {
        return backend.get(token(), service, path, query).map(reply -> {
            if (!reply.ok()) {
                throw PageProblem.of(reply);
            }
            return map(reply.body());
        });
    }

    public Uni<Map<String, Object>> read(Service service, String path) {
        return read(service, path, Map.of());
    }

    /** As {@link #read}, for answers that are JSON arrays. */
    public Uni<List<Object>> readList(Service service, String path) {
        return backend.get(token(), service, path).map(reply -> {
            if (!reply.ok()) {
                throw PageProblem.of(reply);
            }
            return list(reply.body());
        });
    }

    /** A change: the reply as it is, refusals included (a form shows them beside its fields). */
    public Uni<Reply> send(HttpMethod method, Service service, String path, Object body) {
        return backend.send(token(), method, service, path, body);
    }

    /** A page's template with what every page shows: who is signed in and where they are. */
    public io.quarkus.qute.TemplateInstance view(io.quarkus.qute.Template template, String nav) {
        return template.instance().data("me", operator).data("nav", nav);
    }

    /** A query answer as a {@link Listing} of {@code path}, keeping {@code filters} in its links. */
    public Uni<Listing> listing(
            Service service, String apiPath, Map<String, String> query, String pagePath, String sort) {
        return read(service, apiPath, query).map(reply -> new Listing(pagePath, query, reply, sort));
    }

    /** Stops a page that needs a role the signed-in person lacks, before any service is asked. */
    public void require(boolean allowed, String what) {
        if (!allowed) {
            throw new PageProblem(403, what);
        }
    }

    public Operator operator() {
        return operator;
    }

    private String token() {
        return operator.token().orElseThrow(() -> new PageProblem(401, "sign in first"));
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(JsonNode node) {
        return node == null || !node.isObject() ? Map.of() : json.convertValue(node, Map.class);
    }

    @SuppressWarnings("unchecked")
    public List<Object> list(JsonNode node) {
        return node == null || !node.isArray() ? List.of() : json.convertValue(node, List.class);
    }
}
