package org.otaplatform.plan.plan;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.otaplatform.contract.version.SemanticVersion;
import org.otaplatform.plan.firmware.FirmwareView;
import org.otaplatform.plan.firmware.FirmwareViews;

/**
 * The packages a plan uses, all to its one target version: a full package and/or one delta per source
 * version. A device gets the delta from the version it runs, else the full package; with neither, nothing.
 *
 * @param main the plan's main package ({@code firmwareId}): the full one when it has one
 */
public record PlanPackages(FirmwareView main, FirmwareView full, Map<String, FirmwareView> deltas) {

    /** The package for a device running {@code version}; null when none of the plan's fits it. */
    public FirmwareView forVersion(String version) {
        FirmwareView delta = version == null ? null : deltas.get(version);
        return delta != null ? delta : full;
    }

    /**
     * The lowest gateway firmware the plan's devices need, as a {@link SemanticVersion#sortKey}: the highest
     * {@code minGatewayVersion} of its packages (they all install one version; a device may get any of them),
     * null when none names one.
     */
    public byte[] minGatewayKey() {
        return minGatewayVersion()
                .map(v -> SemanticVersion.parse(v).orElseThrow().sortKey())
                .orElse(null);
    }

    /** The highest {@code minGatewayVersion} of the plan's packages, if any names one. */
    public Optional<String> minGatewayVersion() {
        List<FirmwareView> all = new ArrayList<>(deltas.values());
        all.add(main);
        if (full != null) {
            all.add(full);
        }
        return all.stream()
                .map(FirmwareView::minGatewayVersion)
                .filter(v -> v != null && SemanticVersion.parse(v).isPresent())
                .max((a, b) -> SemanticVersion.parse(a)
                        .get()
                        .compareTo(SemanticVersion.parse(b).get()));
    }

    /**
     * The hardware revisions the plan's packages support (they all name the same: {@link PlanValidator}); null
     * when they fit any hardware.
     */
    public String[] hardwareRevisions() {
        return main.namesHardware() ? main.hardwareRevisions().toArray(String[]::new) : null;
    }

    /** Whether a device of unknown revision may receive the plan's packages (they name revisions). */
    public boolean allowsUnknownHardware() {
        return "ALLOW".equals(main.unknownHardware());
    }

    /** The version every package of the plan installs. */
    public String target() {
        return main.version();
    }

    /** The ids of the plan's packages, its main one first (a plan stored before there were several: that one). */
    public static List<UUID> ids(Plan plan) {
        List<String> stored = plan.definition().packages();
        if (stored == null || stored.isEmpty()) {
            return List.of(plan.firmwareId);
        }
        return stored.stream().map(UUID::fromString).toList();
    }

    /**
     * The plan's packages as plan-service knows them; empty when its main package is unknown or deleted (a
     * deleted other package leaves its devices without a fit).
     */
    public static Uni<Optional<PlanPackages>> of(Plan plan, FirmwareViews firmware) {
        List<UUID> ids = ids(plan);
        List<FirmwareView> found = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (UUID id : ids) {
            chain = chain.flatMap(v -> firmware.find(id)
                            .invoke(f -> f.filter(x -> !x.deleted()).ifPresent(found::add)))
                    .replaceWithVoid();
        }
        return chain.map(v -> {
            Optional<FirmwareView> main = found.stream()
                    .filter(f -> f.firmwareId().equals(plan.firmwareId.toString()))
                    .findFirst();
            return main.map(m -> of(m, found));
        });
    }

    /** From known packages (the main one among them). */
    public static PlanPackages of(FirmwareView main, List<FirmwareView> all) {
        FirmwareView full = null;
        Map<String, FirmwareView> deltas = new HashMap<>();
        for (FirmwareView f : all) {
            if ("DELTA".equals(f.type())) {
                deltas.put(f.sourceVersion(), f);
            } else {
                full = f;
            }
        }
        return new PlanPackages(main, full, Map.copyOf(deltas));
    }
}
