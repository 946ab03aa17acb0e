package com.remoterendering;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How a wait waits: its deadline ({@code timeout}), how often it polls, a progress callback and a
 * cancel token. Unset values take the shared defaults ({@link Defaults}). Immutable; each
 * {@code with}-style method returns a copy.
 *
 * @param <T> what is waited for ({@link Session} or {@link Conversion})
 */
public final class WaitOptions<T> {
    final Duration timeout;
    final Duration pollInterval;
    final Consumer<? super T> onProgress;
    final CancelToken cancel;

    private WaitOptions(Duration timeout, Duration pollInterval, Consumer<? super T> onProgress, CancelToken cancel) {
        this.timeout = timeout;
        this.pollInterval = pollInterval;
        this.onProgress = onProgress;
        this.cancel = cancel;
    }

    /** The defaults. */
    public static <T> WaitOptions<T> defaults() {
        return new WaitOptions<>(null, null, null, null);
    }

    /** The deadline: the wait fails with {@link WaitTimeoutException} when it passes. */
    public WaitOptions<T> timeout(Duration timeout) {
        return new WaitOptions<>(timeout, pollInterval, onProgress, cancel);
    }

    /** How often to poll. */
    public WaitOptions<T> pollInterval(Duration pollInterval) {
        return new WaitOptions<>(timeout, pollInterval, onProgress, cancel);
    }

    /** Called with each state seen (on a thread of the library: keep it short). */
    public WaitOptions<T> onProgress(Consumer<? super T> onProgress) {
        return new WaitOptions<>(timeout, pollInterval, onProgress, cancel);
    }

    /** Ends the wait with {@link CancelledException} when the token is cancelled. */
    public WaitOptions<T> cancel(CancelToken cancel) {
        return new WaitOptions<>(timeout, pollInterval, onProgress, cancel);
    }

    void into(Map<String, Object> args) {
        args.put("timeout", Args.millis("timeout", timeout));
        args.put("pollInterval", Args.millis("pollInterval", pollInterval));
    }

    @Override
    public String toString() {
        return "WaitOptions[timeout=" + timeout + ", pollInterval=" + pollInterval + "]";
    }
}
