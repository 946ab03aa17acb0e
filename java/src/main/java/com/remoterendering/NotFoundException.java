package com.remoterendering;

/** No such session or conversion (404). */
public class NotFoundException extends RemoteRenderingException {
    private static final long serialVersionUID = 1L;

    NotFoundException(Data d) {
        super(d);
    }
}
