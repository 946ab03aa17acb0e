package com.remoterendering;

/**
 * How the client authenticates: the account key, a static access token, or a provider of
 * Microsoft Entra tokens. Never shows its secret in {@link #toString()}.
 */
public final class Credential {
    final String accountKey;
    final String accessToken;
    final TokenProvider tokenProvider;

    private Credential(String accountKey, String accessToken, TokenProvider tokenProvider) {
        this.accountKey = accountKey;
        this.accessToken = accessToken;
        this.tokenProvider = tokenProvider;
    }

    /** The account's primary or secondary key (exchanged at the STS, cached, refreshed). */
    public static Credential accountKey(String key) {
        return new Credential(key, null, null);
    }

    /** An access token of the service, used as it is (never refreshed). */
    public static Credential accessToken(String token) {
        return new Credential(null, token, null);
    }

    /** A provider of Entra tokens, exchanged at the STS. */
    public static Credential tokenProvider(TokenProvider provider) {
        return new Credential(null, null, provider);
    }

    @Override
    public String toString() {
        return accountKey != null ? "Credential[accountKey=***]"
                : accessToken != null ? "Credential[accessToken=***]" : "Credential[tokenProvider]";
    }
}
