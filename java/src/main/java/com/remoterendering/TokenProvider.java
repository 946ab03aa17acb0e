package com.remoterendering;

/**
 * Supplies a Microsoft Entra access token for the account (the client exchanges it at the STS for
 * an access token of the service, cached and refreshed before it expires). Called on a thread of
 * the library's own (it may block); an exception becomes an {@link AuthenticationException}.
 */
@FunctionalInterface
public interface TokenProvider {
    String entraToken() throws Exception;
}
