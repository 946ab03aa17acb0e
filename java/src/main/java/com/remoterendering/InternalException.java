package com.remoterendering;

/** A bug in this library, e.g. a panic caught at the native boundary (never a crash of the JVM). */
public class InternalException extends RemoteRenderingException {
    private static final long serialVersionUID = 1L;

    InternalException(Data d) {
        super(d);
    }
}
