package com.remoterendering;

/**
 * Cancels the waits (and calls) it is given to: {@link #cancel()} makes them end with {@link
 * CancelledException}, promptly, with no further request. One token may serve many calls.
 */
public final class CancelToken {
    private final long ptr;

    /** A token not yet cancelled. */
    public CancelToken() {
        Native.ensureLoaded();
        long p = Native.cancelNew();
        this.ptr = p;
        // Freed only once unreachable: no call can use it after that.
        Handle.CLEANER.register(this, () -> Native.cancelFree(p));
    }

    /** Cancels every call given this token (now and later). */
    public void cancel() {
        Native.cancelFire(ptr);
        // Keeps this token (and so its handle) alive until the native call has returned.
        java.lang.ref.Reference.reachabilityFence(this);
    }

    long ptr() {
        return ptr;
    }

    @Override
    public String toString() {
        return "CancelToken";
    }
}
