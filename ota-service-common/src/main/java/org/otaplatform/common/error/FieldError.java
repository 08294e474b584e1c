package org.otaplatform.common.error;

/** One invalid field of a request: where (a JSON path or parameter name) and why. */
public record FieldError(String field, String message) {}
