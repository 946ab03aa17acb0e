package com.remoterendering;

import java.util.List;

/**
 * The size of a session's rendering server. Values the service adds later are kept ({@link #isKnown()}
 * is false); {@link #fromString} reads any case.
 */
public final class SessionSize extends WireValue {
    /** The standard server. */
    public static final SessionSize STANDARD = new SessionSize("Standard");
    /** The larger server, for models with many polygons. */
    public static final SessionSize PREMIUM = new SessionSize("Premium");
    private static final List<SessionSize> KNOWN = List.of(STANDARD, PREMIUM);

    private SessionSize(String value) {
        super(value);
    }

    /** The value with this text: a constant when known (in any case), else an unknown value. */
    public static SessionSize fromString(String text) {
        return parse(text, KNOWN, SessionSize::new);
    }

    /** The values this version knows, in the service's order. */
    public static List<SessionSize> values() {
        return KNOWN;
    }

    @Override
    public boolean isKnown() {
        return KNOWN.contains(this);
    }
}
