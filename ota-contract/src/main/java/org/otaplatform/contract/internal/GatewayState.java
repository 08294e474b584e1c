package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Type {@value #TYPE} on {@code ota/internal/v1/device/events}: a gateway came online or went offline. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GatewayState(String gatewayId, boolean online, long seq) {

    public static final String TYPE = "gateway.state";
}
