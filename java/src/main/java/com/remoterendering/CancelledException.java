package com.remoterendering;

/** The caller cancelled (a {@link CancelToken}, or a cancelled future). */
public class CancelledException extends RemoteRenderingException {
    private static final long serialVersionUID = 1L;

    CancelledException(Data d) {
        super(d);
    }
}
