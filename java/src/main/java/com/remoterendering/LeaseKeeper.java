package com.remoterendering;

import java.util.Map;
import java.util.Optional;

/**
 * Keeps a session's lease alive in the background: extends it in fixed steps up to a cap (and a
 * budget). {@link #close()} stops the keeper and, unless {@code stopOnClose(false)}, the session;
 * {@link #detach()} stops the keeper only.
 */
public final class LeaseKeeper implements AutoCloseable {
    private final String sessionId;
    private final Handle handle;

    LeaseKeeper(String sessionId, long ptr) {
        this.sessionId = sessionId;
        this.handle = new Handle(this, ptr, Native::keeperFree, "lease keeper");
    }

    /** The id of the session it keeps alive. */
    public String sessionId() {
        return sessionId;
    }

    private Map<String, Object> info() {
        if (handle.isClosed()) {
            return Map.of("extensions", 0L, "finished", true, "stoppedByBudget", false);
        }
        return Json.map(Errors.unwrap(handle.use(Native::keeperInfo)));
    }

    /** How many times the keeper extended the lease. */
    public int extensions() {
        return Json.integer(info(), "extensions");
    }

    /** Whether the keeper has stopped (closed, detached, the session ended, or the cap). */
    public boolean isFinished() {
        return Json.bool(info(), "finished");
    }

    /** Whether the keeper stopped the session because the next extension would pass the budget. */
    public boolean stoppedByBudget() {
        return Json.bool(info(), "stoppedByBudget");
    }

    /** The session as the keeper last read it. */
    public Optional<Session> latest() {
        Object s = info().get("latest");
        return s == null ? Optional.empty() : Optional.of(Session.fromJson(s));
    }

    /** Stops the keeper and (unless told otherwise) the session. Idempotent. */
    @Override
    public void close() {
        try {
            handle.exclusive(h -> Errors.unwrap(Native.keeperClose(h, false)), null);
        } finally {
            handle.close();
        }
    }

    /** Stops the keeper and leaves the session running. */
    public void detach() {
        try {
            handle.exclusive(h -> Errors.unwrap(Native.keeperClose(h, true)), null);
        } finally {
            handle.close();
        }
    }

    @Override
    public String toString() {
        return "LeaseKeeper[sessionId=" + sessionId + "]";
    }
}
