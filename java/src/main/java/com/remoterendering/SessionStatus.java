package com.remoterendering;

import java.util.List;

/**
 * The status of a session. Values the service adds later are kept ({@link #isKnown()}
 * is false); {@link #fromString} reads any case.
 */
public final class SessionStatus extends WireValue {
    /** Startup failed; terminal. */
    public static final SessionStatus ERROR = new SessionStatus("Error");
    /** The lease ran out; terminal. */
    public static final SessionStatus EXPIRED = new SessionStatus("Expired");
    /** Being provisioned. */
    public static final SessionStatus STARTING = new SessionStatus("Starting");
    /** Accepting connections; the lease counts from here. */
    public static final SessionStatus READY = new SessionStatus("Ready");
    /** Stopped by a client; terminal. */
    public static final SessionStatus STOPPED = new SessionStatus("Stopped");
    private static final List<SessionStatus> KNOWN = List.of(ERROR, EXPIRED, STARTING, READY, STOPPED);

    private SessionStatus(String value) {
        super(value);
    }

    /** The value with this text: a constant when known (in any case), else an unknown value. */
    public static SessionStatus fromString(String text) {
        return parse(text, KNOWN, SessionStatus::new);
    }

    /** The values this version knows, in the service's order. */
    public static List<SessionStatus> values() {
        return KNOWN;
    }

    @Override
    public boolean isKnown() {
        return KNOWN.contains(this);
    }

    /** Whether the session has ended for good ({@code Error}, {@code Expired} or {@code Stopped}). */
    public boolean isTerminal() {
        return equals(ERROR) || equals(EXPIRED) || equals(STOPPED);
    }
}
