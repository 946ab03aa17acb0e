package com.remoterendering;

/** A conversion reached Failed or Cancelled while waited on; {@link #conversion()} has it. */
public class ConversionFailedException extends RemoteRenderingException {
    private static final long serialVersionUID = 1L;

    ConversionFailedException(Data d) {
        super(d);
    }
}
