package org.otaplatform.plan.schedule;

import java.time.Instant;
import java.util.UUID;
import org.otaplatform.contract.internal.GatewayCommand;
import org.otaplatform.contract.internal.InternalMessage;
import org.otaplatform.plan.firmware.FirmwareView;
import org.otaplatform.plan.plan.Plan;
import org.otaplatform.plan.plan.PlanDefinition;

/**
 * The {@code gateway.upgrade} command for one task, as the outbox takes it; {@code gatewayFirmware}: the
 * task upgrades the gateway itself (device-gateway-service sends it as {@code down/gateway-upgrade}).
 */
final class PushCommands {

    private PushCommands() {}

    static InternalMessage message(
            Plan plan,
            PlanDefinition d,
            FirmwareView fw,
            UUID taskId,
            String gatewayId,
            String productKey,
            String deviceKey,
            String fromVersion,
            boolean gatewayFirmware,
            Instant deadline,
            long now) {
        String notes = d.upgradeNotes()
                .getOrDefault(
                        "en", d.upgradeNotes().values().stream().findFirst().orElse(null));
        return InternalMessage.of(
                GatewayCommand.Upgrade.TYPE,
                "plan-service",
                now,
                new GatewayCommand.Upgrade(
                        gatewayId,
                        taskId.toString(),
                        plan.id.toString(),
                        productKey,
                        deviceKey,
                        fromVersion,
                        fw.version(),
                        d.ackTimeoutSeconds(),
                        deadline.toEpochMilli(),
                        fw.firmwareId(),
                        fw.type(),
                        fw.size(),
                        fw.sha256(),
                        fw.signature(),
                        fw.keyId(),
                        d.minBatteryPercent(),
                        d.minSignalDbm(),
                        notes,
                        gatewayFirmware ? Boolean.TRUE : null));
    }
}
