package org.otaplatform.devicegateway.registry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.otaplatform.common.error.ApiException;
import org.otaplatform.common.error.ErrorCode;
import org.otaplatform.common.error.FieldError;

/**
 * The rows of a bulk import, read once from the request body as it arrives (never the whole body in
 * memory) into columns, and checked: a deviceKey is required and follows its product's rule, a name is
 * optional and 1–100 printable characters, a hardware revision and tags optional under the rules of {@link
 * DeviceAttributes}, and no deviceKey appears twice. Every bad row is named: {@code [i].deviceKey} for a JSON
 * array (i from 0), {@code line n} for CSV (n from 1, the header included).
 *
 * <p>JSON: an array of {@code {deviceKey, name?, hardwareRevision?, tags?: {k: v}}} (other fields are
 * ignored). CSV ({@code text/csv}, UTF-8 unless the request's {@code charset} says otherwise): {@code
 * deviceKey[,name]} per line, optionally after a header line naming its columns in any order: {@code
 * deviceKey}, {@code name}, {@code hardwareRevision} and {@code tag.<key>} (an empty cell: no such tag);
 * fields may be quoted as in RFC 4180; empty lines are skipped.
 */
public final class ImportRows {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final int max;
    private final Predicate<String> keyRule;
    private final String keyRuleText;
    private String[] keys = new String[1024];
    private String[] names = new String[1024];
    private String[] revisions = new String[1024];
    /** Each row's tags as jsonb text; null: none. */
    private String[] tags = new String[1024];

    private int size;
    /** Where each deviceKey appeared first, to name both rows of a duplicate. */
    private final Map<String, String> firstRow = new HashMap<>();

    private final List<FieldError> errors = new ArrayList<>();

    private ImportRows(int max, Predicate<String> keyRule, String keyRuleText) {
        this.max = max;
        this.keyRule = keyRule;
        this.keyRuleText = keyRuleText;
    }

    public int size() {
        return size;
    }

    public String key(int row) {
        return keys[row];
    }

    public String name(int row) {
        return names[row];
    }

    /** Where a deviceKey of the import is ({@code [i]} or {@code line n}), to name its row in an answer. */
    public String where(String deviceKey) {
        return firstRow.getOrDefault(deviceKey, "?");
    }

    public String[] keys() {
        return Arrays.copyOf(keys, size);
    }

    public String[] names() {
        return Arrays.copyOf(names, size);
    }

    /** Each row's hardware revision (null: none given). */
    public String[] revisions() {
        return Arrays.copyOf(revisions, size);
    }

    /** Each row's tags as jsonb text (null: none given). */
    public String[] tags() {
        return Arrays.copyOf(tags, size);
    }

