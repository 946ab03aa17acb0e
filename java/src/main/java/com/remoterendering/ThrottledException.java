package com.remoterendering;

/** Throttled (429) after the retries allowed; {@link #retryAfter()} says how long to wait. */
public class ThrottledException extends RemoteRenderingException {
    private static final long serialVersionUID = 1L;

    ThrottledException(Data d) {
        super(d);
    }
}
