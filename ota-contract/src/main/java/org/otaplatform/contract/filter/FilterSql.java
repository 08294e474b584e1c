package org.otaplatform.contract.filter;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.otaplatform.contract.filter.Filter.Comparison;
import org.otaplatform.contract.filter.Filter.Operator;
import org.otaplatform.contract.version.SemanticVersion;
import org.otaplatform.contract.version.VersionScheme;

/**
 * The one translation of a {@link Filter} to a PostgreSQL condition, for every service that chooses devices by
 * filter. Values only ever travel as parameters: the SQL text is made of the service's own column expressions,
 * operators and placeholders, never of anything the filter said. The service names its columns ({@link
 * Columns}); a field it does not hold is a {@link FilterException}.
 *
 * <p>Per type: text {@code ==} is {@code =} (an index lookup), with {@code *} a {@code LIKE} (escaped, {@code *}
 * → {@code %}); {@code !=} is {@code IS DISTINCT FROM} (a device without the value matches); {@code =in=} is
 * {@code = ANY(array)}; versions compare by {@link SemanticVersion#sortKey} (a bytea column) when the product is
 * {@code SEMVER}, else ordering them is an error; tags live in a {@code jsonb} column: {@code tag.k==v} is
 * {@code tags @> CAST('{"k":"v"}' AS jsonb)} (a GIN index serves it), the rest read {@code tags ->> k}.
 */
public final class FilterSql {

    /**
     * How a service stores a field: {@code expression} the SQL of its value ({@code d.version}); for a version,
     * {@code orderKey} the bytea of its sort key ({@code d.version_key}), null when not kept; for tags the jsonb
     * column.
     */
    public record Column(String expression, String orderKey) {
        public static Column of(String expression) {
            return new Column(expression, null);
        }
    }

    /** The service's columns: null for a field it cannot filter on. */
    @FunctionalInterface
    public interface Columns {
        Column column(FilterField field);
    }

    /**
     * The condition and its parameters in order, numbered from the {@code first} given; {@code byte[]} for
     * bytea, {@code String[]} for arrays, {@link OffsetDateTime} for instants, {@code Boolean}, else
     * {@code String}.
     */
    public record Sql(String condition, List<Object> params) {}

    private final Columns columns;
    private final Function<String, VersionScheme> schemes;
    private final IntFunction<String> placeholder;
    private final List<Object> params = new ArrayList<>();
    private final int first;

    private FilterSql(
            Columns columns, Function<String, VersionScheme> schemes, IntFunction<String> placeholder, int first) {
        this.columns = columns;
        this.schemes = schemes;
        this.placeholder = placeholder;
        this.first = first;
    }

    /**
     * Translates {@code filter}. {@code scheme}: how versions compare for this query (the product's; a filter
     * over several products orders versions only when every one is SEMVER — the caller decides), applied to
     * both {@code version} and {@code gatewayVersion} unless {@code gatewayScheme} differs. {@code placeholder}
     * writes parameter {@code n} ({@code n -> "$" + n} for the Vert.x client).
     */
    public static Sql translate(
            Filter filter,
            Columns columns,
            VersionScheme scheme,
            VersionScheme gatewayScheme,
            IntFunction<String> placeholder,
            int first) {
        Function<String, VersionScheme> schemes = field -> field.equals("gatewayVersion") ? gatewayScheme : scheme;
        FilterSql t = new FilterSql(columns, schemes, placeholder, first);
        String sql = t.of(filter);
        return new Sql(sql, List.copyOf(t.params));
    }

    private String of(Filter f) {
        if (f instanceof Filter.And a) {
            return join(a.parts(), " AND ");
        }
        if (f instanceof Filter.Or o) {
            return join(o.parts(), " OR ");
        }
        return comparison((Comparison) f);
    }

    private String join(List<Filter> parts, String op) {
        List<String> out = new ArrayList<>();
        for (Filter p : parts) {
            out.add(of(p));
        }
        return "(" + String.join(op, out) + ")";
    }

    private String param(Object value) {
        params.add(value);
        return placeholder.apply(first + params.size() - 1);
    }

