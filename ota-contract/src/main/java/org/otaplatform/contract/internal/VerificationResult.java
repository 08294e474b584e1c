package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Type {@value #TYPE} on {@code ota/internal/v1/firmware/verification/results}: every test device
 * succeeded ({@code succeeded = true}) or one failed or timed out ({@code detail} says which and why).
 * {@code refused} (since 2026-12-08, false when absent): the run never started, because a device is no test
 * device, would be downgraded, does not fit the package, or the plan it needs is invalid ({@code detail} says
 * which); the package keeps the verification it had before the request.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VerificationResult(String firmwareId, String runId, boolean succeeded, String detail, boolean refused) {

    public static final String TYPE = "verification.completed";

    /** A run that started and ended. */
    public VerificationResult(String firmwareId, String runId, boolean succeeded, String detail) {
        this(firmwareId, runId, succeeded, detail, false);
    }

    /** A run refused before it started. */
    public static VerificationResult refused(String firmwareId, String runId, String detail) {
        return new VerificationResult(firmwareId, runId, false, detail, true);
    }
}
