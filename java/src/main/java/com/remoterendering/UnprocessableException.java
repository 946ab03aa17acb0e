package com.remoterendering;

/** The service refused the value, e.g. a lease that does not grow (422). */
public class UnprocessableException extends RemoteRenderingException {
    private static final long serialVersionUID = 1L;

    UnprocessableException(Data d) {
        super(d);
    }
}
