//! The access token: the STS exchange of an account key or Entra token, the cache, one
//! exchange shared by every call that waits for it (and its failure shared too), refresh ahead
//! of expiry, and forgetting a token the service refused.

use crate::config::{ClientConfig, TOKEN_REFRESH_MARGIN};
use crate::credential::Credential;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{send_with_retry, sensitive};
use base64::Engine;
use remote_rendering_models::{SecretString, StsTokenResponse, STS_API_VERSION};
use reqwest::header::{ACCEPT, AUTHORIZATION};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A random correlation vector base for the STS: 22 characters of the base64 alphabet.
fn new_correlation_vector() -> String {
    let bytes = uuid::Uuid::new_v4();
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes.as_bytes())
}

/// Seconds since the epoch of a JWT's `exp` claim (payload read as base64url or base64).
fn jwt_expiry(token: &str) -> Option<SystemTime> {
    let payload = token.split('.').nth(1)?.trim_end_matches('=');
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(payload))
        .ok()?;
    let exp = serde_json::from_slice::<serde_json::Value>(&bytes).ok()?["exp"].as_f64()?;
    (exp > 0.0).then(|| UNIX_EPOCH + Duration::from_secs_f64(exp))
}

struct CachedToken {
    token: SecretString,
    refresh_at: SystemTime,
    expires: SystemTime,
}

/// The token cache: the current token, and the outcome of the last exchange so that calls
/// that waited for it share it (one exchange, one failure, however many calls wait).
#[derive(Default)]
struct TokenState {
    cached: Option<CachedToken>,
    /// Counts finished exchanges.
    exchanges: u64,
    last_failure: Option<Error>,
}

/// The cache of one client (shared by its clones and by sync and async use).
pub(crate) struct TokenCache {
    state: tokio::sync::Mutex<TokenState>,
    /// Finished exchanges, readable without the lock (a caller notes it before waiting).
    exchanges: AtomicU64,
}

impl TokenCache {
    pub fn new() -> Self {
        TokenCache {
            state: tokio::sync::Mutex::new(TokenState::default()),
            exchanges: AtomicU64::new(0),
        }
    }

    /// Drops the cached token when it is the one the service refused.
    pub async fn forget(&self, used: &SecretString) {
        let mut state = self.state.lock().await;
        if state.cached.as_ref().is_some_and(|c| &c.token == used) {
            state.cached = None;
        }
    }

    /// The access token, from the cache or a new STS exchange. Concurrent callers wait for one
    /// exchange (the lock is held while it runs).
    pub async fn get(
        &self,
        http: &reqwest::Client,
        permits: &tokio::sync::Semaphore,
        config: &ClientConfig,
    ) -> Result<SecretString> {
        let credential = match &config.credential {
            Credential::AccessToken(t) => return Ok(t.clone()),
            other => other.clone(),
        };
        let seen = self.exchanges.load(Ordering::SeqCst);
        let mut state = self.state.lock().await;
        let now = SystemTime::now();
        if let Some(cached) = state.cached.as_ref() {
            if now < cached.refresh_at {
                return Ok(cached.token.clone());
            }
        }
        // An exchange finished while this call waited for the lock, and failed: that is this
        // call's answer too (a success would have been found in the cache above).
        if state.exchanges != seen {
            if let Some(e) = &state.last_failure {
                return Err(e.shallow_clone());
            }
        }
        let outcome = self.exchange(http, permits, config, &credential).await;
        state.exchanges += 1;
        self.exchanges.store(state.exchanges, Ordering::SeqCst);
        match outcome {
            Ok(fresh) => {
                let token = fresh.token.clone();
                state.cached = Some(fresh);
                state.last_failure = None;
                Ok(token)
            }
            Err(e) => {
                // A refresh ahead of expiry that fails leaves the current token usable.
                let still_valid = state
                    .cached
                    .as_ref()
                    .filter(|c| SystemTime::now() < c.expires)
                    .map(|c| c.token.clone());
                if let Some(token) = still_valid {
                    tracing::warn!(error = %e, "refreshing the access token failed; using the current one until it expires");
                    state.last_failure = None;
                    return Ok(token);
                }
                state.last_failure = Some(e.shallow_clone());
                Err(e)
            }
        }
    }

    async fn exchange(
        &self,
        http: &reqwest::Client,
        permits: &tokio::sync::Semaphore,
        config: &ClientConfig,
        credential: &Credential,
    ) -> Result<CachedToken> {
        let account = config.account_id.clone();
        let bearer = match credential {
            Credential::AccountKey(key) => format!("Bearer {account}:{}", key.expose()),
            Credential::Entra(provider) => {
                format!("Bearer {}", provider.entra_token().await?.expose())
            }
            Credential::AccessToken(_) => unreachable!("static tokens are not exchanged"),
        };
        let auth = sensitive(&bearer)?;
        let mut url = config.sts_endpoint.clone();
        url.path_segments_mut()
            .expect("http(s) URLs have paths")
            .pop_if_empty()
            .push("Accounts")
            .push(&account)
            .push("token");
        url.query_pairs_mut()
            .append_pair("api-version", STS_API_VERSION);
        let what = "STS token exchange";
        let make = || -> Result<reqwest::RequestBuilder> {
            Ok(http
                .get(url.clone())
                .header(AUTHORIZATION, auth.clone())
                .header(ACCEPT, "application/json")
                .header("X-MRC-CV", new_correlation_vector()))
        };
        tracing::debug!(url = %url, "exchanging the credential for an access token");
        let reply = send_with_retry(config, permits, what, &make).await?;
        if reply.status == 401 || reply.status == 403 {
            let refused = match credential {
                Credential::AccountKey(_) => {
                    format!("the STS refused the account key of account {account}")
                }
                _ => format!("the STS refused the Entra token for account {account}"),
            };
            return Err(Error::new(ErrorKind::Unauthorized, refused)
                .with_status(reply.status)
                .with_ms_cv(reply.ms_cv));
        }
        if !reply.is_success() {
            return Err(reply.into_error(what));
        }
        let token = reply.json::<StsTokenResponse>(what)?.access_token;
        let now = SystemTime::now();
        let expires = jwt_expiry(token.expose()).unwrap_or_else(|| {
            tracing::warn!(
                "the STS token has no readable expiry; assuming the documented 24 hours"
            );
            now + Duration::from_secs(24 * 3600)
        });
        // Refresh 5 minutes before expiry, or half-way for tokens that live less than 10.
        let life = expires.duration_since(now).unwrap_or(Duration::ZERO);
        let refresh_at = expires - TOKEN_REFRESH_MARGIN.min(life / 2);
        Ok(CachedToken {
            token,
            refresh_at,
            expires,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_expiry_reads_both_base64_forms() {
        // {"exp":2147483647}
        let t = "fake.eyJleHAiOjIxNDc0ODM2NDd9.fake";
        assert_eq!(
            jwt_expiry(t),
            Some(UNIX_EPOCH + Duration::from_secs(2_147_483_647))
        );
        assert_eq!(jwt_expiry("not-a-jwt"), None);
        assert_eq!(jwt_expiry("a.bm90IGpzb24.c"), None);
    }

    #[test]
    fn correlation_vectors_have_the_service_shape() {
        let cv = new_correlation_vector();
        assert_eq!(cv.len(), 22);
    }
}
