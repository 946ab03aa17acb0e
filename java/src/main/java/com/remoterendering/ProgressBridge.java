package com.remoterendering;

import java.util.function.Consumer;
import java.util.function.Function;

/** Hands each state a wait saw to the caller's {@code Consumer}; what it throws is logged, not raised. */
final class ProgressBridge<T> {
    private final Consumer<? super T> consumer;
    private final Function<Object, T> parse;

    ProgressBridge(Consumer<? super T> consumer, Function<Object, T> parse) {
        this.consumer = consumer;
        this.parse = parse;
    }

    /** Called by the native library on the thread that polls. */
    void accept(String json) {
        try {
            consumer.accept(parse.apply(Json.parse(json)));
        } catch (Throwable t) {
            System.Logger log = System.getLogger(Logging.LOGGER);
            log.log(System.Logger.Level.WARNING, "an onProgress callback threw (the wait goes on): " + t);
            log.log(System.Logger.Level.DEBUG, "the onProgress callback's exception", t);
        }
    }
}
