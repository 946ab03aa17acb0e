//! Sending requests: the access token (STS exchange, cache, single-flight refresh, one
//! re-authentication after a 401), the headers every call carries, retries, and the mapping of
//! answers to results or errors.

use crate::config::{check_token_safe, ClientConfig, TOKEN_REFRESH_MARGIN};
use crate::credential::Credential;
use crate::error::{Error, ErrorKind, Result};
use crate::retry::jitter;
use base64::Engine;
use remote_rendering_models::{
    ErrorResponse, SecretString, StsTokenResponse, API_VERSION, STS_API_VERSION,
};
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, Url};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// An answer of the service, whatever its status.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub ms_cv: Option<String>,
    pub retry_after: Option<Duration>,
    pub body: bytes::Bytes,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The error this answer means, described as failing `what`.
    pub fn into_error(self, what: &str) -> Error {
        let service = serde_json::from_slice::<ErrorResponse>(&self.body)
            .ok()
            .map(|r| crate::model::ErrorDetails::from(r.error));
        let kind = ErrorKind::from_status(self.status);
        let reason = match (&service, kind) {
            (Some(e), _) => e.message.clone(),
            (None, ErrorKind::NotFound) => "not found".to_owned(),
            (None, ErrorKind::Unauthorized) => {
                "the credential or access token was refused".to_owned()
            }
            (None, ErrorKind::Forbidden) => "access denied".to_owned(),
            (None, ErrorKind::Throttled) => "throttled by the service".to_owned(),
            (None, _) => format!("unexpected HTTP status {}", self.status),
        };
        Error::new(kind, format!("{what}: {reason}"))
            .with_status(self.status)
            .with_service(service)
            .with_ms_cv(self.ms_cv)
            .with_retry_after(self.retry_after)
    }

    /// Parses a success body.
    pub fn json<T: serde::de::DeserializeOwned>(&self, what: &str) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| {
            Error::new(
                ErrorKind::Protocol,
                format!("{what}: the answer is not the expected JSON: {e}"),
            )
            .with_status(self.status)
            .with_ms_cv(self.ms_cv.clone())
            .with_source(e)
        })
    }
}

fn retriable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

fn parse_retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate(v)?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// An HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`), the other form of `Retry-After`.
fn httpdate(v: &str) -> Option<SystemTime> {
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let dt = time::PrimitiveDateTime::parse(v, &fmt).ok()?.assume_utc();
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(dt.unix_timestamp()).ok()?))
}

/// A random correlation vector base for the STS: 22 characters of the base64 alphabet.
fn new_correlation_vector() -> String {
    let bytes = uuid::Uuid::new_v4();
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes.as_bytes())
}

