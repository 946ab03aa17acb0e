package com.remoterendering;

/**
 * The core's table of the public surface every language shares (error codes and class names,
 * operations and parameters, model fields, defaults), as JSON.
 */
public final class Vocabulary {
    private Vocabulary() {
    }

    /** The table, as the core's {@code vocabulary::json()} writes it. */
    public static String json() {
        return (String) Errors.unwrap(Native.vocabularyJson());
    }

    /** The version of the native core. */
    public static String nativeVersion() {
        return (String) Errors.unwrap(Native.version());
    }
}
