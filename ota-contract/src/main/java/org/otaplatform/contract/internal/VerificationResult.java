package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Type {@value #TYPE} on {@code ota/internal/v1/firmware/verification/results}: every test device
 * succeeded ({@code succeeded = true}) or one failed or timed out ({@code detail} says which and why).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VerificationResult(String firmwareId, String runId, boolean succeeded, String detail) {

    public static final String TYPE = "verification.completed";
}
