package com.remoterendering;

/** The service answered something this client cannot read. */
public class ProtocolException extends RemoteRenderingException {
    private static final long serialVersionUID = 1L;

    ProtocolException(Data d) {
        super(d);
    }
}
