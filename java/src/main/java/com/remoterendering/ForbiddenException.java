package com.remoterendering;

/** Not allowed: another account's resource, or storage that is not linked (403). */
public class ForbiddenException extends RemoteRenderingException {
    private static final long serialVersionUID = 1L;

    ForbiddenException(Data d) {
        super(d);
    }
}
