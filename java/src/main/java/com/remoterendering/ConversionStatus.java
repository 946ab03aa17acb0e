package com.remoterendering;

import java.util.List;

/**
 * The status of an asset conversion. Values the service adds later are kept ({@link #isKnown()}
 * is false); {@link #fromString} reads any case.
 */
public final class ConversionStatus extends WireValue {
    /** Accepted, not yet running. */
    public static final ConversionStatus NOT_STARTED = new ConversionStatus("NotStarted");
    /** Converting. */
    public static final ConversionStatus RUNNING = new ConversionStatus("Running");
    /** Cancelled; terminal. */
    public static final ConversionStatus CANCELLED = new ConversionStatus("Cancelled");
    /** Failed; terminal. */
    public static final ConversionStatus FAILED = new ConversionStatus("Failed");
    /** Succeeded; terminal. */
    public static final ConversionStatus SUCCEEDED = new ConversionStatus("Succeeded");
    private static final List<ConversionStatus> KNOWN = List.of(NOT_STARTED, RUNNING, CANCELLED, FAILED, SUCCEEDED);

    private ConversionStatus(String value) {
        super(value);
    }

    /** The value with this text: a constant when known (in any case), else an unknown value. */
    public static ConversionStatus fromString(String text) {
        return parse(text, KNOWN, ConversionStatus::new);
    }

    /** The values this version knows, in the service's order. */
    public static List<ConversionStatus> values() {
        return KNOWN;
    }

    @Override
    public boolean isKnown() {
        return KNOWN.contains(this);
    }

    /** Whether the conversion has ended for good ({@code Cancelled}, {@code Failed} or {@code Succeeded}). */
    public boolean isTerminal() {
        return equals(CANCELLED) || equals(FAILED) || equals(SUCCEEDED);
    }
}
