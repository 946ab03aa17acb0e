package com.remoterendering;

/** A session reached Error, Expired or Stopped while waited on; {@link #session()} has it. */
public class SessionFailedException extends RemoteRenderingException {
    private static final long serialVersionUID = 1L;

    SessionFailedException(Data d) {
        super(d);
    }
}
