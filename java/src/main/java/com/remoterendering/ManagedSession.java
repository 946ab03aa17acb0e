package com.remoterendering;

import java.util.Map;

/**
 * A session that was started, waited on until Ready and has its lease kept alive; {@link
 * #close()} stops it (use try-with-resources: it is stopped on an exception too).
 */
public final class ManagedSession implements AutoCloseable {
    private final Handle handle;
    private final Session session;

    ManagedSession(long ptr, Session session) {
        this.handle = new Handle(this, ptr, Native::managedFree, "managed session");
        this.session = session;
    }

    /** The session as it was when it became Ready. */
    public Session session() {
        return session;
    }

    /** The session's id. */
    public String id() {
        return session.id();
    }

    /** How many times its keeper extended the lease (0 without a keeper). */
    public int extensions() {
        if (handle.isClosed()) {
            return 0;
        }
        Map<String, Object> m = Json.map(Errors.unwrap(handle.use(Native::managedInfo)));
        return Json.integer(m, "extensions");
    }

    /** Stops the keeper and the session. Idempotent. */
    @Override
    public void close() {
        try {
            handle.exclusive(h -> Errors.unwrap(Native.managedClose(h)), null);
        } finally {
            handle.close();
        }
    }

    @Override
    public String toString() {
        return "ManagedSession[id=" + session.id() + ", status=" + session.status() + "]";
    }
}
