package org.otaplatform.console.web;

import java.util.regex.Pattern;

/** A loose check of identifiers a page passes on as filters: the services check them for real. */
final class Keys {

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private Keys() {}

    static boolean productKey(String value) {
        return KEY.matcher(value).matches();
    }
}
