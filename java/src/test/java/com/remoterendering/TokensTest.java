package com.remoterendering;

import static com.remoterendering.Support.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Access tokens: fetched once and cached, refreshed near their end, and each credential kind. */
class TokensTest {
    @Test
    void theTokenIsFetchedOnceAndCachedAcrossCalls() {
        try (Emulator emu = Emulator.start(); RemoteRenderingClient client = emu.client()) {
            client.startSession("cached");
            for (int i = 0; i < 5; i++) {
                client.getSession("cached");
            }
            assertEquals(1, emu.requests("sts"));
        }
    }

    @Test
    void aTokenIsRefreshedAheadOfItsExpiry() throws Exception {
        // A token of 2 s (shorter than the margin) is refreshed once half of its life has passed.
        try (Emulator emu = Emulator.start(new Emulator.Options().tokenLifetime(Duration.ofSeconds(2)));
                RemoteRenderingClient client = emu.client()) {
            client.startSession("refreshed");
            client.getSession("refreshed");
            assertEquals(1, emu.requests("sts"));
            Thread.sleep(1200);
            client.getSession("refreshed");
            assertEquals(2, emu.requests("sts"), "refreshed before the next call");
        }
    }

    @Test
    void aTokenProviderIsCalledForTheEntraTokenAndItsExchangeIsCached() {
        AtomicInteger calls = new AtomicInteger();
        String entra = "an-entra-token-for-the-test";
        try (Emulator emu = Emulator.start(new Emulator.Options().entraTokens(java.util.List.of(entra)))) {
            long before = emu.requests("sts");
            try (RemoteRenderingClient client = emu.clientBuilder().tokenProvider(() -> {
                calls.incrementAndGet();
                return entra;
            }).build()) {
            client.startSession("entra");
            client.getSession("entra");
                assertEquals(1, calls.get());
                assertEquals(before + 1, emu.requests("sts"));
            }
            try (RemoteRenderingClient refused = emu.clientBuilder().tokenProvider(() -> "not-accepted").build()) {
                expect(AuthenticationException.class, () -> refused.getSession("entra"));
            }
        }
    }

    @Test
    void aStaticAccessTokenIsUsedAsItIsAndARevokedOneIsRefused() {
        try (Emulator emu = Emulator.start(); RemoteRenderingClient keyed = emu.client()) {
            keyed.startSession("static");
            // The emulator issues a token for the key; the STS answers over plain HTTP here.
            String token = stsToken(emu);
            try (RemoteRenderingClient byToken = emu.clientBuilder().accessToken(token).build()) {
                long sts = emu.requests("sts");
                assertEquals("static", byToken.getSession("static").id());
                assertEquals(sts, emu.requests("sts"), "a static token is never exchanged");
                emu.revokeTokens();
                expect(AuthenticationException.class, () -> byToken.getSession("static"));
            }
        }
    }

    /** A token from the emulator's STS, as a service would hand one to a client. */
    static String stsToken(Emulator emu) {
        try {
            var http = java.net.http.HttpClient.newHttpClient();
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(emu.stsEndpoint()
                    + "/Accounts/" + emu.accountId() + "/token?api-version=2019-02-28-preview"))
                    .header("Authorization", "Bearer " + emu.accountId() + ":" + emu.accountKey()).GET().build();
            var res = http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
            String body = res.body();
            int i = body.indexOf("\"AccessToken\"");
            assertTrue(i >= 0, body);
            int start = body.indexOf('"', body.indexOf(':', i) + 1) + 1;
            return body.substring(start, body.indexOf('"', start));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
