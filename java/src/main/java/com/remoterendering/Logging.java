package com.remoterendering;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * The core's log stream (requests, retries, token refreshes, lease extensions; never a secret),
 * delivered to the {@link System.Logger} named {@value #LOGGER}: configure it as any other (JUL,
 * or the backend a {@code System.LoggerFinder} provides). Off until {@link #enable} is called.
 */
public final class Logging {
    /** The name of the logger the records go to. */
    public static final String LOGGER = "remote_rendering";

    private Logging() {
    }

    /** Delivers the core's records up to {@code level} (e.g. {@code Level.DEBUG}). */
    public static void enable(Level level) {
        Errors.unwrap(Native.setLogSink(new LogBridge(System.getLogger(LOGGER)), coreLevel(level)));
    }

    /** Stops delivering records; none arrives once this returns. */
    public static void disable() {
        Errors.unwrap(Native.setLogSink(null, "error"));
    }

    static String coreLevel(Level level) {
        switch (level) {
            case ERROR: return "error";
            case WARNING: return "warn";
            case INFO: return "info";
            case DEBUG: return "debug";
            default: return level == Level.OFF ? "error" : "trace";
        }
    }

    /** Called by the native library on the thread that logs. */
    static final class LogBridge {
        private final Logger logger;

        LogBridge(Logger logger) {
            this.logger = logger;
        }

        void log(String level, String target, String message) {
            Level l;
            switch (level.toLowerCase(Locale.ROOT)) {
                case "error": l = Level.ERROR; break;
                case "warn": l = Level.WARNING; break;
                case "info": l = Level.INFO; break;
                case "debug": l = Level.DEBUG; break;
                default: l = Level.TRACE;
            }
            if (logger.isLoggable(l)) {
                logger.log(l, "[" + target + "] " + message);
            }
        }
    }
}
