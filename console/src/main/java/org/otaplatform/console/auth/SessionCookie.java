package org.otaplatform.console.auth;

import jakarta.ws.rs.core.NewCookie;
import java.time.Instant;

/**
 * The console session: the platform bearer token of the signed-in person, in an HttpOnly, SameSite=Strict
 * cookie that lives as long as the token. The console verifies it on every page (smallrye-jwt reads it from
 * this cookie) and passes it to the services, which verify it again.
 */
public final class SessionCookie {

    public static final String NAME = "ota_session";

    private SessionCookie() {}

    /** The cookie holding {@code token} until {@code expires}; {@code secure} over HTTPS. */
    public static NewCookie of(String token, Instant expires, boolean secure) {
        long maxAge = Math.max(0, expires.getEpochSecond() - Instant.now().getEpochSecond());
        return new NewCookie.Builder(NAME)
                .value(token)
                .path("/")
                .httpOnly(true)
                .secure(secure)
                .sameSite(NewCookie.SameSite.STRICT)
                .maxAge((int) Math.min(Integer.MAX_VALUE, maxAge))
                .build();
    }

    public static NewCookie cleared(boolean secure) {
        return new NewCookie.Builder(NAME)
                .value("")
                .path("/")
                .httpOnly(true)
                .secure(secure)
                .sameSite(NewCookie.SameSite.STRICT)
                .maxAge(0)
                .build();
    }
}
