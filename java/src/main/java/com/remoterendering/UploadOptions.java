package com.remoterendering;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How {@link BlobContainer#upload} uploads: the blob prefix, files at once, the deadline, a
 * progress callback and a cancel token. Unset values take the shared defaults ({@link Defaults}:
 * no prefix, {@link Defaults#UPLOAD_CONCURRENCY} files at once, {@link Defaults#UPLOAD_TIMEOUT}).
 * Immutable; each {@code with}-style method returns a copy.
 */
public final class UploadOptions {
    final String prefix;
    final Integer concurrency;
    final Duration timeout;
    final Consumer<? super UploadProgress> onProgress;
    final CancelToken cancel;

    private UploadOptions(String prefix, Integer concurrency, Duration timeout,
            Consumer<? super UploadProgress> onProgress, CancelToken cancel) {
        this.prefix = prefix;
        this.concurrency = concurrency;
        this.timeout = timeout;
        this.onProgress = onProgress;
        this.cancel = cancel;
    }

    /** The defaults. */
    public static UploadOptions defaults() {
        return new UploadOptions(null, null, null, null, null);
    }

    /** The blobs go under this prefix (a folder's files keep their relative paths below it). */
    public UploadOptions prefix(String prefix) {
        return new UploadOptions(prefix, concurrency, timeout, onProgress, cancel);
    }

    /** Files uploaded at once, 1 to {@link Defaults#MAX_UPLOAD_CONCURRENCY}. */
    public UploadOptions concurrency(int concurrency) {
        return new UploadOptions(prefix, concurrency, timeout, onProgress, cancel);
    }

    /** The deadline of the whole upload: it ends with {@link WaitTimeoutException} (and its report). */
    public UploadOptions timeout(Duration timeout) {
        return new UploadOptions(prefix, concurrency, timeout, onProgress, cancel);
    }

    /**
     * Called with the progress in bytes: after a file started, after each part, and when a file is
     * done (on the calling thread of a blocking upload, on a thread of the library for an async one).
     */
    public UploadOptions onProgress(Consumer<? super UploadProgress> onProgress) {
        return new UploadOptions(prefix, concurrency, timeout, onProgress, cancel);
    }

    /** Ends the upload with {@link CancelledException} (and its report) when the token is cancelled. */
    public UploadOptions cancel(CancelToken cancel) {
        return new UploadOptions(prefix, concurrency, timeout, onProgress, cancel);
    }

    void into(Map<String, Object> args) {
        args.put("prefix", prefix);
        args.put("concurrency", concurrency);
        args.put("timeout", Args.millis("timeout", timeout));
    }

    ProgressBridge<UploadProgress> bridge() {
        return onProgress == null ? null : new ProgressBridge<>(onProgress, UploadProgress::fromJson);
    }

    @Override
    public String toString() {
        return "UploadOptions[prefix=" + prefix + ", concurrency=" + concurrency + ", timeout=" + timeout + "]";
    }
}
