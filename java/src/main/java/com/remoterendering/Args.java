package com.remoterendering;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The arguments of a native call (JSON, the table's camelCase names); Java-side checks. */
final class Args {
    private Args() {
    }

    static Map<String, Object> of(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** A duration as milliseconds; negative ones are refused, naming the field. */
    static Long millis(String field, Duration d) {
        if (d == null) {
            return null;
        }
        if (d.isNegative()) {
            throw Errors.invalid(field, "must not be negative, got " + d);
        }
        try {
            return d.toMillis();
        } catch (ArithmeticException e) {
            throw Errors.invalid(field, "is too long: " + d);
        }
    }

    static String required(String field, String value) {
        if (value == null) {
            throw Errors.invalid(field, "is required");
        }
        return value;
    }
}
