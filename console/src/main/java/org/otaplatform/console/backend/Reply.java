package org.otaplatform.console.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/** A service's answer: its status and its JSON body (a problem document when it refused). */
public record Reply(int status, JsonNode body) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The problem's detail, for a person; the status when there is none. */
    public String detail() {
        JsonNode detail = body.path("detail");
        return detail.isTextual() ? detail.asText() : "HTTP " + status;
    }

    /** A reply that never came: the service could not be reached. */
    public static Reply unreachable(String why) {
        return new Reply(
                503,
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                        .objectNode()
                        .put("detail", why)
                        .put("code", "UNAVAILABLE"));
    }

    public JsonNode path(String field) {
        return body == null ? MissingNode.getInstance() : body.path(field);
    }
}