fn sensitive(value: &str) -> Result<HeaderValue> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        Error::invalid_input(
            "credential",
            "contains characters not allowed in an HTTP header",
        )
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// Seconds since the epoch of a JWT's `exp` claim (payload read as base64url or base64).
pub(crate) fn jwt_expiry(token: &str) -> Option<SystemTime> {
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

pub(crate) struct Transport {
    pub http: reqwest::Client,
    pub config: ClientConfig,
    token: tokio::sync::Mutex<TokenState>,
    /// Finished exchanges, readable without the lock (a caller notes it before waiting).
    exchanges: std::sync::atomic::AtomicU64,
}

impl Transport {
    pub fn new(config: ClientConfig) -> Result<Self> {
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.request_timeout.min(Duration::from_secs(10)))
            .pool_idle_timeout(Duration::from_secs(60));
        for pem in &config.root_certificates {
            let cert = reqwest::Certificate::from_pem(pem).map_err(|e| {
                Error::invalid_input("root_certificate", format!("not a PEM certificate: {e}"))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        let http = builder.build().map_err(|e| {
            Error::new(ErrorKind::Transport, format!("cannot set up HTTP: {e}")).with_source(e)
        })?;
        Ok(Transport {
            http,
            config,
            token: tokio::sync::Mutex::new(TokenState::default()),
            exchanges: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// `{endpoint}/accounts/{account}/{segments…}?api-version=2021-01-01`.
    pub fn arr_url(&self, segments: &[&str]) -> Url {
        let mut url = self.config.endpoint.clone();
        {
            let mut path = url.path_segments_mut().expect("http(s) URLs have paths");
            path.pop_if_empty()
                .push("accounts")
                .push(&self.config.account_id);
            for s in segments {
                path.push(s);
            }
        }
        url.query_pairs_mut()
            .append_pair("api-version", API_VERSION);
        url
    }

    /// Sends with retries; returns the last answer (any status) or a transport error.
    async fn send_with_retry(
        &self,
        what: &str,
        make: &(dyn Fn() -> Result<reqwest::RequestBuilder> + Send + Sync),
    ) -> Result<Reply> {
        let policy = &self.config.retry;
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = make()?.timeout(self.config.request_timeout).send().await;
            let (retry_after, failure) = match outcome {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let headers = resp.headers().clone();
                    let ms_cv = headers
                        .get("ms-cv")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    let retry_after = parse_retry_after(&headers);
                    match resp.bytes().await {
                        Ok(body) => {
                            let reply = Reply {
                                status,
                                ms_cv,
                                retry_after,
                                body,
                            };
                            if !retriable_status(status) {
                                return Ok(reply);
                            }
                            (retry_after, Ok(reply))
                        }
                        Err(e) => (None, Err(e)),
                    }
                }
                Err(e) => (None, Err(e)),
            };
            let backoff = policy.backoff(attempt, retry_after, jitter());
            let out_of_attempts = attempt >= policy.max_attempts;
            let out_of_time =
                started.elapsed() + backoff > policy.max_elapsed || backoff > policy.max_backoff;
            if out_of_attempts || out_of_time {
                return match failure {
                    Ok(reply) => Ok(reply),
                    Err(e) => Err(transport_error(what, e, attempt)),
                };
            }
            match &failure {
                Ok(reply) => tracing::warn!(
                    what,
                    attempt,
                    status = reply.status,
                    ms_cv = reply.ms_cv.as_deref().unwrap_or(""),
                    delay_ms = backoff.as_millis() as u64,
                    "retrying"
                ),
                Err(e) => {
                    tracing::warn!(what, attempt, error = %e, delay_ms = backoff.as_millis() as u64, "retrying after a transport error")
                }
            }
            tokio::time::sleep(backoff).await;
        }
    }

    /// An ARR call: token, standard headers, retries, one re-authentication after a 401.
    pub async fn arr(
        &self,
        what: &str,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
    ) -> Result<Reply> {
        check_token_safe(&url, "url")?;
        let request_id = uuid::Uuid::new_v4().to_string();
        let body = body.map(|b| serde_json::to_vec(b).expect("JSON values serialise"));
        for round in 0..2 {
            let token = self.access_token().await?;
            let auth = sensitive(&format!("Bearer {}", token.expose()))?;
            let make = || -> Result<reqwest::RequestBuilder> {
                let mut req = self
                    .http
                    .request(method.clone(), url.clone())
                    .header(AUTHORIZATION, auth.clone())
                    .header(ACCEPT, "application/json")
                    .header("x-ms-client-request-id", request_id.as_str());
                req = match &body {
                    Some(b) => req.header(CONTENT_TYPE, "application/json").body(b.clone()),
                    // The stop call has no body; say so explicitly, as the SDKs did.
                    None if method == Method::POST => {
                        req.header(reqwest::header::CONTENT_LENGTH, "0")
                    }
                    None => req,
                };
                Ok(req)
            };
            tracing::debug!(what, %method, url = %url, request_id = %request_id, "request");
            let reply = self.send_with_retry(what, &make).await?;
            tracing::debug!(
                what,
                status = reply.status,
                ms_cv = reply.ms_cv.as_deref().unwrap_or(""),
                "answer"
            );
            if reply.status == 401 && round == 0 && self.can_refresh() {
                tracing::info!(
                    what,
                    "access token refused; fetching a new one and trying once more"
                );
                self.forget_token(&token).await;
                continue;
            }
            return if reply.is_success() {
                Ok(reply)
            } else {
                Err(reply.into_error(what))
            };
        }
        unreachable!("the loop returns in its second round")
    }

    fn can_refresh(&self) -> bool {
        !matches!(self.config.credential, Credential::AccessToken(_))
    }

    async fn forget_token(&self, used: &SecretString) {
        let mut state = self.token.lock().await;
        if state.cached.as_ref().is_some_and(|c| &c.token == used) {
            state.cached = None;
        }
    }

    /// The access token, from the cache or a new STS exchange. Concurrent callers wait for one
    /// exchange (the lock is held while it runs).
    pub async fn access_token(&self) -> Result<SecretString> {
        use std::sync::atomic::Ordering;
        let credential = match &self.config.credential {
            Credential::AccessToken(t) => return Ok(t.clone()),
            other => other.clone(),
        };
        let seen = self.exchanges.load(Ordering::SeqCst);
        let mut state = self.token.lock().await;
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
        let outcome = self.exchange(&credential).await;
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

    async fn exchange(&self, credential: &Credential) -> Result<CachedToken> {
        let account = self.config.account_id.clone();
        let bearer = match credential {
            Credential::AccountKey(key) => format!("Bearer {account}:{}", key.expose()),
            Credential::Entra(provider) => {
                format!("Bearer {}", provider.entra_token().await?.expose())
            }
            Credential::AccessToken(_) => unreachable!("static tokens are not exchanged"),
        };
        let auth = sensitive(&bearer)?;
        let mut url = self.config.sts_endpoint.clone();
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
            Ok(self
                .http
                .get(url.clone())
                .header(AUTHORIZATION, auth.clone())
                .header(ACCEPT, "application/json")
                .header("X-MRC-CV", new_correlation_vector()))
        };
        tracing::debug!(url = %url, "exchanging the credential for an access token");
        let reply = self.send_with_retry(what, &make).await?;
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

fn transport_error(what: &str, e: reqwest::Error, attempts: u32) -> Error {
    let kind = if e.is_timeout() {
        "timed out"
    } else {
        "connection failed"
    };
    let tries = if attempts > 1 {
        format!(" after {attempts} attempts")
    } else {
        String::new()
    };
    Error::new(
        ErrorKind::Transport,
        format!("{what}: {kind}{tries}: {}", error_chain(&e)),
    )
    .with_source(e)
}

/// The error and its causes in one line (reqwest's own message is often just "error sending
/// request").
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    parts.join(": ")
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
    fn retry_after_takes_seconds_and_http_dates() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("15"));
        assert_eq!(parse_retry_after(&h), Some(Duration::from_secs(15)));
        h.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(
            parse_retry_after(&h),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        h.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(parse_retry_after(&h), None);
    }

    #[test]
    fn correlation_vectors_have_the_service_shape() {
        let cv = new_correlation_vector();
        assert_eq!(cv.len(), 22);
    }
}
