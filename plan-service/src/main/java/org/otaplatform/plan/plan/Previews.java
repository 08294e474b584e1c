package org.otaplatform.plan.plan;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.otaplatform.contract.version.VersionScheme;
import org.otaplatform.plan.device.Downgrades;

/**
 * What a plan would touch (REST API, {@code POST /api/v1/plans:preview}, {@code GET /api/v1/plans/{id}/preview}),
 * counted in one statement over plan-service's views with the same rules the push applies: the product's bound
 * devices of known version, on a source version or the target, in the lists, matching the target (its recorded
 * members once activated). Of those, in this order and each counted once: up to date, refused as a downgrade,
 * incompatible with the packages' hardware, on hold, waiting for their gateway's firmware; the rest will be
 * upgraded. Nothing is written.
 */
@ApplicationScoped
public class Previews {

    /** The most devices a sample shows. */
    public static final int SAMPLE = 20;

    /** A wave's share of the devices that will be upgraded. */
    public record WaveShare(int number, String name, long devices) {}

    /** A device of the preview; {@code reason} why it is left alone, null for one that will be upgraded. */
    public record Sample(
            String productKey,
            String deviceKey,
            String version,
            String hardwareRevision,
            String gatewayId,
            String reason) {}

    /**
     * The preview; {@code productDevices} every bound device of the product (a console asks for confirmation when
     * {@code targeted} is a large share of it); {@code target} the recorded target of an activated plan, else null.
     */
    public record Preview(
            long targeted,
            long upToDate,
            long downgradesRefused,
            long incompatible,
            long onHold,
            long waitingForGatewayVersion,
            long willUpgrade,
            long productDevices,
            List<WaveShare> byWave,
            List<Sample> sample,
            List<Sample> leftAlone,
            Map<String, Object> target) {}

    private final Targets targets;

    Previews(Targets targets) {
        this.targets = targets;
    }

    /** The preview of {@code plan} (a stored one or a body not stored) with its packages. In the caller's session. */
    public Uni<Preview> preview(Plan plan, PlanDefinition d, PlanPackages packages) {
        return Targets.recorded(plan.id)
                .flatMap(recorded -> (recorded != null || !d.targeted()
                                ? Uni.createFrom().item(Targets.Condition.ANY)
                                : targets.condition(plan.productKey, d.target(), 1))
                        .flatMap(live -> Targets.scheme(plan.productKey)
                                .flatMap(scheme -> heldGateways()
                                        .flatMap(held -> count(plan, d, packages, scheme, live, recorded, held)))));
    }

    /** The gateways on hold (few: lab units, disputes); their sub-devices are on hold with them. */
    private static Uni<String[]> heldGateways() {
        return Panache.getSession()
                .flatMap(s -> Targets.rows(
                        s,
                        "SELECT g.gateway_id FROM gateway_view g JOIN device_attributes_view h"
                                + " ON h.product_key = g.product_key AND h.device_key = g.gateway_id"
                                + " WHERE h.hold_reason IS NOT NULL",
                        List.of()))
                .map(rows -> rows.stream().map(String.class::cast).toArray(String[]::new));
    }

