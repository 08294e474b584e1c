package org.otaplatform.testkit;

/** Environment variables, then system properties of the same name, then a default. */
final class Env {

    private Env() {}

    static String get(String name, String fallback) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            value = System.getProperty(name);
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    static String get(String name) {
        return get(name, null);
    }
}
