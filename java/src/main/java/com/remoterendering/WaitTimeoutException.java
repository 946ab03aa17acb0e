package com.remoterendering;

/** A wait or the retries ran out of time; the resource as last seen is attached. */
public class WaitTimeoutException extends RemoteRenderingException {
    private static final long serialVersionUID = 1L;

    WaitTimeoutException(Data d) {
        super(d);
    }
}
