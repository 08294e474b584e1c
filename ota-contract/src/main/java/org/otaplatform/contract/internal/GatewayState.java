package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Type {@value #TYPE} on {@code ota/internal/v1/device/events}: a gateway came online or went offline.
 * {@code productKey} and {@code version} are the gateway's own product and firmware as its last {@code
 * hello} reported them (since 2026-12-06; null in older events, and where no {@code hello} was seen).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GatewayState(String gatewayId, boolean online, long seq, String productKey, String version) {

    public static final String TYPE = "gateway.state";

    /** A change of presence alone. */
    public GatewayState(String gatewayId, boolean online, long seq) {
        this(gatewayId, online, seq, null, null);
    }
}
