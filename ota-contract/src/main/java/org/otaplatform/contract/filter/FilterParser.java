package org.otaplatform.contract.filter;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.otaplatform.contract.filter.Filter.Comparison;
import org.otaplatform.contract.filter.Filter.Operator;

/**
 * Parses the device filter language (REST API, "Fleet targeting"), one pass over the text, in linear time:
 *
 * <pre>
 * filter     = or
 * or         = and *( "," and )
 * and        = primary *( ";" primary )
 * primary    = "(" or ")" / comparison
 * comparison = field operator ( value / "(" value *( "," value ) ")" )
 * operator   = "==" / "!=" / "=in=" / "=out=" / "&lt;" / "&lt;=" / "&gt;" / "&gt;="
 * value      = 1*unreserved / DQUOTE *( char / "\" char ) DQUOTE / "'" *( char / "\" char ) "'"
 * </pre>
 *
 * {@code ;} binds tighter than {@code ,}. Unreserved: any character but whitespace, quotes, {@code ( ) ; , = ! < >}
 * and control characters; spaces around tokens are allowed. {@code =in=}/{@code =out=} take a list, the others
 * one value; {@code *} in a {@code ==}/{@code !=} value of a text, version or tag field is a wildcard. Values
 * are checked against their field's type ({@code online}: true/false; instants: ISO-8601; {@code <}…: versions
 * and instants only). The text, nesting, lists and values are bounded ({@link #MAX_LENGTH} …), so no input is
 * slow or deep enough to exhaust a stack; everything else is a {@link FilterException} naming the position and
 * what was expected.
 */
public final class FilterParser {

    /** Longest filter text accepted. */
    public static final int MAX_LENGTH = 8192;
    /** Deepest nesting of parentheses. */
    public static final int MAX_DEPTH = 16;
    /** Most comparisons in one filter. */
    public static final int MAX_COMPARISONS = 256;
    /** Most values in one {@code =in=}/{@code =out=} list. */
    public static final int MAX_LIST = 1000;
    /** Longest value. */
    public static final int MAX_VALUE = 256;

    private final String text;
    private int pos;
    private int comparisons;

    private FilterParser(String text) {
        this.text = text;
    }

    /** The filter the text says; a {@link FilterException} when it is none. */
    public static Filter parse(String text) {
        if (text == null || text.isBlank()) {
            throw new FilterException(0, "a comparison such as version==1.0.0", "the filter is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new FilterException(
                    MAX_LENGTH, "at most " + MAX_LENGTH + " characters", "the filter is " + text.length() + " long");
        }
        FilterParser p = new FilterParser(text);
        Filter f = p.or(0);
        p.skipSpace();
        if (p.pos < text.length()) {
            char c = text.charAt(p.pos);
            throw new FilterException(
                    p.pos,
                    c == ')' ? "no ')' without its '('" : "';', ',' or the end of the filter",
                    "unexpected " + describe(c));
        }
        return f;
    }

    private Filter or(int depth) {
        List<Filter> parts = new ArrayList<>();
        parts.add(and(depth));
        while (peek(',')) {
            pos++;
            parts.add(and(depth));
        }
        return parts.size() == 1 ? parts.get(0) : new Filter.Or(parts);
    }

    private Filter and(int depth) {
        List<Filter> parts = new ArrayList<>();
        parts.add(primary(depth));
        while (peek(';')) {
            pos++;
            parts.add(primary(depth));
        }
        return parts.size() == 1 ? parts.get(0) : new Filter.And(parts);
    }

    private Filter primary(int depth) {
        if (peek('(')) {
            if (depth >= MAX_DEPTH) {
                throw new FilterException(pos, "at most " + MAX_DEPTH + " nested parentheses", "nested too deep");
            }
            pos++;
            Filter inner = or(depth + 1);
            if (!peek(')')) {
                throw new FilterException(pos, "')'", atEnd() ? "the filter ends inside '('" : unexpected());
            }
            pos++;
            return inner;
        }
        return comparison();
    }

    private Comparison comparison() {
        skipSpace();
        int start = pos;
        String name = fieldName();
        if (name.isEmpty()) {
            throw new FilterException(
                    pos,
                    "a field (" + FilterField.known() + ") or '('",
                    atEnd() ? "the filter ends here" : unexpected());
        }
        Optional<FilterField> field = FilterField.named(name);
        if (field.isEmpty()) {
            throw new FilterException(
                    start,
                    "a field: " + FilterField.known(),
                    name.startsWith("tag.")
                            ? "'" + name + "' is no tag key ([a-z0-9_.-]{1,32})"
                            : "unknown field '" + name + "'");
        }
        if (++comparisons > MAX_COMPARISONS) {
            throw new FilterException(start, "at most " + MAX_COMPARISONS + " comparisons", "too many comparisons");
        }
        int opAt = skipSpace();
        Operator op = operator();
        List<String> values = new ArrayList<>();
        skipSpace();
        if (op.takesList()) {
            if (!peek('(')) {
                throw new FilterException(pos, "'(' and a list of values", op.text() + " takes a list: (a,b)");
            }
            pos++;
            values.add(value());
            while (peek(',')) {
                pos++;
                if (values.size() >= MAX_LIST) {
                    throw new FilterException(pos, "at most " + MAX_LIST + " values", "the list is too long");
                }
                values.add(value());
            }
            if (!peek(')')) {
                throw new FilterException(pos, "',' or ')'", atEnd() ? "the list is not closed" : unexpected());
            }
            pos++;
        } else {
            values.add(value());
        }
        Comparison c = new Comparison(field.get(), op, values, start);
        check(c, opAt);
        return c;
    }

