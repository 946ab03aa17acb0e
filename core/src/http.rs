//! One request on the wire: sending with retries and backoff (honouring `Retry-After`), and
//! reading an answer into a result or an error of the right kind.

use crate::config::ClientConfig;
use crate::error::{Error, ErrorKind, Result};
use crate::retry::jitter;
use remote_rendering_models::ErrorResponse;
use reqwest::header::HeaderValue;
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

/// A header value that is never printed (it carries a secret).
pub(crate) fn sensitive(value: &str) -> Result<HeaderValue> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        Error::invalid_input(
            "credential",
            "contains characters not allowed in an HTTP header",
        )
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// Sends with retries; returns the last answer (any status) or a transport error.
pub(crate) async fn send_with_retry(
    config: &ClientConfig,
    permits: &tokio::sync::Semaphore,
    what: &str,
    make: &(dyn Fn() -> Result<reqwest::RequestBuilder> + Send + Sync),
) -> Result<Reply> {
    let policy = &config.retry;
    let started = Instant::now();
    let mut attempt = 0;
    loop {
        attempt += 1;
        // The request and its body on the wire hold a permit (`max_concurrent_requests`); the
        // wait for one counts towards the retries' time limit, not the request's. The
        // semaphore is never closed.
        let permit = permits.acquire().await.ok();
        let outcome = make()?.timeout(config.request_timeout).send().await;
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
        drop(permit); // not held through the backoff
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
}
