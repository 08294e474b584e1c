package org.otaplatform.devicegateway.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.otaplatform.common.error.FieldError;
import org.otaplatform.contract.Identifiers;
import org.otaplatform.contract.filter.Filter;
import org.otaplatform.contract.filter.FilterException;
import org.otaplatform.contract.filter.FilterField;
import org.otaplatform.contract.filter.FilterParser;

/**
 * The body of {@code POST /api/v1/products/{productKey}/devices:tag}: {@code filter} (the filter language) or
 * {@code devices} (up to {@value #MAX_DEVICES} keys), exactly one; {@code set} tags to merge in and/or {@code
 * remove} keys to take out, at least one.
 */
final class DeviceTagging {

    static final int MAX_DEVICES = 100_000;

    private DeviceTagging() {}

    /** The devices to tag (as a filter) and the change. */
    record Request(Filter selection, Map<String, String> set, List<String> remove) {}

    static Request read(JsonNode body, List<FieldError> errors) {
        if (body == null || !body.isObject()) {
            errors.add(new FieldError("body", "must be a JSON object: {filter | devices, set, remove}"));
            return null;
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!Set.of("filter", "devices", "set", "remove").contains(field)) {
                errors.add(new FieldError(field, "is not a field of devices:tag (filter, devices, set, remove)"));
            }
        }
        Filter selection = null;
        JsonNode filter = body.get("filter");
        JsonNode devices = body.get("devices");
        if ((filter == null || filter.isNull()) == (devices == null || devices.isNull())) {
            errors.add(new FieldError("filter", "give exactly one of filter and devices"));
        } else if (filter != null && !filter.isNull()) {
            if (!filter.isTextual()) {
                errors.add(new FieldError("filter", "must be a string in the filter language"));
            } else {
                try {
                    selection = FilterParser.parse(filter.asText());
                } catch (FilterException e) {
                    errors.add(new FieldError("filter", e.describe()));
                }
            }
        } else if (!devices.isArray() || devices.isEmpty() || devices.size() > MAX_DEVICES) {
            errors.add(new FieldError("devices", "must be a list of 1–" + MAX_DEVICES + " device keys"));
        } else {
            Set<String> keys = new LinkedHashSet<>();
            for (int i = 0; i < devices.size(); i++) {
                JsonNode k = devices.get(i);
                if (!k.isTextual() || !Identifiers.isDeviceKey(k.asText())) {
                    errors.add(new FieldError("devices[" + i + "]", "is not a device key"));
                    break;
                }
                keys.add(k.asText());
            }
            selection = new Filter.Comparison(
                    FilterField.named("deviceKey").orElseThrow(), Filter.Operator.IN, List.copyOf(keys), 0);
        }
        Map<String, String> set = new TreeMap<>();
        JsonNode s = body.get("set");
        if (s != null && !s.isNull()) {
            if (!s.isObject()) {
                errors.add(new FieldError("set", "must be an object of tag keys to values"));
            } else {
                s.fields().forEachRemaining(e -> {
                    if (!e.getValue().isTextual()) {
                        errors.add(new FieldError("set." + e.getKey(), "must be a string"));
                    } else {
                        set.put(e.getKey(), e.getValue().asText());
                    }
                });
                DeviceAttributes.checkTags(set, "set.", errors);
                if (set.size() > DeviceAttributes.MAX_TAGS) {
                    errors.add(new FieldError("set", "at most " + DeviceAttributes.MAX_TAGS + " tags"));
                }
            }
        }
        List<String> remove = new ArrayList<>();
        JsonNode r = body.get("remove");
        if (r != null && !r.isNull()) {
            if (!r.isArray() || r.size() > DeviceAttributes.MAX_TAGS) {
                errors.add(new FieldError(
                        "remove", "must be a list of at most " + DeviceAttributes.MAX_TAGS + " tag keys"));
            } else {
                for (JsonNode k : r) {
                    if (!k.isTextual()
                            || !FilterField.TAG_KEY.matcher(k.asText()).matches()) {
                        errors.add(new FieldError("remove", "holds something that is not a tag key"));
                        break;
                    }
                    remove.add(k.asText());
                }
            }
        }
        if (set.isEmpty() && remove.isEmpty()) {
            errors.add(new FieldError("set", "give tags to set or keys to remove"));
        }
        return new Request(selection, set, remove);
    }
}
