package com.remoterendering;

import static com.remoterendering.Support.await;
import static com.remoterendering.Support.expect;
import static com.remoterendering.Support.fast;
import static com.remoterendering.Support.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SessionsTest {
    static Emulator emu;
    static RemoteRenderingClient client;

    @BeforeAll
    static void start() {
        emu = Emulator.start(new Emulator.Options().startupDelay(Duration.ofSeconds(60)).pageSize(3));
        client = emu.clientBuilder().pollInterval(Duration.ofMillis(10)).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        emu.close();
        assertFalse(emu.isRunning());
    }

    @Test
    void startSessionCreatesAStartingSessionWithTheSizeAndLeaseAskedFor() {
        Session s = client.startSession("s-start", SessionSize.PREMIUM, 45);
        assertEquals("s-start", s.id());
        assertEquals(SessionStatus.STARTING, s.status());
        assertEquals(SessionSize.PREMIUM, s.size());
        assertEquals(45, s.leaseMinutes());
        assertNotNull(s.createdOn());
    }

    @Test
    void startSessionDefaultsToAStandardSessionOf30Minutes() {
        Session s = client.startSession("s-defaults");
        assertEquals(Defaults.SESSION_SIZE, s.size());
        assertEquals(Defaults.LEASE_MINUTES, s.leaseMinutes());
    }

    @Test
    void startSessionAgainWithTheSameSettingsReturnsTheExistingSession() {
        Session a = client.startSession("s-again");
        Session b = client.startSession("s-again");
        assertEquals(a.id(), b.id());
        assertEquals(a.createdOn(), b.createdOn());
    }

    @Test
    void getSessionIsReadyWithConnectionDetailsOnceTheStartupDelayHasPassed() {
        client.startSession("s-ready");
        emu.advanceClock(Duration.ofSeconds(61));
        Session s = client.getSession("s-ready");
        assertEquals(SessionStatus.READY, s.status());
        assertTrue(s.isReady());
        assertNotNull(s.hostname());
        assertNotNull(s.handshakePort());
        assertNotNull(s.arrInspectorPort());
    }

    @Test
    void updateSessionExtendsTheLeaseAndStopSessionStopsIt() {
        client.startSession("s-update", SessionSize.STANDARD, 20);
        assertEquals(40, client.updateSession("s-update", 40).leaseMinutes());
        client.stopSession("s-update");
        assertEquals(SessionStatus.STOPPED, client.getSession("s-update").status());
        client.stopSession("s-update"); // stopping an ended session succeeds
    }

    @Test
    void theAsyncTwinsCompleteWithTheSameModels() throws Exception {
        Session s = await(client.startSessionAsync("s-async", SessionSize.STANDARD, 10));
        assertEquals("s-async", s.id());
        assertEquals(10, await(client.getSessionAsync("s-async")).leaseMinutes());
        assertEquals(20, await(client.updateSessionAsync("s-async", 20)).leaseMinutes());
        assertNull(await(client.stopSessionAsync("s-async")));
        expect(NotFoundException.class, () -> await(client.getSessionAsync("s-async-missing")));
    }

    @Test
    void listSessionsIteratesEverySessionAcrossPagesLazily() {
        try (Emulator e = Emulator.start(new Emulator.Options().pageSize(3));
                RemoteRenderingClient c = e.client()) {
            for (int i = 0; i < 8; i++) {
                c.startSession("list-" + i);
            }
            List<String> ids = new ArrayList<>();
            for (Session s : c.listSessions()) {
                ids.add(s.id());
            }
            assertEquals(8, ids.size());
            long before = e.requests("list_sessions");
            assertEquals(3, (before - 0));
            Iterator<Session> it = c.listSessions().iterator();
            it.next();
            it.next();
            assertEquals(before + 1, e.requests("list_sessions"), "two of eight items cost one page");
            try (var stream = c.listSessions().stream()) {
                assertEquals(8, stream.map(Session::id).collect(Collectors.toSet()).size());
            }
            assertEquals(8, c.listSessions().toList().size());
            assertEquals(8, c.listSessionsAsync().join().size());
        }
    }

    @Test
    void waitForSessionReportsProgressAndReturnsReady() {
        client.startSession("s-wait");
        List<String> statuses = new ArrayList<>();
        Session s = client.waitForSession("s-wait", fast().onProgress(p -> {
            statuses.add(p.status().value());
            if (statuses.size() == 3) {
                emu.advanceClock(Duration.ofSeconds(61));
            }
        }));
        assertEquals(SessionStatus.READY, s.status());
        assertEquals(List.of("Starting", "Starting", "Starting", "Ready"), statuses);
    }

    @Test
    void aProgressCallbackThatThrowsDoesNotEndTheWait() {
        client.startSession("s-throwing-progress");
        int[] calls = {0};
        Session s = client.waitForSession("s-throwing-progress", fast().onProgress(p -> {
            if (++calls[0] == 2) {
                emu.advanceClock(Duration.ofSeconds(61));
            }
            throw new IllegalStateException("a bug in the callback");
        }));
        assertEquals(SessionStatus.READY, s.status());
    }

    @Test
    void aWaitThatRunsOutOfTimeCarriesTheSessionAsLastSeen() {
        client.startSession("s-timeout");
        WaitTimeoutException e = expect(WaitTimeoutException.class,
                () -> client.waitForSession("s-timeout", fast().timeout(Duration.ofMillis(200))));
        assertEquals(SessionStatus.STARTING, e.session().orElseThrow().status());
    }

    @Test
    void aSessionThatFailsWhileWaitedOnIsSessionFailed() {
        client.startSession("s-fail");
        emu.failSession("s-fail", "RenderingFailed", "the VM broke");
        SessionFailedException e = expect(SessionFailedException.class, () -> client.waitForSession("s-fail", fast()));
        assertEquals(SessionStatus.ERROR, e.session().orElseThrow().status());
        assertEquals("RenderingFailed", e.session().orElseThrow().error().code());
    }

    @Test
    void aCancelTokenEndsAWaitAtOnceWithNoFurtherRequest() throws Exception {
        client.startSession("s-cancel");
        CancelToken token = new CancelToken();
        CompletableFuture<Session> f = client.waitForSessionAsync("s-cancel", fast().cancel(token));
        Thread.sleep(100);
        token.cancel();
        expect(CancelledException.class, () -> await(f));
        Thread.sleep(50); // a request already on the wire may still be counted
        long after = emu.requests("get_session");
        Thread.sleep(100);
        assertEquals(after, emu.requests("get_session"), "no get_session after the cancel");
        // A blocking wait given a cancelled token ends at once.
        expect(CancelledException.class, () -> client.waitForSession("s-cancel", fast().cancel(token)));
    }

    @Test
    void cancellingTheFutureDropsTheRustFutureSoPollingStops() throws Exception {
        client.startSession("s-future-cancel");
        CompletableFuture<Session> f = client.waitForSessionAsync("s-future-cancel", fast());
        Thread.sleep(100);
        assertTrue(f.cancel(true));
        assertThrows(CancellationException.class, f::join);
        Thread.sleep(50);
        long after = emu.requests("get_session");
        Thread.sleep(150);
        assertEquals(after, emu.requests("get_session"), "polling stopped with the cancel");
    }

    @Test
    void waitForSessionsAnswersInOrderWithOneListPerIntervalAndErrorsInTheList() {
        try (Emulator e = Emulator.start(new Emulator.Options().startupDelay(Duration.ofSeconds(60)));
                RemoteRenderingClient c = e.clientBuilder().pollInterval(Duration.ofMillis(10)).build()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add("fleet-" + i);
                c.startSession("fleet-" + i);
            }
            e.failSession("fleet-7", null, null);
            ids.add("fleet-unknown");
            long gets = e.requests("get_session");
            int[] polls = {0};
            List<SessionResult> results = c.waitForSessions(ids, fast().onProgress(s -> {
                if (++polls[0] == 40) {
                    e.advanceClock(Duration.ofSeconds(61));
                }
            }));
            assertEquals(ids.size(), results.size());
            for (int i = 0; i < ids.size(); i++) {
                assertEquals(ids.get(i), results.get(i).sessionId());
            }
            assertTrue(results.get(0).isOk());
            assertEquals(SessionStatus.READY, results.get(0).getOrThrow().status());
            assertInstanceOf(SessionFailedException.class, results.get(7).error());
            assertInstanceOf(NotFoundException.class, results.get(20).error());
            long lists = e.requests("list_sessions");
            assertTrue(lists <= 4, "one list request per interval, not one GET per session: " + lists);
            assertTrue(e.requests("get_session") - gets <= 2, "only the missing sessions are fetched");
            assertEquals(20, c.waitForSessionsAsync(ids.subList(0, 20)).join().size());
        }
    }

    private static void assertInstanceOf(Class<?> cls, Object o) {
        assertTrue(cls.isInstance(o), "expected a " + cls.getSimpleName() + ", got " + o);
    }
}
