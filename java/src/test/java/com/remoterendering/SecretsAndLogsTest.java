package com.remoterendering;

import static com.remoterendering.Support.expect;
import static com.remoterendering.Support.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** No secret in any toString, message or log record; the core's log reaches System.Logger. */
class SecretsAndLogsTest {
    static final class Capture extends Handler {
        final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void publish(LogRecord r) {
            lines.add(r.getLevel() + " " + r.getMessage());
        }

        synchronized List<String> snapshot() {
            return new ArrayList<>(lines);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void noKeySasOrTokenAppearsInAnyOutput() {
        Logger jul = Logger.getLogger(Logging.LOGGER);
        Capture capture = new Capture();
        jul.addHandler(capture);
        jul.setLevel(Level.ALL);
        jul.setUseParentHandlers(false);
        Logging.enable(System.Logger.Level.TRACE);
        List<String> outputs = new ArrayList<>();
        String wrongKey = "wrong-key-that-is-secret-123";
        try (Emulator emu = Emulator.start(new Emulator.Options().startupDelay(Duration.ZERO))) {
            String key = emu.accountKey();
            String token = TokensTest.stsToken(emu);
            List<String> secrets = List.of(key, token, wrongKey, "in-secret-sas", "out-secret-sas");
            RemoteRenderingClient.Builder builder = emu.clientBuilder();
            outputs.add(builder.toString());
            outputs.add(Credential.accountKey(key).toString());
            outputs.add(Credential.accessToken(token).toString());
            outputs.add(emu.toString());
            outputs.add(settings().toString());
            try (RemoteRenderingClient client = builder.build()) {
                outputs.add(client.toString());
                Session s = client.startSession("secret-session");
                outputs.add(s.toString());
                outputs.add(client.startConversion("secret-conv", settings()).toString());
                outputs.add(expect(NotFoundException.class, () -> client.getSession("secret-missing")).toString());
                emu.setFaults("500=1@get_session", 1);
                try (RemoteRenderingClient twice = emu.clientBuilder().maxAttempts(2).build()) {
                    outputs.add(expect(ServiceException.class, () -> twice.getSession("secret-session")).toString());
                }
                emu.clearFaults();
                try (ManagedSession m = client.openSession(OpenSessionOptions.defaults().leaseMinutes(10)
                        .keepAlive(KeepAliveOptions.defaults().checkInterval(Duration.ofMillis(20))))) {
                    outputs.add(m.toString());
                }
            }
            try (RemoteRenderingClient wrong = emu.clientBuilder().accountKey(wrongKey).build()) {
                outputs.add(wrong.toString());
                outputs.add(expect(AuthenticationException.class, () -> wrong.getSession("x")).getMessage());
            }
            try (RemoteRenderingClient byToken = emu.clientBuilder().accessToken(token).build()) {
                outputs.add(byToken.toString());
                emu.revokeTokens();
                outputs.add(expect(AuthenticationException.class, () -> byToken.getSession("x")).toString());
            }
            Logging.disable();
            outputs.addAll(capture.snapshot());
            assertTrue(capture.snapshot().stream().anyMatch(l -> l.contains("remote_rendering")),
                    "the core logged through System.Logger: " + capture.snapshot());
            assertTrue(capture.snapshot().stream().anyMatch(l -> l.contains("500")),
                    "the retried 500 was logged");
            for (String out : outputs) {
                for (String secret : secrets) {
                    assertFalse(out.contains(secret), "a secret in: " + out);
                }
            }
        } finally {
            Logging.disable();
            jul.removeHandler(capture);
        }
    }

    @Test
    void afterDisableNoRecordArrives() {
        Logger jul = Logger.getLogger(Logging.LOGGER);
        Capture capture = new Capture();
        jul.addHandler(capture);
        jul.setLevel(Level.ALL);
        try (Emulator emu = Emulator.start(); RemoteRenderingClient client = emu.client()) {
            Logging.enable(System.Logger.Level.DEBUG);
            Logging.disable();
            int before = capture.snapshot().size();
            emu.setFaults("500=1@get_session", 1);
            expect(ServiceException.class, () -> client.getSession("quiet"));
            assertEquals(before, capture.snapshot().size());
        } finally {
            jul.removeHandler(capture);
        }
    }
}
