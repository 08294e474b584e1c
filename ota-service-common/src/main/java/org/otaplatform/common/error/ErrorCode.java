package org.otaplatform.common.error;

/**
 * Every error a REST client of the platform can get, with its HTTP status: the one table. The
 * {@code code} is stable and goes into the problem's {@code type} and {@code code}.
 */
public enum ErrorCode {
    MALFORMED_REQUEST(400, "The request could not be read"),
    UNAUTHENTICATED(401, "Authentication is required"),
    FORBIDDEN(403, "Not allowed"),
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    CONFLICT(409, "Conflict with the current state"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    RANGE_NOT_SATISFIABLE(416, "Range not satisfiable"),
    VALIDATION_FAILED(422, "The request has invalid fields"),
    RATE_LIMITED(429, "Too many requests"),
    INTERNAL_ERROR(500, "Internal error"),
    UNAVAILABLE(503, "Service unavailable");

    private final int status;
    private final String title;

    ErrorCode(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The problem {@code type}: a stable URN clients may switch on. */
    public String type() {
        return "urn:ota:problem:" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The code for an HTTP status that reached a mapper without one of ours. */
    public static ErrorCode forStatus(int status) {
        for (ErrorCode code : values()) {
            if (code.status == status) {
                return code;
            }
        }
        return status >= 500 ? INTERNAL_ERROR : MALFORMED_REQUEST;
    }
}