    /** The operator and values make sense for the field's type. */
    private void check(Comparison c, int opAt) {
        FilterField.Type type = c.field().type();
        if (c.operator().orders() && type != FilterField.Type.VERSION && type != FilterField.Type.INSTANT) {
            throw new FilterException(
                    opAt,
                    "==, !=, =in= or =out=",
                    c.field().name() + " is not ordered: " + c.operator().text() + " compares versions and instants");
        }
        for (String v : c.values()) {
            switch (type) {
                case BOOLEAN -> {
                    if (!v.equals("true") && !v.equals("false")) {
                        throw new FilterException(
                                opAt + c.operator().text().length(),
                                "true or false",
                                c.field().name() + " is true or false, not '" + v + "'");
                    }
                }
                case INSTANT -> {
                    try {
                        Instant.parse(v);
                    } catch (DateTimeParseException e) {
                        throw new FilterException(
                                opAt + c.operator().text().length(),
                                "an ISO-8601 instant such as 2026-12-01T00:00:00Z",
                                "'" + v + "' is no instant");
                    }
                }
                default -> {
                    if (c.operator().orders() && v.indexOf('*') >= 0) {
                        throw new FilterException(
                                opAt + c.operator().text().length(),
                                "a version",
                                "no wildcard with " + c.operator().text());
                    }
                }
            }
        }
    }

    private String fieldName() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (pos > start && ((c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'));
            if (!ok) {
                break;
            }
            pos++;
        }
        return text.substring(start, pos);
    }

    private Operator operator() {
        String expected = "a comparison operator: ==, !=, =in=, =out=, <, <=, >, >=";
        if (text.startsWith("==", pos)) {
            pos += 2;
            return Operator.EQ;
        }
        if (text.startsWith("!=", pos)) {
            pos += 2;
            return Operator.NE;
        }
        if (text.startsWith("=in=", pos)) {
            pos += 4;
            return Operator.IN;
        }
        if (text.startsWith("=out=", pos)) {
            pos += 5;
            return Operator.OUT;
        }
        if (text.startsWith("<=", pos)) {
            pos += 2;
            return Operator.LE;
        }
        if (text.startsWith(">=", pos)) {
            pos += 2;
            return Operator.GE;
        }
        if (peekRaw('<')) {
            pos++;
            return Operator.LT;
        }
        if (peekRaw('>')) {
            pos++;
            return Operator.GT;
        }
        throw new FilterException(pos, expected, atEnd() ? "the filter ends after a field" : unexpected());
    }

    private String value() {
        skipSpace();
        int start = pos;
        if (atEnd()) {
            throw new FilterException(pos, "a value", "the filter ends where a value belongs");
        }
        char first = text.charAt(pos);
        StringBuilder out = new StringBuilder();
        if (first == '"' || first == '\'') {
            pos++;
            while (true) {
                if (atEnd()) {
                    throw new FilterException(start, "a closing " + first, "the quoted value is not closed");
                }
                char c = text.charAt(pos);
                if (c == first) {
                    pos++;
                    break;
                }
                if (c == '\\') {
                    pos++;
                    if (atEnd()) {
                        throw new FilterException(pos, "a character after '\\'", "the filter ends in an escape");
                    }
                    c = text.charAt(pos);
                }
                control(c);
                out.append(c);
                pos++;
                if (out.length() > MAX_VALUE) {
                    throw new FilterException(start, "at most " + MAX_VALUE + " characters", "the value is too long");
                }
            }
            if (out.isEmpty()) {
                throw new FilterException(start, "a value", "the value is empty");
            }
        } else {
            while (pos < text.length() && unreserved(text.charAt(pos))) {
                out.append(text.charAt(pos++));
                if (out.length() > MAX_VALUE) {
                    throw new FilterException(start, "at most " + MAX_VALUE + " characters", "the value is too long");
                }
            }
            if (out.isEmpty()) {
                throw new FilterException(pos, "a value (quote it when it holds reserved characters)", unexpected());
            }
        }
        return out.toString();
    }

    private void control(char c) {
        if (c < 0x20 || c == 0x7f) {
            throw new FilterException(pos, "a printable character", "a control character in a value");
        }
    }

    private static boolean unreserved(char c) {
        return c > 0x20
                && c != 0x7f
                && !Character.isWhitespace(c)
                && !Character.isSpaceChar(c)
                && "\"'();,=!<>".indexOf(c) < 0;
    }

    private boolean peek(char c) {
        skipSpace();
        return peekRaw(c);
    }

    private boolean peekRaw(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private int skipSpace() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
        return pos;
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private String unexpected() {
        return "unexpected " + describe(text.charAt(pos));
    }

    private static String describe(char c) {
        return c < 0x20 || c == 0x7f || Character.isWhitespace(c)
                ? String.format("character U+%04X", (int) c)
                : "'" + c + "'";
    }
}
