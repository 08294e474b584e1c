package org.otaplatform.contract.filter;

/**
 * A filter that is not one: where (0-based {@code position} in the text) and what was expected there. REST
 * answers it with a 422 naming the {@code filter} field, the position and the expectation.
 */
public final class FilterException extends RuntimeException {

    private final int position;
    private final String expected;

    public FilterException(int position, String expected, String message) {
        super(message);
        this.position = position;
        this.expected = expected;
    }

    public int position() {
        return position;
    }

    /** What would have been valid at {@link #position()}, e.g. {@code "a comparison operator"}. */
    public String expected() {
        return expected;
    }

    /** The message with its position, as an API error shows it. */
    public String describe() {
        return "at position " + position + ": " + getMessage() + " (expected " + expected + ")";
    }
}
