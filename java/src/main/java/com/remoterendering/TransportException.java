package com.remoterendering;

/** The connection failed or broke after the retries allowed. */
public class TransportException extends RemoteRenderingException {
    private static final long serialVersionUID = 1L;

    TransportException(Data d) {
        super(d);
    }
}
