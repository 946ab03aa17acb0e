package com.remoterendering;

import java.util.Optional;

/**
 * One entry of a fleet wait ({@link RemoteRenderingClient#waitForSessions}): the session, Ready, or
 * the error of that one session.
 *
 * @param sessionId the id waited for
 * @param session the Ready session, or {@code null}
 * @param error why this session did not become Ready, or {@code null}
 */
public record SessionResult(String sessionId, Session session, RemoteRenderingException error) {
    /** Whether the session became Ready. */
    public boolean isOk() {
        return error == null;
    }

    /** The Ready session, or throws this entry's error. */
    public Session getOrThrow() {
        if (error != null) {
            throw error;
        }
        return session;
    }

    /** The error, when the session did not become Ready. */
    public Optional<RemoteRenderingException> failure() {
        return Optional.ofNullable(error);
    }
}
