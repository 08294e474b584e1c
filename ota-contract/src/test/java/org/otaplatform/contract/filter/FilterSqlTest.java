package org.otaplatform.contract.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.otaplatform.contract.filter.FilterSql.Column;
import org.otaplatform.contract.version.SemanticVersion;
import org.otaplatform.contract.version.VersionScheme;

class FilterSqlTest {

    /** Every field, as a device table might hold them. */
    static final FilterSql.Columns ALL = field -> {
        if (field.type() == FilterField.Type.TAG) {
            return Column.of("d.tags");
        }
        return Map.ofEntries(
                        Map.entry("productKey", Column.of("d.product_key")),
                        Map.entry("deviceKey", Column.of("d.device_key")),
                        Map.entry("name", Column.of("d.name")),
                        Map.entry("version", new Column("d.version", "d.version_key")),
                        Map.entry("hardwareRevision", Column.of("d.hardware_revision")),
                        Map.entry("gatewayId", Column.of("d.gateway_id")),
                        Map.entry("gatewayVersion", new Column("g.version", "g.version_key")),
                        Map.entry("online", Column.of("d.online")),
                        Map.entry("lastSeenAt", Column.of("d.last_seen_at")),
                        Map.entry("registeredAt", Column.of("d.registered_at")))
                .get(field.name());
    };

    static FilterSql.Sql sql(String filter) {
        return FilterSql.translate(
                FilterParser.parse(filter), ALL, VersionScheme.SEMVER, VersionScheme.SEMVER, n -> "$" + n, 3);
    }

    @Test
    void valuesTravelAsParametersOnly() {
        FilterSql.Sql s = sql("name=='x\\' OR 1=1; --';deviceKey=in=(a,b)");
        assertThat(s.condition()).isEqualTo("(d.name = $3 AND d.device_key = ANY(CAST($4 AS text[])))");
        assertThat(s.params().get(0)).isEqualTo("x' OR 1=1; --");
        assertThat((String[]) s.params().get(1)).containsExactly("a", "b");
    }

    @Test
    void eachTypeHasItsTranslation() {
        assertThat(sql("name==sensor-*").condition()).isEqualTo("d.name LIKE $3 ESCAPE '\\'");
        assertThat(sql("name==a_b%*").params()).containsExactly("a\\_b\\%%");
        assertThat(sql("name!=x").condition()).isEqualTo("d.name IS DISTINCT FROM $3");
        assertThat(sql("gatewayId=out=(g1)").condition())
                .isEqualTo("(d.gateway_id IS NULL OR NOT (d.gateway_id = ANY(CAST($3 AS text[]))))");
        assertThat(sql("online==false").params()).containsExactly(false);
        FilterSql.Sql since = sql("lastSeenAt>=2026-12-01T00:00:00Z");
        assertThat(since.condition()).isEqualTo("d.last_seen_at >= $3");
        assertThat(since.params().get(0)).isEqualTo(OffsetDateTime.parse("2026-12-01T00:00:00Z"));
        FilterSql.Sql below = sql("gatewayVersion<1.10.0");
        assertThat(below.condition()).isEqualTo("g.version_key < $3");
        assertThat((byte[]) below.params().get(0))
                .isEqualTo(SemanticVersion.parse("1.10.0").orElseThrow().sortKey());
        assertThat(sql("version==1.0.0").condition()).isEqualTo("d.version = $3");
    }

    @Test
    void tagEqualityIsAContainmentAnIndexServes() {
        FilterSql.Sql eq = sql("tag.site==\"Berlin \\\"3\\\"\"");
        assertThat(eq.condition()).isEqualTo("d.tags @> CAST(CAST($3 AS text) AS jsonb)");
        assertThat(eq.params()).containsExactly("{\"site\":\"Berlin \\\"3\\\"\"}");
        FilterSql.Sql in = sql("tag.site=in=(a,b)");
        assertThat(in.condition()).isEqualTo("(d.tags ->> $3) = ANY(CAST($4 AS text[]))");
        assertThat(in.params().get(0)).isEqualTo("site");
        assertThat(sql("tag.hold!=*").condition())
                .isEqualTo("((d.tags ->> $3) IS NULL OR (d.tags ->> $3) NOT LIKE $4 ESCAPE '\\')");
    }

    @Test
    void orderingOpaqueVersionsOrNonSemverValuesIsRefused() {
        assertThatThrownBy(() -> FilterSql.translate(
                        FilterParser.parse("online==true;version>1.0.0"),
                        ALL,
                        VersionScheme.OPAQUE,
                        VersionScheme.SEMVER,
                        n -> "$" + n,
                        1))
                .isInstanceOfSatisfying(FilterException.class, e -> {
                    assertThat(e.position()).isEqualTo(13);
                    assertThat(e.expected()).contains("SEMVER");
                });
        assertThatThrownBy(() -> sql("version>=banana"))
                .isInstanceOfSatisfying(
                        FilterException.class, e -> assertThat(e.getMessage()).contains("no SemVer"));
    }

    @Test
    void aFieldTheServiceDoesNotHoldIsAnError() {
        assertThatThrownBy(() -> FilterSql.translate(
                        FilterParser.parse("registeredAt<2026-01-01T00:00:00Z"),
                        f -> f.name().equals("version") ? Column.of("version") : null,
                        VersionScheme.SEMVER,
                        VersionScheme.SEMVER,
                        n -> "$" + n,
                        1))
                .isInstanceOfSatisfying(
                        FilterException.class, e -> assertThat(e.getMessage()).contains("cannot be filtered on here"));
    }
}
