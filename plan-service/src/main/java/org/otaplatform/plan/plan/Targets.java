package org.otaplatform.plan.plan;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.reactive.mutiny.Mutiny;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.FieldError;
import org.otaplatform.contract.filter.FilterException;
import org.otaplatform.contract.filter.FilterField;
import org.otaplatform.contract.filter.FilterParser;
import org.otaplatform.contract.filter.FilterSql;
import org.otaplatform.contract.version.VersionScheme;

/**
 * A plan's target (REST API, "Fleet targeting"): a filter and groups over plan-service's own views of the devices
 * ({@code device_view d} with the attributes on its row, its gateway {@code g}), translated once by the shared {@link
 * FilterSql}; the members it chose at activation ({@code plan_member}), for good under {@code FROZEN}, kept in step
 * with the target under {@code DYNAMIC}. Every query that decides whom a plan touches adds {@link #memberSql}: a
 * plan without a target has no members and is not narrowed.
 */
@ApplicationScoped
public class Targets {

    /**
     * The device view (alias {@code d}, its targeting attributes on its own row: V23) with its gateway ({@code g},
     * for {@code gatewayVersion}).
     */
    public static final String FROM = " FROM device_view d LEFT JOIN gateway_view g ON g.gateway_id = d.gateway_id";

    /**
     * The filter's fields as plan-service holds them. {@code lastSeenAt} is the moment of the device's last
     * reported state; {@code name} and {@code registeredAt} live in the registry only: a plan cannot filter on them
     * (a 422 says so) — tag the devices instead.
     */
    static final FilterSql.Columns COLUMNS = field -> switch (field.name()) {
        case "productKey" -> FilterSql.Column.of("d.product_key");
        case "deviceKey" -> FilterSql.Column.of("d.device_key");
        case "version" -> new FilterSql.Column("d.version", "d.version_key");
        case "hardwareRevision" -> FilterSql.Column.of("d.hardware_revision");
        case "gatewayId" -> FilterSql.Column.of("d.gateway_id");
        case "gatewayVersion" -> new FilterSql.Column("g.version", "g.version_key");
        case "online" -> FilterSql.Column.of("d.online");
        case "lastSeenAt" -> FilterSql.Column.of("d.updated_at");
        default -> field.type() == FilterField.Type.TAG ? FilterSql.Column.of("d.tags") : null;
    };

    /** A condition over {@link #FROM} and its parameters, in order from the number it was asked to start at. */
    public record Condition(String sql, List<Object> params) {
        static final Condition ANY = new Condition("true", List.of());
    }

    /** A group as a target names it. */
    record Group(String name, String productKey, String kind, String filter) {}

    /**
     * SQL: the device ({@code deviceKey}, a column) may be touched by the plan (parameter {@code planParam}, e.g.
     * {@code $1}): the plan has no target, or the device is one of its members.
     */
    public static String memberSql(String planParam, String deviceKey) {
        return "(NOT EXISTS (SELECT 1 FROM plan_target pt WHERE pt.plan_id = " + planParam + ")"
                + " OR EXISTS (SELECT 1 FROM plan_member pm WHERE pm.plan_id = " + planParam
                + " AND pm.device_key = " + deviceKey + "))";
    }

    /**
     * The target of a plan of {@code productKey} as a condition with {@code ?n} parameters numbered from {@code
     * first}; a 422 naming {@code target.filter} or {@code target.groups[i]} when the filter names a field
     * plan-service cannot filter on, orders versions the product does not order, or a group is unknown or of
     * another product. In the caller's session.
     */
    public Uni<Condition> condition(String productKey, PlanRequest.Target target, int first) {
        if (target == null) {
            return Uni.createFrom().item(Condition.ANY);
        }
        return scheme(productKey)
                .flatMap(scheme ->
                        groups(target.groupNames()).map(found -> build(productKey, target, scheme, found, first)));
    }