    /** Reads a JSON array of rows; a body that is not one is answered 400, bad rows 422 (see {@link #check}). */
    public static ImportRows json(InputStream body, int max, Predicate<String> keyRule, String keyRuleText)
            throws IOException {
        ImportRows rows = new ImportRows(max, keyRule, keyRuleText);
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw malformed("the body must be a JSON array of {deviceKey, name?}");
            }
            for (int index = 0; ; index++) {
                JsonToken token = parser.nextToken();
                if (token == JsonToken.END_ARRAY) {
                    break;
                }
                if (token == null) {
                    throw malformed("the JSON array ends early");
                }
                rows.ensureRoom();
                String where = "[" + index + "]";
                if (token != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    rows.errors.add(new FieldError(where, "must be an object {deviceKey, name?}"));
                    rows.skip();
                    continue;
                }
                String key = null;
                String name = null;
                String revision = null;
                Map<String, String> rowTags = new java.util.TreeMap<>();
                boolean badKey = false;
                boolean badName = false;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if ("deviceKey".equals(field)) {
                        badKey = value != JsonToken.VALUE_STRING;
                        key = badKey ? null : parser.getText();
                    } else if ("name".equals(field)) {
                        badName = value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL;
                        name = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    } else if ("hardwareRevision".equals(field)) {
                        if (value == JsonToken.VALUE_STRING) {
                            revision = parser.getText();
                        } else if (value != JsonToken.VALUE_NULL) {
                            rows.errors.add(new FieldError(where + ".hardwareRevision", "must be a string"));
                        }
                    } else if ("tags".equals(field)) {
                        readTags(parser, value, where + ".tags", rowTags, rows.errors);
                    }
                    parser.skipChildren();
                }
                if (badKey) {
                    rows.errors.add(new FieldError(where + ".deviceKey", "must be a string"));
                    rows.skip();
                    continue;
                }
                if (badName) {
                    rows.errors.add(new FieldError(where + ".name", "must be a string"));
                }
                rows.add(where, where + ".deviceKey", where + ".name", key, name);
                rows.attributes(where + ".hardwareRevision", where + ".tags", revision, rowTags);
            }
            if (parser.nextToken() != null) {
                throw malformed("the body must hold one JSON array and nothing after it");
            }
        } catch (com.fasterxml.jackson.core.JsonParseException e) {
            throw malformed(
                    "the body is not valid JSON near line " + e.getLocation().getLineNr());
        }
        return rows;
    }

    /** Reads CSV rows in {@code charset}; bad rows are answered 422 (see {@link #check}). */
    public static ImportRows csv(
            InputStream body, java.nio.charset.Charset charset, int max, Predicate<String> keyRule, String keyRuleText)
            throws IOException {
        ImportRows rows = new ImportRows(max, keyRule, keyRuleText);
        BufferedReader reader = new BufferedReader(new InputStreamReader(
                body,
                charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)));
        int keyColumn = 0;
        int nameColumn = 1;
        int revisionColumn = -1;
        int columns = 2;
        // tag key by column; null where the column is not a tag
        String[] tagColumns = new String[0];
        int lineNumber = 0;
        boolean first = true;
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (first && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                String where = "line " + lineNumber;
                List<String> fields = fields(line);
                if (fields == null) {
                    rows.ensureRoom();
                    rows.errors.add(new FieldError(where, "has a quoted field that does not end"));
                    rows.skip();
                    first = false;
                    continue;
                }
                if (first) {
                    first = false;
                    List<String> lower = fields.stream()
                            .map(f -> f.trim().toLowerCase(Locale.ROOT))
                            .toList();
                    if (lower.contains("devicekey")) {
                        keyColumn = lower.indexOf("devicekey");
                        nameColumn = lower.indexOf("name");
                        revisionColumn = lower.indexOf("hardwarerevision");
                        columns = fields.size();
                        tagColumns = new String[columns];
                        java.util.Set<String> seen = new java.util.HashSet<>();
                        for (int c = 0; c < columns; c++) {
                            String column = lower.get(c);
                            String original = fields.get(c).trim();
                            if (!seen.add(column)) {
                                throw ApiException.invalid(where, "names column '" + original + "' twice");
                            }
                            if (column.startsWith("tag.")) {
                                String tagKey = original.substring(4);
                                if (!org.otaplatform.contract.filter.FilterField.TAG_KEY
                                        .matcher(tagKey)
                                        .matches()) {
                                    throw ApiException.invalid(
                                            where,
                                            "names column '" + original
                                                    + "': a tag key is 1–32 characters of a-z 0-9 . _ -");
                                }
                                tagColumns[c] = tagKey;
                            } else if (!column.equals("devicekey")
                                    && !column.equals("name")
                                    && !column.equals("hardwarerevision")) {
                                throw ApiException.invalid(
                                        where,
                                        "names an unknown column '" + original
                                                + "': the columns are deviceKey, name, hardwareRevision and"
                                                + " tag.<key>");
                            }
                        }
                        if (tagColumns.length > 0
                                && Arrays.stream(tagColumns)
                                                .filter(java.util.Objects::nonNull)
                                                .count()
                                        > DeviceAttributes.MAX_TAGS) {
                            throw ApiException.invalid(
                                    where,
                                    "names more than " + DeviceAttributes.MAX_TAGS
                                            + " tag columns: a device has at most that many tags");
                        }
                        continue;
                    }
                }
                rows.ensureRoom();
                if (fields.size() > columns) {
                    rows.errors.add(
                            new FieldError(where, "has " + fields.size() + " fields; expected at most " + columns));
                    rows.skip();
                    continue;
                }
                String key = keyColumn < fields.size() ? fields.get(keyColumn) : "";
                String name = nameColumn >= 0 && nameColumn < fields.size() ? fields.get(nameColumn) : "";
                rows.add(
                        where,
                        where + ".deviceKey",
                        where + ".name",
                        key.isEmpty() ? null : key,
                        name.isEmpty() ? null : name);
                String revision =
                        revisionColumn >= 0 && revisionColumn < fields.size() ? fields.get(revisionColumn) : "";
                Map<String, String> rowTags = new java.util.TreeMap<>();
                for (int c = 0; c < tagColumns.length && c < fields.size(); c++) {
                    if (tagColumns[c] != null && !fields.get(c).isEmpty()) {
                        rowTags.put(tagColumns[c], fields.get(c));
                    }
                }
                rows.attributes(
                        where + ".hardwareRevision", where + ".tag.", revision.isEmpty() ? null : revision, rowTags);
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw malformed("the CSV body is not valid " + charset.name() + " (after line " + lineNumber + ")");
        }
        return rows;
    }

    /** Answers 422 naming every bad row, when any. */
    public ImportRows check() {
        if (size == 0 && errors.isEmpty()) {
            throw ApiException.invalid("rows", "the import has no rows");
        }
        if (!errors.isEmpty()) {
            throw new ApiException(
                    ErrorCode.VALIDATION_FAILED,
                    errors.size() == 1
                            ? errors.get(0).field() + " " + errors.get(0).message()
                            : errors.size() + " rows are invalid; nothing was registered",
                    errors);
        }
        return this;
    }

    private void add(String row, String keyField, String nameField, String key, String name) {
        boolean ok = true;
        if (key == null) {
            errors.add(new FieldError(keyField, "is required"));
            ok = false;
        } else if (!keyRule.test(key)) {
            errors.add(new FieldError(keyField, "'" + shown(key) + "' " + keyRuleText));
            ok = false;
        }
        if (name != null && !RegistryRules.validName(name)) {
            errors.add(new FieldError(nameField, "must be 1–100 printable characters"));
            ok = false;
        }
        if (key != null && ok) {
            String earlier = firstRow.putIfAbsent(key, row);
            if (earlier != null) {
                errors.add(new FieldError(keyField, "'" + key + "' appears twice: also at " + earlier));
                ok = false;
            }
        }
        keys[size] = ok ? key : null;
        names[size] = ok ? name : null;
        size++;
    }

    /**
     * The last row's revision and tags, checked ({@code tagField} prefixes each bad tag's key: {@code [i].tags}
     * names a tag {@code [i].tags.k}, CSV's {@code line n.tag.} names it {@code line n.tag.k}).
     */
    private void attributes(String revisionField, String tagField, String revision, Map<String, String> rowTags) {
        int row = size - 1;
        if (revision != null && !DeviceAttributes.REVISION.matcher(revision).matches()) {
            errors.add(new FieldError(revisionField, "must be 1–32 characters of A-Z a-z 0-9 . _ -"));
            revision = null;
        }
        int before = errors.size();
        DeviceAttributes.checkTags(rowTags, tagField.endsWith(".") ? tagField : tagField + ".", errors);
        if (rowTags.size() > DeviceAttributes.MAX_TAGS) {
            errors.add(new FieldError(
                    tagField.endsWith(".") ? tagField.substring(0, tagField.length() - 1) : tagField,
                    "a device has at most " + DeviceAttributes.MAX_TAGS + " tags, this row has " + rowTags.size()));
        }
        boolean ok = keys[row] != null && errors.size() == before;
        revisions[row] = ok ? revision : null;
        tags[row] = ok && !rowTags.isEmpty() ? DeviceAttributes.json(rowTags) : null;
    }

    /** A row's {@code tags}: an object of strings (null: none); faults named {@code field.key}. */
    private static void readTags(
            JsonParser parser, JsonToken value, String field, Map<String, String> into, List<FieldError> errors)
            throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return;
        }
        if (value != JsonToken.START_OBJECT) {
            errors.add(new FieldError(field, "must be an object of tag keys to values"));
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String tagKey = parser.currentName();
            JsonToken tagValue = parser.nextToken();
            if (tagValue == JsonToken.VALUE_STRING) {
                into.put(tagKey, parser.getText());
            } else {
                errors.add(new FieldError(field + "." + tagKey, "must be a string"));
                parser.skipChildren();
            }
        }
    }

    private void skip() {
        keys[size] = null;
        names[size] = null;
        revisions[size] = null;
        tags[size] = null;
        size++;
    }

    /** Room for one more row; past the most rows an import may have, the import is refused as a whole. */
    private void ensureRoom() {
        if (size >= max) {
            throw ApiException.invalid(
                    "rows", "an import may register at most " + max + " devices; split it into several imports");
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, keys.length * 2);
            names = Arrays.copyOf(names, names.length * 2);
            revisions = Arrays.copyOf(revisions, revisions.length * 2);
            tags = Arrays.copyOf(tags, tags.length * 2);
        }
    }

    /** The fields of one CSV line (RFC 4180 quoting); null when a quoted field does not end. */
    static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (true) {
            field.setLength(0);
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < line.length()) {
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < line.length() && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            closed = true;
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                if (!closed) {
                    return null;
                }
                while (i < line.length() && line.charAt(i) != ',') {
                    i++; // text after a closing quote is ignored
                }
            } else {
                while (i < line.length() && line.charAt(i) != ',') {
                    field.append(line.charAt(i++));
                }
            }
            fields.add(field.toString().strip());
            if (i >= line.length()) {
                return fields;
            }
            i++; // the comma
        }
    }

    private static ApiException malformed(String detail) {
        return new ApiException(ErrorCode.MALFORMED_REQUEST, detail);
    }

    /** A value fit to quote in a message: printable and short. */
    private static String shown(String value) {
        String printable = value.replaceAll("[\\p{Cntrl}\\p{Cf}]", "?");
        return printable.length() <= 80 ? printable : printable.substring(0, 77) + "...";
    }
}
