package com.remoterendering;

import java.util.Map;

/**
 * What {@link RemoteRenderingClient#openSession(OpenSessionOptions)} starts: the session's id, size
 * and lease, whether (and how) its lease is kept alive, and how to wait for Ready. Immutable.
 */
public final class OpenSessionOptions {
    final String sessionId;
    final SessionSize size;
    final Integer leaseMinutes;
    final boolean keepAlive;
    final KeepAliveOptions keepAliveOptions;
    final WaitOptions<Session> wait;

    private OpenSessionOptions(String sessionId, SessionSize size, Integer leaseMinutes, boolean keepAlive,
            KeepAliveOptions keepAliveOptions, WaitOptions<Session> wait) {
        this.sessionId = sessionId;
        this.size = size;
        this.leaseMinutes = leaseMinutes;
        this.keepAlive = keepAlive;
        this.keepAliveOptions = keepAliveOptions;
        this.wait = wait;
    }

    public static OpenSessionOptions defaults() {
        return new OpenSessionOptions(null, null, null, true, KeepAliveOptions.defaults(), WaitOptions.defaults());
    }

    /** The id (a new one when unset). */
    public OpenSessionOptions sessionId(String v) {
        return new OpenSessionOptions(v, size, leaseMinutes, keepAlive, keepAliveOptions, wait);
    }

    /** The size (default {@link Defaults#SESSION_SIZE}). */
    public OpenSessionOptions size(SessionSize v) {
        return new OpenSessionOptions(sessionId, v, leaseMinutes, keepAlive, keepAliveOptions, wait);
    }

    /** The lease in minutes (default {@link Defaults#LEASE_MINUTES}). */
    public OpenSessionOptions leaseMinutes(int v) {
        return new OpenSessionOptions(sessionId, size, v, keepAlive, keepAliveOptions, wait);
    }

    /** Whether a keeper renews the lease while the session is open (default true). */
    public OpenSessionOptions keepAlive(boolean v) {
        return new OpenSessionOptions(sessionId, size, leaseMinutes, v, keepAliveOptions, wait);
    }

    /** How the keeper renews (implies {@code keepAlive(true)}). */
    public OpenSessionOptions keepAlive(KeepAliveOptions v) {
        return new OpenSessionOptions(sessionId, size, leaseMinutes, true, v, wait);
    }

    /** How to wait for Ready (deadline, polling, progress, cancel). */
    public OpenSessionOptions waitOptions(WaitOptions<Session> v) {
        return new OpenSessionOptions(sessionId, size, leaseMinutes, keepAlive, keepAliveOptions, v);
    }

    void into(Map<String, Object> a) {
        a.put("sessionId", sessionId);
        a.put("size", size);
        a.put("leaseMinutes", leaseMinutes);
        a.put("keepAlive", keepAlive);
        if (keepAlive && keepAliveOptions != null) {
            keepAliveOptions.into(a);
        }
        wait.into(a);
    }

    @Override
    public String toString() {
        return "OpenSessionOptions[sessionId=" + sessionId + ", size=" + size + ", leaseMinutes=" + leaseMinutes
                + ", keepAlive=" + keepAlive + "]";
    }
}