    /** The product's version scheme as device-gateway-service announced it; OPAQUE while unknown. */
    static Uni<VersionScheme> scheme(String productKey) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("SELECT version_scheme FROM product_view WHERE product_key = ?1")
                        .setParameter(1, productKey)
                        .getResultList())
                .map(rows -> rows.isEmpty() ? VersionScheme.OPAQUE : VersionScheme.orDefault((String) rows.get(0)));
    }

    private static Uni<Map<String, Group>> groups(List<String> names) {
        if (names.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("SELECT name, product_key, kind, filter FROM device_group"
                                + " WHERE name = ANY(CAST(?1 AS text[]))")
                        .setParameter(1, names.toArray(new String[0]))
                        .getResultList())
                .map(rows -> {
                    Map<String, Group> found = new HashMap<>();
                    for (Object row : rows) {
                        Object[] r = (Object[]) row;
                        found.put((String) r[0], new Group((String) r[0], (String) r[1], (String) r[2], (String) r[3]));
                    }
                    return found;
                });
    }

    private static Condition build(
            String productKey, PlanRequest.Target target, VersionScheme scheme, Map<String, Group> groups, int first) {
        List<FieldError> errors = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (target.filter() != null) {
            try {
                FilterSql.Sql sql = filter(target.filter(), scheme, first + params.size());
                parts.add(sql.condition());
                params.addAll(sql.params());
            } catch (FilterException e) {
                errors.add(new FieldError("target.filter", e.describe()));
            }
        }
        List<String> any = new ArrayList<>();
        List<String> names = target.groupNames();
        for (int i = 0; i < names.size(); i++) {
            String field = "target.groups[" + i + "]";
            Group g = groups.get(names.get(i));
            if (g == null) {
                errors.add(new FieldError(field, "no group named '" + names.get(i) + "'"));
                continue;
            }
            if (!g.productKey().equals(productKey)) {
                errors.add(new FieldError(
                        field, "group '" + g.name() + "' is of product " + g.productKey() + ", not " + productKey));
                continue;
            }
            try {
                Condition member = membership(g, scheme, first + params.size());
                any.add(member.sql());
                params.addAll(member.params());
            } catch (FilterException e) {
                errors.add(new FieldError(field, "group '" + g.name() + "': " + e.describe()));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        if (!any.isEmpty()) {
            parts.add("(" + String.join(" OR ", any) + ")");
        }
        return parts.isEmpty() ? Condition.ANY : new Condition(String.join(" AND ", parts), List.copyOf(params));
    }

    /**
     * A group's devices as a condition over {@link #FROM}, its parameters numbered from {@code first}: a STATIC
     * group's members, a DYNAMIC group's filter (a {@link FilterException} when it no longer translates).
     */
    static Condition membership(Group g, VersionScheme scheme, int first) {
        if (Groups.STATIC.equals(g.kind())) {
            return new Condition(
                    "EXISTS (SELECT 1 FROM device_group_member gm WHERE gm.group_name = ?" + first
                            + " AND gm.device_key = d.device_key)",
                    List.of(g.name()));
        }
        FilterSql.Sql sql = filter(g.filter(), scheme, first);
        return new Condition(sql.condition(), sql.params());
    }

    /** One filter over {@link #FROM}, gateways' versions compared by SemVer (their keys exist only for SemVer). */
    static FilterSql.Sql filter(String text, VersionScheme scheme, int first) {
        return FilterSql.translate(
                FilterParser.parse(text), COLUMNS, scheme, VersionScheme.SEMVER, n -> "?" + n, first);
    }

    /**
     * Records a targeted plan's target and members as it is activated: the devices of its product that match now.
     * The number of members; nothing (-1) for a plan without a target. In the caller's transaction.
     */
    public Uni<Long> record(Plan plan, PlanDefinition d) {
        if (!d.targeted()) {
            return Uni.createFrom().item(-1L);
        }
        return condition(plan.productKey, d.target(), 3)
                .flatMap(c -> Panache.getSession()
                        .flatMap(
                                s -> s.createNativeQuery("INSERT INTO plan_target (plan_id, membership, filter, groups,"
                                                + " matched, recorded_at, refreshed_at) VALUES (?1, ?2, ?3, CAST(?4 AS text[]), 0,"
                                                + " now(), now()) ON CONFLICT (plan_id) DO NOTHING")
                                        .setParameter(1, plan.id)
                                        .setParameter(2, d.membership().name())
                                        .setParameter(3, d.target().filter())
                                        .setParameter(4, d.target().groupNames().toArray(new String[0]))
                                        .executeUpdate()
                                        .flatMap(n -> join(s, plan, c))
                                        .flatMap(inserted -> matched(s, plan))));
    }

    /**
     * Records, for a plan whose waves have filters, the first wave whose filter each device of its product matches
     * now (a device already recorded keeps its wave); a plan with a target records its members only. A 422 naming
     * {@code waves[i].filter} when a filter names a field plan-service cannot filter on or orders versions the
     * product does not order. In the caller's transaction.
     */
    public Uni<Void> recordWaves(Plan plan, PlanDefinition d) {
        if (!d.waveFilters()) {
            return Uni.createFrom().voidItem();
        }
        return scheme(plan.productKey).flatMap(scheme -> {
            List<Condition> conditions = waveConditions(d, scheme, 4);
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (int i = 0; i < d.waves().size(); i++) {
                Condition c = conditions.get(i);
                if (c == null) {
                    continue;
                }
                int number = i + 1;
                List<Object> params = new ArrayList<>(List.of(plan.id, plan.productKey, number));
                params.addAll(c.params());
                String member = d.targeted()
                        ? " AND EXISTS (SELECT 1 FROM plan_member pm WHERE pm.plan_id = ?1"
                                + " AND pm.device_key = d.device_key)"
                        : "";
                chain = chain.flatMap(v -> Panache.getSession()
                        .flatMap(s -> update(
                                s,
                                "INSERT INTO plan_wave_member (plan_id, device_key, wave) SELECT ?1, d.device_key, ?3"
                                        + FROM + " WHERE d.product_key = ?2" + member + " AND " + c.sql()
                                        + " ON CONFLICT DO NOTHING",
                                params))
                        .replaceWithVoid());
            }
            return chain;
        });
    }

    /**
     * Each wave's filter as a condition over {@link #FROM} with parameters numbered from {@code first} (null for a
     * wave without one); a 422 naming every {@code waves[i].filter} that does not translate.
     */
    public static List<Condition> waveConditions(PlanDefinition d, VersionScheme scheme, int first) {
        List<Condition> conditions = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < d.waves().size(); i++) {
            PlanRequest.Wave w = d.waves().get(i);
            if (!w.filtered()) {
                conditions.add(null);
                continue;
            }
            try {
                FilterSql.Sql sql = filter(w.filter(), scheme, first);
                conditions.add(new Condition(sql.condition(), sql.params()));
            } catch (FilterException e) {
                errors.add(new FieldError("waves[" + i + "].filter", e.describe()));
                conditions.add(null);
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return conditions;
    }

    /** Makes every device of the plan's product that matches {@code c} a member (those already are stay). */
    private static Uni<Integer> join(Mutiny.Session s, Plan plan, Condition c) {
        return update(
                s,
                "INSERT INTO plan_member (plan_id, device_key) SELECT ?1, d.device_key" + FROM
                        + " WHERE d.product_key = ?2 AND " + c.sql() + " ON CONFLICT DO NOTHING",
                plan,
                c);
    }

    /** Records how many members the plan has now, and returns it. */
    private static Uni<Long> matched(Mutiny.Session s, Plan plan) {
        return s.createNativeQuery("UPDATE plan_target SET matched = (SELECT count(*) FROM plan_member"
                        + " WHERE plan_id = ?1) WHERE plan_id = ?1 RETURNING matched")
                .setParameter(1, plan.id)
                .getSingleResult()
                .map(m -> ((Number) m).longValue());
    }

    /**
     * Follows a running DYNAMIC plan's target, at most once per {@code everySeconds}: devices that came to match
     * join, members that no longer match and were never touched by the plan leave. The members now, or -1 when it
     * was not due. In the caller's transaction.
     */
    public Uni<Long> refresh(Plan plan, PlanDefinition d, long everySeconds) {
        if (!d.targeted() || d.membership() != PlanRequest.Membership.DYNAMIC) {
            return Uni.createFrom().item(-1L);
        }
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("UPDATE plan_target SET refreshed_at = now()"
                                + " WHERE plan_id = ?1 AND refreshed_at < now() - make_interval(secs => ?2)")
                        .setParameter(1, plan.id)
                        .setParameter(2, (double) everySeconds)
                        .executeUpdate()
                        .flatMap(due -> due == 0
                                ? Uni.createFrom().item(-1L)
                                : condition(plan.productKey, d.target(), 3)
                                        .flatMap(c -> join(s, plan, c)
                                                .flatMap(joined -> update(
                                                        s,
                                                        "DELETE FROM plan_member m WHERE m.plan_id = ?1"
                                                                + " AND NOT EXISTS (SELECT 1 FROM upgrade_task t"
                                                                + "   WHERE t.plan_id = ?1 AND t.product_key = ?2"
                                                                + "   AND t.device_key = m.device_key)"
                                                                + " AND NOT EXISTS (SELECT 1" + FROM
                                                                + "   WHERE d.product_key = ?2 AND d.device_key = m.device_key"
                                                                + "   AND " + c.sql() + ")",
                                                        plan,
                                                        c))
                                                .flatMap(left -> recordWaves(plan, d))
                                                .flatMap(v -> matched(s, plan)))));
    }

    /** The plan's recorded target, or null: {@code membership, filter, groups, matched, recordedAt}. */
    public static Uni<Map<String, Object>> recorded(java.util.UUID planId) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("SELECT membership, filter, array_to_string(groups, ','), matched,"
                                + " recorded_at, refreshed_at FROM plan_target WHERE plan_id = ?1")
                        .setParameter(1, planId)
                        .getResultList())
                .map(rows -> {
                    if (rows.isEmpty()) {
                        return null;
                    }
                    Object[] r = (Object[]) rows.get(0);
                    Map<String, Object> out = new java.util.LinkedHashMap<>();
                    out.put("membership", r[0]);
                    out.put("filter", r[1]);
                    String groups = (String) r[2];
                    out.put("groups", groups == null || groups.isEmpty() ? List.of() : List.of(groups.split(",")));
                    out.put("matched", ((Number) r[3]).longValue());
                    out.put("recordedAt", instant(r[4]));
                    out.put("refreshedAt", instant(r[5]));
                    return out;
                });
    }

    private static Object instant(Object value) {
        if (value instanceof java.time.OffsetDateTime t) {
            return t.toInstant();
        }
        return value;
    }

    /** Runs a statement with the plan in ?1, its product in ?2 and the condition's parameters from ?3. */
    private static Uni<Integer> update(Mutiny.Session s, String sql, Plan plan, Condition c) {
        List<Object> params = new ArrayList<>();
        params.add(plan.id);
        params.add(plan.productKey);
        params.addAll(c.params());
        return update(s, sql, params);
    }

    /** Runs a statement with these parameters, ?1 first. */
    static Uni<Integer> update(Mutiny.Session s, String sql, List<Object> params) {
        var q = s.createNativeQuery(sql);
        for (int i = 0; i < params.size(); i++) {
            q.setParameter(i + 1, params.get(i));
        }
        return q.executeUpdate();
    }

    /** Reads rows with these parameters, ?1 first. */
    static Uni<List<Object>> rows(Mutiny.Session s, String sql, List<Object> params) {
        var q = s.createNativeQuery(sql);
        for (int i = 0; i < params.size(); i++) {
            q.setParameter(i + 1, params.get(i));
        }
        return q.getResultList().map(rows -> new ArrayList<Object>(rows));
    }
}
