package org.otaplatform.contract.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.otaplatform.contract.filter.Filter.Comparison;
import org.otaplatform.contract.filter.Filter.Operator;

class FilterParserTest {

    private static Comparison single(String text) {
        return (Comparison) FilterParser.parse(text);
    }

    @Test
    void readsEveryOperatorOfTheSpec() {
        assertThat(single("version==1.2.0").operator()).isEqualTo(Operator.EQ);
        assertThat(single("version!=1.2.0").operator()).isEqualTo(Operator.NE);
        assertThat(single("version<1.2.0").operator()).isEqualTo(Operator.LT);
        assertThat(single("version<=1.2.0").operator()).isEqualTo(Operator.LE);
        assertThat(single("version>1.2.0").operator()).isEqualTo(Operator.GT);
        assertThat(single("version>=1.2.0").operator()).isEqualTo(Operator.GE);
        Comparison in = single("hardwareRevision=in=(A1,B2 , \"C 3\")");
        assertThat(in.operator()).isEqualTo(Operator.IN);
        assertThat(in.values()).containsExactly("A1", "B2", "C 3");
        assertThat(single("gatewayId=out=(gw-1)").values()).containsExactly("gw-1");
        assertThat(single("lastSeenAt<2026-12-01T00:00:00Z").value()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(single("online==true").field().type()).isEqualTo(FilterField.Type.BOOLEAN);
        Comparison tag = single("tag.site==berlin-3");
        assertThat(tag.field().tagKey()).isEqualTo("site");
        assertThat(tag.field().type()).isEqualTo(FilterField.Type.TAG);
    }

    @Test
    void andBindsTighterThanOrAndParenthesesGroup() {
        Filter f = FilterParser.parse("version==1.0.0;online==true,tag.hold==yes");
        assertThat(f).isInstanceOf(Filter.Or.class);
        List<Filter> or = ((Filter.Or) f).parts();
        assertThat(or.get(0)).isInstanceOf(Filter.And.class);
        assertThat(or.get(1)).isInstanceOf(Comparison.class);

        Filter g = FilterParser.parse("version==1.0.0;(online==true,tag.hold==yes)");
        assertThat(g).isInstanceOf(Filter.And.class);
        assertThat(((Filter.And) g).parts().get(1)).isInstanceOf(Filter.Or.class);
    }

    @Test
    void quotedValuesKeepReservedCharactersAndEscapes() {
        assertThat(single("name==\"a;b,c (d)\"").value()).isEqualTo("a;b,c (d)");
        assertThat(single("name=='it\\'s'").value()).isEqualTo("it's");
        assertThat(single("name==\"back\\\\slash\"").value()).isEqualTo("back\\slash");
        assertThat(single("name==Grüße-東京").value()).isEqualTo("Grüße-東京");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "``|0|a comparison",
                "colour==red|0|a field",
                "version|7|a comparison operator",
                "version=~1|7|a comparison operator",
                "version==|9|a value",
                "version==1;|11|a field",
                "(version==1|11|')'",
                "version==1)|10|no ')' without its '('",
                "version=in=1|11|'(' and a list",
                "version=in=(1,2|15|',' or ')'",
                "online==yes|8|true or false",
                "name<b|4|==, !=, =in= or =out=",
                "lastSeenAt>yesterday|11|an ISO-8601 instant",
                "name==\"open|6|a closing",
                "tag.Site==x|0|a field",
                "version==1 version==2|11|';', ','",
            })
    void namesThePositionAndWhatWasExpected(String text, int position, String expected) {
        assertThatThrownBy(() -> FilterParser.parse(text)).isInstanceOfSatisfying(FilterException.class, e -> {
            assertThat(e.position()).as(e.describe()).isEqualTo(position);
            assertThat(e.expected()).as(e.describe()).contains(expected);
        });
    }

    @Test
    void boundsNestingListsAndLength() {
        assertThatThrownBy(() -> FilterParser.parse("(".repeat(17) + "online==true" + ")".repeat(17)))
                .isInstanceOfSatisfying(
                        FilterException.class, e -> assertThat(e.getMessage()).contains("nested too deep"));
        assertThat(FilterParser.parse("(".repeat(16) + "online==true" + ")".repeat(16)))
                .isInstanceOf(Comparison.class);
        StringBuilder list = new StringBuilder("deviceKey=in=(");
        for (int i = 0; i < 1001; i++) {
            list.append(i == 0 ? "" : ",").append("d").append(i);
        }
        assertThatThrownBy(() -> FilterParser.parse(list + ")"))
                .isInstanceOfSatisfying(
                        FilterException.class, e -> assertThat(e.getMessage()).contains("too long"));
        assertThatThrownBy(() -> FilterParser.parse("name==" + "x".repeat(9000)))
                .isInstanceOfSatisfying(
                        FilterException.class, e -> assertThat(e.position()).isEqualTo(8192));
        assertThatThrownBy(() -> FilterParser.parse("name==x\u0000y")).isInstanceOf(FilterException.class);
    }
}
