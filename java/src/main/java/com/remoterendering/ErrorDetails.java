package com.remoterendering;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An error as the service reports it (inside an exception, a failed session or conversion).
 *
 * @param code the service's code, e.g. {@code InvalidArgument}
 * @param message the service's message
 * @param details the errors this one is made of (empty when none)
 * @param target what the error is about, or {@code null}
 */
public record ErrorDetails(String code, String message, List<ErrorDetails> details, String target) {
    /** An error; {@code details} copied, {@code null} read as none. */
    public ErrorDetails {
        details = details == null ? List.of() : List.copyOf(details);
    }

    static ErrorDetails fromJson(Object v) {
        Map<String, Object> m = Json.map(v);
        List<ErrorDetails> inner = new ArrayList<>();
        Object d = m.get("details");
        if (d instanceof List<?>) {
            for (Object o : (List<?>) d) {
                inner.add(fromJson(o));
            }
        }
        return new ErrorDetails(Json.str(m, "code"), Json.str(m, "message"), inner, Json.str(m, "target"));
    }
}
