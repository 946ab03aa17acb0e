package com.remoterendering;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The future of an async native call: the runtime thread settles it with the call's envelope;
 * {@link #cancel} drops the Rust future (no further request is sent). A result that arrives after
 * a cancel and holds a resource (a managed session, a keeper) is closed.
 */
final class NativeCall<T> extends CompletableFuture<T> {
    private final Function<Object, T> parse;
    private volatile long id;

    NativeCall(Function<Object, T> parse) {
        this.parse = parse;
    }

    void started(long id) {
        this.id = id;
        if (isCancelled()) {
            Native.abort(id);
        }
    }

    /** Called by the native library, once, from a runtime thread. */
    void settle(String envelope) {
        T value;
        try {
            value = parse.apply(Errors.unwrap(envelope));
        } catch (RemoteRenderingException e) {
            completeExceptionally(e);
            return;
        } catch (RuntimeException e) {
            completeExceptionally(Errors.internal("could not read the result of a native call: " + e));
            return;
        }
        if (!complete(value) && value instanceof AutoCloseable) {
            try {
                ((AutoCloseable) value).close();
            } catch (Exception ignored) {
                // The caller cancelled and will never see it: nothing to report to.
            }
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        long i = id;
        if (cancelled && i != 0) {
            Native.abort(i);
        }
        return cancelled;
    }
}
