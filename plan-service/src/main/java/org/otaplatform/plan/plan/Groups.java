package org.otaplatform.plan.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.otaplatform.common.audit.AuditLog;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.ErrorCode;
import org.otaplatform.common.error.FieldError;
import org.otaplatform.common.paging.Page;
import org.otaplatform.common.paging.PageRequest;
import org.otaplatform.contract.Identifiers;
import org.otaplatform.contract.filter.FilterException;
import org.otaplatform.contract.filter.FilterSql;

/**
 * Groups of devices (REST API, "Fleet targeting"), plan-service's own: a {@code STATIC} group is the devices that
 * matched its filter when it was created, changed by key afterwards; a {@code DYNAMIC} group is its filter,
 * evaluated at each use. Both read plan-service's views of the devices, as plans do, so a group counts exactly the
 * devices a plan naming it would choose. Every change is audited.
 */
@ApplicationScoped
public class Groups {

    public static final String STATIC = "STATIC";
    public static final String DYNAMIC = "DYNAMIC";

    /** The most device keys one change of a static group's members may name. */
    public static final int MAX_MEMBER_CHANGE = 10_000;

    /** As a gateway id: the same characters, never {@code .} or {@code ..} (a path segment of the API). */
    private static final Pattern NAME = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9._-]{1,64}");

    /** What a client writes to create a group. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record GroupRequest(String name, String productKey, String filter, String kind) {}

    /** A group as REST shows it, with its current count. */
    public record GroupView(
            String name,
            String productKey,
            String filter,
            String kind,
            long count,
            String createdBy,
            Instant createdAt) {}

    /** A change of a static group's members by key. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MembersRequest(List<String> add, List<String> remove) {}

    /** What a change of members did, and the group's count after it. */
    public record MembersResult(long added, long removed, long count) {}

    /** A device of a group, as plan-service knows it. */
    public record Member(
            String productKey,
            String deviceKey,
            String version,
            String hardwareRevision,
            String gatewayId,
            boolean online,
            Map<String, String> tags) {}

    private final AuditLog audit;

    Groups(AuditLog audit) {
        this.audit = audit;
    }

    /** Whether {@code value} can name a group. */
    public static boolean isName(String value) {
        return value != null && NAME.matcher(value).matches();
    }

    public Uni<GroupView> create(GroupRequest r) {
        List<FieldError> errors = new ArrayList<>();
        if (r == null) {
            throw ApiException.invalid("name", "is required: a body {name, productKey, filter, kind}");
        }
        if (!isName(r.name())) {
            errors.add(new FieldError("name", "is required: 1–64 characters of [A-Za-z0-9._-], not . or .."));
        }
        if (!Identifiers.isProductKey(r.productKey())) {
            errors.add(new FieldError("productKey", "is required: 1–64 characters of [A-Za-z0-9_-]"));
        }
        if (r.filter() == null || r.filter().isBlank()) {
            errors.add(new FieldError("filter", "is required: the devices of the group, e.g. tag.site==hamburg"));
        }
        if (!STATIC.equals(r.kind()) && !DYNAMIC.equals(r.kind())) {
            errors.add(new FieldError("kind", "is required: STATIC or DYNAMIC"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        String filter = r.filter().strip();
        AuditLog.Caller caller = audit.caller();
        return Panache.withTransaction(() -> known(r.productKey())
                .flatMap(v -> Targets.scheme(r.productKey()))
                .flatMap(scheme -> {
                    FilterSql.Sql sql;
                    try {
                        sql = Targets.filter(filter, scheme, 3);
                    } catch (FilterException e) {
                        throw ApiException.invalid("filter", e.describe());
                    }
                    return Panache.getSession()
                            .flatMap(s -> Targets.update(
                                            s,
                                            "INSERT INTO device_group (name, product_key, filter, kind, created_by)"
                                                    + " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO NOTHING",
                                            List.of(r.name(), r.productKey(), filter, r.kind(), caller.actor()))
                                    .flatMap(inserted -> {
                                        if (inserted == 0) {
                                            throw ApiException.invalid(
                                                    "name",
                                                    "is taken: a group named '" + r.name() + "' exists already");
                                        }
                                        if (!STATIC.equals(r.kind())) {
                                            return Uni.createFrom().voidItem();
                                        }
                                        List<Object> params = new ArrayList<>(List.of(r.name(), r.productKey()));
                                        params.addAll(sql.params());
                                        return Targets.update(
                                                        s,
                                                        "INSERT INTO device_group_member (group_name, device_key)"
                                                                + " SELECT ?1, d.device_key" + Targets.FROM
                                                                + " WHERE d.product_key = ?2 AND " + sql.condition(),
                                                        params)
                                                .replaceWithVoid();
                                    }));
                })
                .flatMap(v -> view(r.name()))
                .call(view -> audit.record(caller, "group.create", "group/" + r.name(), null, view)));
    }

    /** The groups, of one product or all, by name, each with its count now. */
    public Uni<List<GroupView>> list(String productKey) {
        if (productKey != null && !Identifiers.isProductKey(productKey)) {
            throw ApiException.invalid("productKey", "must be 1–64 characters of [A-Za-z0-9_-]");
        }
        return Panache.withSession(() -> Panache.getSession()
                .flatMap(s -> Targets.rows(
                        s,
                        "SELECT name FROM device_group WHERE (CAST(?1 AS varchar) IS NULL OR product_key = ?1)"
                                + " ORDER BY name LIMIT 500",
                        java.util.Arrays.asList((Object) productKey)))
                .flatMap(names -> {
                    List<GroupView> views = new ArrayList<>();
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Object n : names) {
                        chain = chain.flatMap(
                                v -> view((String) n).invoke(views::add).replaceWithVoid());
                    }
                    return chain.map(v -> views);
                }));
    }

    public Uni<GroupView> get(String name) {
        return Panache.withSession(() -> view(name));
    }

    /** The group's devices now, by key, a page at a time. */
    public Uni<Page<Member>> devices(String name, PageRequest page) {
        return Panache.withSession(() -> stored(name)
                .map(Stored::group)
                .flatMap(g -> condition(g).flatMap(c -> {
                    List<Object> params = new ArrayList<>(List.of(g.productKey()));
                    params.addAll(c.params());
                    String where = " WHERE d.product_key = ?1 AND " + c.sql();
                    return Panache.getSession()
                            .flatMap(s -> Targets.rows(s, "SELECT count(*)" + Targets.FROM + where, params)
                                    .flatMap(count -> {
                                        List<Object> paged = new ArrayList<>(params);
                                        paged.add(page.size());
                                        paged.add(page.page() * page.size());
                                        return Targets.rows(
                                                        s,
                                                        "SELECT d.product_key, d.device_key, d.version, d.hardware_revision,"
                                                                + " d.gateway_id, d.online, d.tags::text"
                                                                + Targets.FROM + where
                                                                + " ORDER BY d.device_key LIMIT ?"
                                                                + (paged.size() - 1) + " OFFSET ?" + paged.size(),
                                                        paged)
                                                .map(rows -> new Page<>(
                                                        rows.stream()
                                                                .map(Groups::member)
                                                                .toList(),
                                                        page.page(),
                                                        page.size(),
                                                        ((Number) count.get(0)).longValue()));
                                    }));
                })));
    }

    /** Adds and removes a static group's members by key (409 for a dynamic group: its filter decides). */
    public Uni<MembersResult> changeMembers(String name, MembersRequest r) {
        List<String> add = keys("add", r == null ? null : r.add());
        List<String> remove = keys("remove", r == null ? null : r.remove());
        if (add.size() + remove.size() == 0) {
            throw ApiException.invalid("add", "name at least one device key to add or remove");
        }
        AuditLog.Caller caller = audit.caller();
        return Panache.withTransaction(() -> stored(name).map(Stored::group).flatMap(g -> {
            if (!STATIC.equals(g.kind())) {
                return Uni.createFrom()
                        .<MembersResult>failure(new ApiException(
                                ErrorCode.CONFLICT, "group '" + name + "' is DYNAMIC: its filter decides its members"));
            }
            return Panache.getSession()
                    .flatMap(s -> Targets.update(
                                    s,
                                    "INSERT INTO device_group_member (group_name, device_key)"
                                            + " SELECT ?1, k FROM unnest(CAST(?2 AS text[])) k ON CONFLICT DO NOTHING",
                                    List.of(name, add.toArray(new String[0])))
                            .flatMap(added -> Targets.update(
                                            s,
                                            "DELETE FROM device_group_member WHERE group_name = ?1"
                                                    + " AND device_key = ANY(CAST(?2 AS text[]))",
                                            List.of(name, remove.toArray(new String[0])))
                                    .flatMap(removed ->
                                            view(name).map(v -> new MembersResult(added, removed, v.count())))))
                    .call(result -> audit.record(
                            caller,
                            "group.members",
                            "group/" + name,
                            null,
                            Map.of("add", add, "remove", remove, "count", result.count())));
        }));
    }

    /** Deletes a group; 409 while a plan that is not finished names it. */
    public Uni<Void> delete(String name) {
        AuditLog.Caller caller = audit.caller();
        return Panache.withTransaction(() -> view(name)
                .flatMap(before -> Panache.getSession()
                        .flatMap(s -> Targets.rows(
                                        s,
                                        "SELECT name FROM plan WHERE status IN ('DRAFT', 'ACTIVE', 'SUSPENDED')"
                                                + " AND CAST(definition AS jsonb) -> 'target' -> 'groups'"
                                                + " @> jsonb_build_array(CAST(?1 AS text)) ORDER BY name"
                                                + " LIMIT 5",
                                        List.of(name))
                                .flatMap(users -> {
                                    if (!users.isEmpty()) {
                                        return Uni.createFrom()
                                                .<Void>failure(new ApiException(
                                                        ErrorCode.CONFLICT,
                                                        "group '" + name + "' is used by unfinished plans: " + users));
                                    }
                                    return Targets.update(s, "DELETE FROM device_group WHERE name = ?1", List.of(name))
                                            .flatMap(n -> audit.record(
                                                    caller, "group.delete", "group/" + name, before, null));
                                }))));
    }

    private static List<String> keys(String field, List<String> keys) {
        if (keys == null) {
            return List.of();
        }
        if (keys.size() > MAX_MEMBER_CHANGE) {
            throw ApiException.invalid(field, "must name at most " + MAX_MEMBER_CHANGE + " device keys");
        }
        for (int i = 0; i < keys.size(); i++) {
            if (!Identifiers.isDeviceKey(keys.get(i))) {
                throw ApiException.invalid(field + "[" + i + "]", "must be a device key");
            }
        }
        return List.copyOf(new LinkedHashSet<>(keys));
    }

    private static Uni<Void> known(String productKey) {
        return Panache.getSession()
                .flatMap(s -> Targets.rows(
                        s, "SELECT 1 FROM product_view WHERE product_key = ?1 AND NOT deleted", List.of(productKey)))
                .map(rows -> {
                    if (rows.isEmpty()) {
                        throw ApiException.invalid(
                                "productKey", "product " + productKey + " is not known to plan-service (yet)");
                    }
                    return null;
                });
    }

    /** A group as stored: what a target reads of it, and who created it when. */
    private record Stored(Targets.Group group, String createdBy, Instant createdAt) {}

    private static Uni<Stored> stored(String name) {
        if (!isName(name)) {
            return Uni.createFrom().failure(ApiException.notFound("group", name));
        }
        return Panache.getSession()
                .flatMap(s -> Targets.rows(
                        s,
                        "SELECT name, product_key, kind, filter, created_by, created_at FROM device_group WHERE name = ?1",
                        List.of(name)))
                .map(rows -> {
                    if (rows.isEmpty()) {
                        throw ApiException.notFound("group", name);
                    }
                    Object[] r = (Object[]) rows.get(0);
                    return new Stored(
                            new Targets.Group((String) r[0], (String) r[1], (String) r[2], (String) r[3]),
                            (String) r[4],
                            r[5] instanceof OffsetDateTime t ? t.toInstant() : (Instant) r[5]);
                });
    }

    /** The group's membership as a condition over {@link Targets#FROM}, parameters from ?2. */
    private static Uni<Targets.Condition> condition(Targets.Group g) {
        return Targets.scheme(g.productKey()).map(scheme -> Targets.membership(g, scheme, 2));
    }

    private static Uni<GroupView> view(String name) {
        return stored(name).flatMap(stored -> {
            Targets.Group g = stored.group();
            return condition(g).flatMap(c -> {
                List<Object> params = new ArrayList<>(List.of(g.productKey()));
                params.addAll(c.params());
                return Panache.getSession()
                        .flatMap(s -> Targets.rows(
                                s,
                                "SELECT count(*)" + Targets.FROM + " WHERE d.product_key = ?1 AND " + c.sql(),
                                params))
                        .map(count -> new GroupView(
                                g.name(),
                                g.productKey(),
                                g.filter(),
                                g.kind(),
                                ((Number) count.get(0)).longValue(),
                                stored.createdBy(),
                                stored.createdAt()));
            });
        });
    }

    private static Member member(Object row) {
        Object[] r = (Object[]) row;
        return new Member(
                (String) r[0],
                (String) r[1],
                (String) r[2],
                (String) r[3],
                (String) r[4],
                Boolean.TRUE.equals(r[5]),
                tags((String) r[6]));
    }

    static Map<String, String> tags(String json) {
        try {
            return org.otaplatform.contract.codec.MessageCodec.mapper()
                    .readValue(json, new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {});
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("tags are not a JSON object of strings: " + json, e);
        }
    }
}
