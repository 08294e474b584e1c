package org.otaplatform.contract.codec;

/** One broken rule: the field at fault (a JSON path such as {@code subDevices[2].deviceKey}) and why. */
public record Violation(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