    private Uni<Preview> count(
            Plan plan,
            PlanDefinition d,
            PlanPackages packages,
            VersionScheme scheme,
            Targets.Condition live,
            Map<String, Object> recorded,
            String[] heldGateways) {
        // the live condition's parameters come first (it was numbered from ?1), the rest after them
        List<Object> params = new ArrayList<>(live.params());
        String target = param(params, packages.target());
        StringBuilder where = new StringBuilder(" WHERE d.product_key = " + param(params, plan.productKey)
                + " AND d.gateway_id IS NOT NULL AND d.version IS NOT NULL");
        if (!d.sourceVersions().isEmpty()) {
            where.append(" AND (d.version = ANY(CAST(")
                    .append(param(params, d.sourceVersions().toArray(new String[0])))
                    .append(" AS text[])) OR d.version = ")
                    .append(target)
                    .append(")");
        }
        if (!d.whitelist().isEmpty()) {
            where.append(" AND d.device_key = ANY(CAST(")
                    .append(param(params, d.whitelist().toArray(new String[0])))
                    .append(" AS text[]))");
        }
        if (!d.blacklist().isEmpty()) {
            where.append(" AND NOT (d.device_key = ANY(CAST(")
                    .append(param(params, d.blacklist().toArray(new String[0])))
                    .append(" AS text[])))");
        }
        if (recorded != null) {
            where.append(" AND EXISTS (SELECT 1 FROM plan_member pm WHERE pm.plan_id = ")
                    .append(param(params, plan.id))
                    .append(" AND pm.device_key = d.device_key)");
        } else if (!live.params().isEmpty() || !"true".equals(live.sql())) {
            where.append(" AND ").append(live.sql());
        }
        byte[] above =
                scheme == VersionScheme.SEMVER ? Downgrades.refusedAbove(d.allowDowngrade(), packages.target()) : null;
        String downgrade = above == null ? "false" : "coalesce(d.version_key > " + param(params, above) + ", false)";
        String[] revisions = packages.hardwareRevisions();
        String incompatible = revisions == null
                ? "false"
                : "NOT coalesce(d.hardware_revision = ANY(CAST(" + param(params, revisions) + " AS text[])), "
                        + packages.allowsUnknownHardware() + ")";
        String held = heldGateways.length == 0
                ? "d.hold_reason IS NOT NULL"
                : "(d.hold_reason IS NOT NULL OR d.gateway_id = ANY(CAST(" + param(params, heldGateways)
                        + " AS text[])))";
        byte[] min = packages.minGatewayKey();
        String waiting = min == null
                ? "false"
                : "NOT coalesce(g.version_key >= " + param(params, min) + " AND gp.version_scheme = 'SEMVER', false)";
        String pending = "d.version <> " + target;
        String refused = pending + " AND " + downgrade;
        String unfit = pending + " AND NOT " + downgrade + " AND " + incompatible;
        String onHold = pending + " AND NOT " + downgrade + " AND NOT " + incompatible + " AND " + held;
        String waits =
                pending + " AND NOT " + downgrade + " AND NOT " + incompatible + " AND NOT " + held + " AND " + waiting;
        String will = pending + " AND NOT " + downgrade + " AND NOT " + incompatible + " AND NOT " + held + " AND NOT "
                + waiting;
        StringBuilder select = new StringBuilder("SELECT count(*), count(*) FILTER (WHERE d.version = " + target + "),"
                + " count(*) FILTER (WHERE " + refused + "), count(*) FILTER (WHERE " + unfit + "),"
                + " count(*) FILTER (WHERE " + onHold + "), count(*) FILTER (WHERE " + waits + "),"
                + " count(*) FILTER (WHERE " + will + ")");
        // the waves' lists are parameters of the counts only: the samples' statements take those before them
        List<Object> base = List.copyOf(params);
        List<PlanRequest.Wave> waves = d.waves();
        List<String> earlier = new ArrayList<>();
        // an activated plan's wave filters as recorded then; a draft's or a body's as they match now
        boolean wavesRecorded = plan.status != null && plan.status != PlanStatus.DRAFT;
        List<org.otaplatform.common.error.FieldError> faults = new ArrayList<>();
        boolean gatewayVersion = live.sql().contains("g.version");
        for (int i = 0; i < waves.size(); i++) {
            PlanRequest.Wave w = waves.get(i);
            if (!w.listed()) {
                continue;
            }
            String byFilter = "";
            if (w.filtered() && wavesRecorded) {
                byFilter = " OR EXISTS (SELECT 1 FROM plan_wave_member wm WHERE wm.plan_id = " + param(params, plan.id)
                        + " AND wm.device_key = d.device_key AND wm.wave = " + param(params, i + 1) + ")";
            } else if (w.filtered()) {
                try {
                    org.otaplatform.contract.filter.FilterSql.Sql f =
                            Targets.filter(w.filter(), scheme, params.size() + 1);
                    params.addAll(f.params());
                    byFilter = " OR (" + f.condition() + ")";
                    gatewayVersion |= f.condition().contains("g.version");
                } catch (org.otaplatform.contract.filter.FilterException e) {
                    faults.add(new org.otaplatform.common.error.FieldError("waves[" + i + "].filter", e.describe()));
                }
            }
            String named = "(d.device_key = ANY(CAST(" + param(params, orEmpty(w.devices())) + " AS text[]))"
                    + " OR d.gateway_id = ANY(CAST(" + param(params, orEmpty(w.gateways())) + " AS text[]))"
                    + byFilter + ")";
            select.append(", count(*) FILTER (WHERE ")
                    .append(will)
                    .append(" AND ")
                    .append(named);
            for (String e : earlier) {
                select.append(" AND NOT ").append(e);
            }
            select.append(")");
            earlier.add(named);
        }
        if (!faults.isEmpty()) {
            throw org.otaplatform.common.error.ApiException.invalid(faults);
        }
        // one scan of the device view; its gateways only when a gateway's version matters (a join over a
        // million devices costs more than all the counts)
        String from = min == null && !gatewayVersion
                ? " FROM device_view d"
                : " FROM device_view d LEFT JOIN gateway_view g ON g.gateway_id = d.gateway_id"
                        + " LEFT JOIN product_view gp ON gp.product_key = g.product_key";
        String sql = select + from + where;
        String reason = "CASE WHEN " + refused + " THEN 'DOWNGRADE' WHEN " + unfit + " THEN 'INCOMPATIBLE' WHEN "
                + onHold + " THEN 'ON_HOLD' WHEN " + waits + " THEN 'WAITING_FOR_GATEWAY' END";
        String sampleSql = "SELECT d.product_key, d.device_key, d.version, d.hardware_revision, d.gateway_id, " + reason
                + from + where + " AND " + will + " ORDER BY d.device_key LIMIT " + SAMPLE;
        String leftAloneSql = "SELECT d.product_key, d.device_key, d.version, d.hardware_revision, d.gateway_id, "
                + reason + from + where + " AND " + pending + " AND NOT (" + will + ") ORDER BY d.device_key LIMIT "
                + SAMPLE;
        String productSql = "SELECT count(*) FROM device_view d WHERE d.product_key = ?1 AND d.gateway_id IS NOT NULL"
                + " AND d.version IS NOT NULL";
        return Panache.getSession()
                .flatMap(s -> Targets.rows(s, sql, params)
                        // a sample is looked for only when the counts say there is one: walking the devices in key
                        // order for none would read them all
                        .flatMap(counts -> sampleIf(s, n(((Object[]) counts.get(0))[6]) > 0, sampleSql, base)
                                .flatMap(sample -> sampleIf(
                                                s, leftAlone((Object[]) counts.get(0)) > 0, leftAloneSql, base)
                                        .flatMap(left -> productDevices(s, plan.productKey, productSql)
                                                .map(product -> preview(
                                                        (Object[]) counts.get(0),
                                                        waves,
                                                        sample,
                                                        left,
                                                        product,
                                                        recorded))))));
    }

