package com.remoterendering;

import java.util.Map;

/** Calls the caller's {@link TokenProvider} for the native library; answers an envelope. */
final class TokenBridge {
    private final TokenProvider provider;

    TokenBridge(TokenProvider provider) {
        this.provider = provider;
    }

    /** Called by the native library on one of its blocking threads. */
    String token() {
        try {
            String t = provider.entraToken();
            if (t == null || t.isEmpty()) {
                return Json.write(Map.of("error", "the token provider returned no token"));
            }
            return Json.write(Map.of("ok", t));
        } catch (Throwable e) {
            String m = e.getMessage();
            return Json.write(Map.of("error", e.getClass().getSimpleName() + (m == null ? "" : ": " + m)));
        }
    }
}
