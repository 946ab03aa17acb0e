package com.remoterendering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** One client shared by many threads (blocking and async), and the token shared by all. */
class ConcurrencyTest {
    @Test
    void sixteenThreadsOfBlockingCallsOnOneClientAllSucceedWithOneToken() throws Exception {
        try (Emulator emu = Emulator.start(new Emulator.Options().startupDelay(Duration.ZERO).pageSize(10));
                RemoteRenderingClient client = emu.client()) {
            int threads = 16;
            int calls = 25;
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int n = t;
                Thread th = new Thread(() -> {
                    try {
                        go.await();
                        String id = "thread-" + n;
                        client.startSession(id, SessionSize.STANDARD, 10);
                        for (int i = 0; i < calls; i++) {
                            switch (i % 3) {
                                case 0:
                                    assertEquals(id, client.getSession(id).id());
                                    break;
                                case 1:
                                    assertEquals(10 + i, client.updateSession(id, 10 + i).leaseMinutes());
                                    break;
                                default:
                                    assertTrue(client.listSessions().toList().size() >= 1);
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                th.start();
                all.add(th);
            }
            go.countDown();
            for (Thread th : all) {
                th.join(60_000);
            }
            assertEquals(List.of(), new ArrayList<>(failures));
            assertEquals(threads, emu.requests("create_session"));
            assertEquals(1, emu.requests("sts"), "one token shared by every thread");
        }
    }

    @Test
    void twoHundredConcurrentAsyncCallsAllComplete() throws Exception {
        try (Emulator emu = Emulator.start(new Emulator.Options().startupDelay(Duration.ZERO));
                RemoteRenderingClient client = emu.client()) {
            client.startSession("async-many");
            List<CompletableFuture<Session>> fs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                fs.add(client.getSessionAsync("async-many"));
            }
            CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0])).get();
            for (CompletableFuture<Session> f : fs) {
                assertEquals("async-many", f.get().id());
            }
            assertEquals(200, emu.requests("get_session"));
        }
    }

    @Test
    void aBlockingCallFromAProgressCallbackWorks() {
        try (Emulator emu = Emulator.start(new Emulator.Options().startupDelay(Duration.ofSeconds(60)));
                RemoteRenderingClient client = emu.client()) {
            client.startSession("nested");
            client.startSession("other");
            List<String> seen = new ArrayList<>();
            Session s = Support.await(client.waitForSessionAsync("nested", Support.fast().onProgress(p -> {
                // Runs on a runtime thread: the blocking call must not deadlock or panic.
                seen.add(client.getSession("other").status().value());
                emu.advanceClock(Duration.ofSeconds(61));
            })));
            assertEquals(SessionStatus.READY, s.status());
            assertTrue(seen.size() >= 1);
            // And from the progress callback of a blocking wait (on the calling thread).
            client.startSession("nested-blocking");
            Session b = client.waitForSession("nested-blocking", Support.fast().onProgress(p -> {
                seen.add(client.getSession("other").status().value());
                emu.advanceClock(Duration.ofSeconds(61));
            }));
            assertEquals(SessionStatus.READY, b.status());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
