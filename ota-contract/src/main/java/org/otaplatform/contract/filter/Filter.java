package org.otaplatform.contract.filter;

import java.util.List;

/**
 * A parsed device filter (REST API, "Fleet targeting": FIQL/RSQL style), as {@link FilterParser} makes it from
 * text; {@link FilterSql} turns it into a parameterised SQL condition. Values are kept as written (unquoted);
 * the field's type decides what they mean.
 */
public sealed interface Filter {

    /** Every part holds ({@code ;}). */
    record And(List<Filter> parts) implements Filter {
        public And {
            parts = List.copyOf(parts);
        }
    }

    /** Some part holds ({@code ,}). */
    record Or(List<Filter> parts) implements Filter {
        public Or {
            parts = List.copyOf(parts);
        }
    }

    /**
     * {@code field op value} or {@code field op (v1,v2,…)}; {@code position}: where the comparison starts in the
     * text (0-based), for errors found after parsing.
     */
    record Comparison(FilterField field, Operator operator, List<String> values, int position) implements Filter {
        public Comparison {
            values = List.copyOf(values);
        }

        /** The single value of a comparison that is not {@code =in=}/{@code =out=}. */
        public String value() {
            return values.get(0);
        }
    }

    /** The comparison operators, as written. */
    enum Operator {
        EQ("=="),
        NE("!="),
        IN("=in="),
        OUT("=out="),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">=");

        private final String text;

        Operator(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        /** Whether it takes a parenthesised list of values. */
        public boolean takesList() {
            return this == IN || this == OUT;
        }

        /** Whether it orders values ({@code <}, {@code <=}, {@code >}, {@code >=}). */
        public boolean orders() {
            return this == LT || this == LE || this == GT || this == GE;
        }
    }
}
