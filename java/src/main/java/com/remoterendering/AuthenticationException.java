package com.remoterendering;

/** The credential or access token was refused (401), or the token provider failed. */
public class AuthenticationException extends RemoteRenderingException {
    private static final long serialVersionUID = 1L;

    AuthenticationException(Data d) {
        super(d);
    }
}
