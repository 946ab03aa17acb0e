package com.remoterendering;

import java.lang.ref.Cleaner;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/**
 * A native handle owned by one Java object: calls use it under a read lock, {@link #close()} frees
 * it once under the write lock (so never while a call uses it), and a {@link Cleaner} frees it if
 * the owner becomes unreachable without being closed.
 */
final class Handle {
    static final Cleaner CLEANER = Cleaner.create();

    /** The Cleaner's action: holds only the handle, never the owner. */
    private static final class State implements Runnable {
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        final LongConsumer free;
        long ptr;

        State(long ptr, LongConsumer free) {
            this.ptr = ptr;
            this.free = free;
        }

        @Override
        public void run() {
            lock.writeLock().lock();
            try {
                if (ptr != 0) {
                    long p = ptr;
                    ptr = 0;
                    free.accept(p);
                }
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    private final State state;
    private final Cleaner.Cleanable cleanable;
    private final String what;

    Handle(Object owner, long ptr, LongConsumer free, String what) {
        this.state = new State(ptr, free);
        this.cleanable = CLEANER.register(owner, state);
        this.what = what;
    }

    <T> T use(LongFunction<T> f) {
        state.lock.readLock().lock();
        try {
            if (state.ptr == 0) {
                throw new IllegalStateException("the " + what + " is closed");
            }
            return f.apply(state.ptr);
        } finally {
            state.lock.readLock().unlock();
        }
    }

    /** Runs {@code f} with the handle alone (no other call in flight), unless already closed. */
    <T> T exclusive(LongFunction<T> f, T whenClosed) {
        state.lock.writeLock().lock();
        try {
            return state.ptr == 0 ? whenClosed : f.apply(state.ptr);
        } finally {
            state.lock.writeLock().unlock();
        }
    }

    boolean isClosed() {
        state.lock.readLock().lock();
        try {
            return state.ptr == 0;
        } finally {
            state.lock.readLock().unlock();
        }
    }

    void close() {
        cleanable.clean();
    }
}