    private String comparison(Comparison c) {
        FilterField field = c.field();
        Column col = columns.column(field);
        if (col == null) {
            throw new FilterException(
                    c.position(), "a field this list holds", field.name() + " cannot be filtered on here");
        }
        return switch (field.type()) {
            case TAG -> tag(c, col);
            case BOOLEAN ->
                plain(
                        c,
                        col.expression(),
                        c.values().stream().map(Boolean::valueOf).toArray(Boolean[]::new));
            case INSTANT ->
                c.operator().orders()
                        ? col.expression() + " " + c.operator().text() + " " + param(instant(c.value()))
                        : plain(
                                c,
                                col.expression(),
                                c.values().stream().map(FilterSql::instant).toArray(OffsetDateTime[]::new));
            case VERSION -> c.operator().orders() ? ordered(c, col) : text(c, col.expression());
            case TEXT -> text(c, col.expression());
        };
    }

    private static OffsetDateTime instant(String v) {
        return Instant.parse(v).atOffset(ZoneOffset.UTC);
    }

    /** ==, !=, =in=, =out= over typed values, without wildcards. */
    private String plain(Comparison c, String expr, Object[] values) {
        return switch (c.operator()) {
            case EQ -> expr + " = " + param(values[0]);
            case NE -> expr + " IS DISTINCT FROM " + param(values[0]);
            case IN -> expr + " = ANY(CAST(" + param(values) + " AS " + arrayType(values) + "))";
            case OUT ->
                "(" + expr + " IS NULL OR NOT (" + expr + " = ANY(CAST(" + param(values) + " AS " + arrayType(values)
                        + "))))";
            default ->
                throw new IllegalStateException(
                        c.operator() + " on " + c.field().name());
        };
    }

    /** The SQL type of an array parameter, spelled out: clients differ in what they infer. */
    private static String arrayType(Object[] values) {
        if (values instanceof Boolean[]) {
            return "boolean[]";
        }
        return values instanceof OffsetDateTime[] ? "timestamptz[]" : "text[]";
    }

    private String text(Comparison c, String expr) {
        String v = c.values().get(0);
        if (c.operator() == Operator.EQ && v.indexOf('*') >= 0) {
            return expr + " LIKE " + param(like(v)) + " ESCAPE '\\'";
        }
        if (c.operator() == Operator.NE && v.indexOf('*') >= 0) {
            return "(" + expr + " IS NULL OR " + expr + " NOT LIKE " + param(like(v)) + " ESCAPE '\\')";
        }
        return plain(c, expr, c.values().toArray(String[]::new));
    }

    private String ordered(Comparison c, Column col) {
        VersionScheme scheme = schemes.apply(c.field().name());
        if (col.orderKey() == null) {
            throw new FilterException(
                    c.position(), "==, !=, =in= or =out=", c.field().name() + " cannot be ordered in this list");
        }
        if (scheme != VersionScheme.SEMVER) {
            throw new FilterException(
                    c.position(),
                    "==, !=, =in= or =out= (versions are ordered only under a SEMVER product)",
                    c.field().name() + " " + c.operator().text() + " needs versions in SemVer order");
        }
        byte[] key = SemanticVersion.sortKeyOf(c.value());
        if (key == null) {
            throw new FilterException(
                    c.position(), "a SemVer version such as 1.4.0", "'" + c.value() + "' is no SemVer version");
        }
        return col.orderKey() + " " + c.operator().text() + " " + param(key);
    }

    private String tag(Comparison c, Column col) {
        String json = col.expression();
        String v = c.values().get(0);
        if (c.operator() == Operator.EQ && v.indexOf('*') < 0) {
            // containment: what a GIN index on the jsonb column answers
            return json + " @> CAST(CAST(" + param(jsonObject(c.field().tagKey(), v)) + " AS text) AS jsonb)";
        }
        String value = "(" + json + " ->> " + param(c.field().tagKey()) + ")";
        return text(c, value);
    }

    /** {@code {"key":"value"}}, escaped as JSON. */
    static String jsonObject(String key, String value) {
        return "{" + jsonString(key) + ":" + jsonString(value) + "}";
    }

    private static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** A {@code LIKE} pattern: {@code %}, {@code _} and {@code \} literal, {@code *} any run. */
    static String like(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\', '%', '_' -> out.append('\\').append(c);
                case '*' -> out.append('%');
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
