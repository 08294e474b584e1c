package org.otaplatform.contract.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import org.otaplatform.contract.message.SubDeviceRef;

/**
 * Type {@value #TYPE} on {@code ota/internal/v1/firmware/verification/requests}: upgrade these test
 * devices with the package and report the outcome by {@code deadline} (epoch milliseconds). {@code
 * runId} names this run; a result for an older run is ignored. {@code firmware} describes the package,
 * so that the run does not depend on the firmware event having arrived first.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VerificationRequest(
        String firmwareId, String runId, List<SubDeviceRef> devices, long deadline, FirmwareEvent firmware) {

    public static final String TYPE = "verification.requested";
}
