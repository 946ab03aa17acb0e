package com.remoterendering;

/** The service failed (5xx) after the retries allowed. */
public class ServiceException extends RemoteRenderingException {
    private static final long serialVersionUID = 1L;

    ServiceException(Data d) {
        super(d);
    }
}
