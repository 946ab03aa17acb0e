package com.remoterendering;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * A value of one of the service's string enums ({@link SessionStatus}, {@link SessionSize},
 * {@link ConversionStatus}). The service may add values: one this version does not know is kept
 * with its text ({@link #isKnown()} is false) instead of failing, as in every other language. Two
 * values are equal when their texts are; {@link #toString()} is the text the service uses.
 */
public abstract sealed class WireValue permits SessionStatus, SessionSize, ConversionStatus {
    private final String value;

    WireValue(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The known value whose text matches {@code text} in any case, else a new unknown one. */
    static <T extends WireValue> T parse(String text, List<T> known, Function<String, T> make) {
        Objects.requireNonNull(text, "text");
        String lower = text.toLowerCase(Locale.ROOT);
        for (T k : known) {
            if (k.value().toLowerCase(Locale.ROOT).equals(lower)) {
                return k;
            }
        }
        return make.apply(text);
    }

    /** Whether this version knows the value (one of the type's constants). */
    public abstract boolean isKnown();

    /** The value's text on the wire, e.g. {@code Ready}. */
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((WireValue) o).value.equals(value);
    }

    @Override
    public int hashCode() {
        return getClass().hashCode() * 31 + value.hashCode();
    }

    /** The value's text on the wire. */
    @Override
    public String toString() {
        return value;
    }
}
