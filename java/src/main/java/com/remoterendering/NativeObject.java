package com.remoterendering;

import java.lang.ref.Reference;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The native half of a storage object ({@link StorageAccount}, {@link BlobContainer}): its handle
 * and its calls, blocking on the calling thread or async, as the client makes its own.
 */
final class NativeObject {
    final Handle handle;
    private final String kind;

    NativeObject(Object owner, long ptr, LongConsumer free, String kind, String what) {
        this.handle = new Handle(owner, ptr, free, what);
        this.kind = kind;
    }

    private static long cancelPtr(CancelToken c) {
        return c == null ? 0 : c.ptr();
    }

    Object call(String op, Map<String, Object> args) {
        return call(op, args, null, null);
    }

    Object call(String op, Map<String, Object> args, Object progress, CancelToken cancel) {
        String text = Json.write(args);
        try {
            return Errors.unwrap(handle.use(h -> Native.storageInvoke(h, kind, op, text, progress, cancelPtr(cancel))));
        } finally {
            // The token's Cleaner must not free it while the native call reads its handle.
            Reference.reachabilityFence(cancel);
        }
    }

    <T> CompletableFuture<T> callAsync(String op, Supplier<Map<String, Object>> args, Function<Object, T> parse) {
        return callAsync(op, args, null, null, parse);
    }

    <T> CompletableFuture<T> callAsync(String op, Supplier<Map<String, Object>> args, Object progress,
            CancelToken cancel, Function<Object, T> parse) {
        NativeCall<T> call = new NativeCall<>(parse);
        try {
            String text = Json.write(args.get());
            Object id = Errors.unwrap(handle.use(
                    h -> Native.storageInvokeAsync(h, kind, op, text, progress, cancelPtr(cancel), call)));
            call.started(((Number) id).longValue());
        } catch (RuntimeException e) {
            call.completeExceptionally(e);
        } finally {
            Reference.reachabilityFence(cancel);
        }
        return call;
    }
}
