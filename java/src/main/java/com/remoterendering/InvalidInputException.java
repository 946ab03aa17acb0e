package com.remoterendering;

/** A value was refused before anything was sent ({@link #field()} names it), or the service answered 400. */
public class InvalidInputException extends RemoteRenderingException {
    private static final long serialVersionUID = 1L;

    InvalidInputException(Data d) {
        super(d);
    }
}