    private static Uni<List<Object>> sampleIf(
            org.hibernate.reactive.mutiny.Mutiny.Session s, boolean any, String sql, List<Object> params) {
        return any ? Targets.rows(s, sql, params) : Uni.createFrom().item(List.of());
    }

    /** The devices not on the target that will not be upgraded: refused, incompatible, held or waiting. */
    private static long leftAlone(Object[] counts) {
        return n(counts[2]) + n(counts[3]) + n(counts[4]) + n(counts[5]);
    }

    /** How long a product's count of devices is reused: a preview typed live asks every few hundred ms. */
    private static final long PRODUCT_COUNT_MILLIS = 5_000;

    private final java.util.concurrent.ConcurrentHashMap<String, long[]> productCounts =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Every bound device of the product with a known version, counted at most every few seconds. */
    private Uni<Long> productDevices(org.hibernate.reactive.mutiny.Mutiny.Session s, String productKey, String sql) {
        long now = System.currentTimeMillis();
        long[] known = productCounts.get(productKey);
        if (known != null && now - known[1] < PRODUCT_COUNT_MILLIS) {
            return Uni.createFrom().item(known[0]);
        }
        return Targets.rows(s, sql, List.of(productKey)).map(rows -> {
            long n = ((Number) rows.get(0)).longValue();
            if (productCounts.size() > 10_000) {
                productCounts.clear();
            }
            productCounts.put(productKey, new long[] {n, now});
            return n;
        });
    }

    private static Preview preview(
            Object[] c,
            List<PlanRequest.Wave> waves,
            List<Object> sample,
            List<Object> left,
            long productDevices,
            Map<String, Object> recorded) {
        long targeted = n(c[0]);
        long will = n(c[6]);
        List<WaveShare> byWave = new ArrayList<>();
        long listedTotal = 0;
        int column = 7;
        long[] listed = new long[waves.size()];
        for (int i = 0; i < waves.size(); i++) {
            if (waves.get(i).listed()) {
                listed[i] = n(c[column++]);
                listedTotal += listed[i];
            }
        }
        long remaining = will - listedTotal;
        for (int i = 0; i < waves.size(); i++) {
            PlanRequest.Wave w = waves.get(i);
            long devices;
            if (w.listed()) {
                devices = listed[i];
            } else if (w.open()) {
                devices = remaining;
            } else {
                devices = Math.min(w.quota(targeted), remaining);
            }
            remaining -= w.listed() ? 0 : devices;
            byWave.add(new WaveShare(i + 1, w.name(), Math.max(0, devices)));
        }
        return new Preview(
                targeted,
                n(c[1]),
                n(c[2]),
                n(c[3]),
                n(c[4]),
                n(c[5]),
                will,
                productDevices,
                byWave,
                sample.stream().map(Previews::sample).toList(),
                left.stream().map(Previews::sample).toList(),
                recorded);
    }

    private static Sample sample(Object row) {
        Object[] r = (Object[]) row;
        return new Sample((String) r[0], (String) r[1], (String) r[2], (String) r[3], (String) r[4], (String) r[5]);
    }

    private static long n(Object value) {
        return ((Number) value).longValue();
    }

    private static String[] orEmpty(List<String> list) {
        return list == null ? new String[0] : list.toArray(new String[0]);
    }

    private static String param(List<Object> params, Object value) {
        params.add(value);
        return "?" + params.size();
    }
}
