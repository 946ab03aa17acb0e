package com.remoterendering;

/** The id exists with other settings (409). */
public class ConflictException extends RemoteRenderingException {
    private static final long serialVersionUID = 1L;

    ConflictException(Data d) {
        super(d);
    }
}
