//! Waiting for a session to be `Ready` or a conversion to finish: a poll interval (one
//! default for every language), an overall deadline that ends in a `Timeout` error, never an
//! endless poll), cancellation, progress callbacks, and the server's `Retry-After` honoured.
//! Waiting on many sessions at once polls the list once per interval (see [`Client::wait_for_sessions`]).

use crate::client::{check_id, Client, Response};
use crate::config::{DEFAULT_CONVERSION_WAIT_TIMEOUT, DEFAULT_SESSION_WAIT_TIMEOUT};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Conversion, ConversionStatus, Session, SessionStatus};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// A progress callback: called with the resource after every poll.
pub type ProgressFn<T> = Box<dyn FnMut(&T) + Send>;

/// How to wait. Every field is optional: the defaults are the client's poll interval and
/// [`DEFAULT_SESSION_WAIT_TIMEOUT`] / [`DEFAULT_CONVERSION_WAIT_TIMEOUT`].
pub struct WaitOptions<T> {
    /// How often to poll; `None`: the client's poll interval (5 s by default).
    pub poll_interval: Option<Duration>,
    /// The deadline; `None`: the default of the resource waited for.
    pub timeout: Option<Duration>,
    /// A token that cancels the wait when cancelled.
    pub cancel: Option<CancellationToken>,
    /// Called with the resource after every poll.
    pub on_progress: Option<ProgressFn<T>>,
}

impl<T> Default for WaitOptions<T> {
    fn default() -> Self {
        WaitOptions {
            poll_interval: None,
            timeout: None,
            cancel: None,
            on_progress: None,
        }
    }
}

impl<T> fmt::Debug for WaitOptions<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("poll_interval", &self.poll_interval)
            .field("timeout", &self.timeout)
            .field("cancel", &self.cancel.is_some())
            .field("on_progress", &self.on_progress.is_some())
            .finish()
    }
}

impl<T> WaitOptions<T> {
    /// The defaults: the client's poll interval, the resource's deadline, no cancellation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Polls this often (a server `Retry-After` replaces it).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = Some(interval);
        self
    }

    /// Gives up after this long, with a `Timeout` error carrying the last state seen.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Cancels the wait when `token` is cancelled.
    pub fn cancel(mut self, token: CancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }

    /// Called with the resource after every poll.
    pub fn on_progress(mut self, f: impl FnMut(&T) + Send + 'static) -> Self {
        self.on_progress = Some(Box::new(f));
        self
    }
}

/// Where a polled resource stands.
enum Standing {
    Done,
    Failed(Error),
    Pending,
}

fn session_standing(s: &Session) -> Standing {
    match s.status {
        SessionStatus::Ready => Standing::Done,
        SessionStatus::Error | SessionStatus::Expired | SessionStatus::Stopped => {
            let why = match &s.error {
                Some(e) => format!(": {} ({})", e.message, e.code),
                None => String::new(),
            };
            Standing::Failed(
                Error::new(
                    ErrorKind::SessionFailed,
                    format!("session {:?} is {}{why}", s.id, s.status),
                )
                .with_service(s.error.clone())
                .with_session(s.clone()),
            )
        }
        _ => Standing::Pending,
    }
}

fn conversion_standing(c: &Conversion) -> Standing {
    match c.status {
        ConversionStatus::Succeeded => Standing::Done,
        ConversionStatus::Failed | ConversionStatus::Cancelled => {
            let why = match &c.error {
                Some(e) => format!(": {} ({})", e.message, e.code),
                None => String::new(),
            };
            Standing::Failed(
                Error::new(
                    ErrorKind::ConversionFailed,
                    format!("conversion {:?} {}{why}", c.id, c.status),
                )
                .with_service(c.error.clone())
                .with_conversion(c.clone()),
            )
        }
        _ => Standing::Pending,
    }
}

/// Why a raced step did not finish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Interrupted {
    Deadline,
    Cancelled,
}

impl Interrupted {
    fn kind(self) -> ErrorKind {
        match self {
            Interrupted::Deadline => ErrorKind::Timeout,
            Interrupted::Cancelled => ErrorKind::Cancelled,
        }
    }
}

/// Runs `fut` unless the deadline passes or `cancel` fires first: no request of a wait may
/// outlive the wait's deadline or its cancellation.
async fn race<T>(
    fut: impl Future<Output = T>,
    deadline: Instant,
    cancel: &Option<CancellationToken>,
) -> std::result::Result<T, Interrupted> {
    tokio::select! {
        r = fut => Ok(r),
        _ = tokio::time::sleep_until(deadline) => Err(Interrupted::Deadline),
        _ = async { match cancel { Some(c) => c.cancelled().await, None => std::future::pending().await } } => {
            Err(Interrupted::Cancelled)
        }
    }
}

/// `250ms`, `2s`, `1m 30s`, `24h`: a duration as messages people read show it (a debug
/// `Duration` prints `2.000781s`): whole seconds, rounded, or milliseconds under a second. The
/// wait errors of every binding use it, and so does arrctl.
pub fn human_duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        return format!("{}ms", d.as_millis());
    }
    let secs = d.as_secs() + u64::from(d.subsec_millis() >= 500);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let parts: Vec<String> = [(h, "h"), (m, "m"), (s, "s")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    parts.join(" ")
}

/// Sleeps `d`, or ends early with the error of a cancellation.
async fn pause(d: Duration, cancel: &Option<CancellationToken>) -> std::result::Result<(), ()> {
    match cancel {
        Some(token) => tokio::select! {
            _ = tokio::time::sleep(d) => Ok(()),
            _ = token.cancelled() => Err(()),
        },
        None => {
            tokio::time::sleep(d).await;
            Ok(())
        }
    }
}

impl Client {
    /// Polls until the session is `Ready` (the result), or `Error`/`Expired`/`Stopped`
    /// ([`ErrorKind::SessionFailed`] carrying the session), or the deadline passes
    /// ([`ErrorKind::Timeout`] carrying the last session seen), or `cancel` fires
    /// ([`ErrorKind::Cancelled`]). Transient failures of a poll are retried until the deadline.
    pub async fn wait_for_session(
        &self,
        id: &str,
        options: WaitOptions<Session>,
    ) -> Result<Session> {
        check_id("session_id", id)?;
        let what = format!("session {id:?} to be Ready");
        self.poll(
            what,
            options,
            DEFAULT_SESSION_WAIT_TIMEOUT,
            || self.get_session(id),
            session_standing,
            |e, s| e.with_session(s),
        )
        .await
    }

    /// Polls until the conversion `Succeeded` (the result), or `Failed`/`Cancelled`
    /// ([`ErrorKind::ConversionFailed`] carrying the conversion), or the deadline or `cancel`.
    pub async fn wait_for_conversion(
        &self,
        id: &str,
        options: WaitOptions<Conversion>,
    ) -> Result<Conversion> {
        check_id("conversion_id", id)?;
        let what = format!("conversion {id:?} to finish");
        self.poll(
            what,
            options,
            DEFAULT_CONVERSION_WAIT_TIMEOUT,
            || self.get_conversion(id),
            conversion_standing,
            |e, c| e.with_conversion(c),
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn poll<T: Clone + HasStatus, F, Fut>(
        &self,
        what: String,
        mut options: WaitOptions<T>,
        default_timeout: Duration,
        fetch: F,
        standing: fn(&T) -> Standing,
        attach: fn(Error, T) -> Error,
    ) -> Result<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Response<T>>>,
    {
        let interval = options.poll_interval.unwrap_or(self.config().poll_interval);
        if interval.is_zero() {
            return Err(Error::invalid_input("poll_interval", "must be more than 0"));
        }
        let timeout = options.timeout.unwrap_or(default_timeout);
        let started = Instant::now();
        let deadline = started + timeout;
        let cancel = options.cancel.clone();
        let mut last: Option<T> = None;
        let ended = |kind: ErrorKind, last: Option<T>| {
            let state = last
                .as_ref()
                .map(|l| format!("; it is {}", l.status_text()))
                .unwrap_or_default();
            let msg = match kind {
                ErrorKind::Timeout => format!(
                    "gave up waiting for {what} after {}{state}",
                    human_duration(started.elapsed())
                ),
                _ => format!("cancelled waiting for {what}{state}"),
            };
            let e = Error::new(kind, msg);
            match last {
                Some(l) => attach(e, l),
                None => e,
            }
        };
        loop {
            if cancel.as_ref().is_some_and(CancellationToken::is_cancelled) {
                return Err(ended(ErrorKind::Cancelled, last));
            }
            let fetched = match race(fetch(), deadline, &cancel).await {
                Ok(r) => r,
                Err(why) => return Err(ended(why.kind(), last)),
            };
            let mut next_wait = interval;
            match fetched {
                Ok(resp) => {
                    if let Some(ra) = resp.retry_after() {
                        next_wait = ra;
                    }
                    let value = resp.into_inner();
                    if let Some(f) = options.on_progress.as_mut() {
                        f(&value);
                    }
                    match standing(&value) {
                        Standing::Done => return Ok(value),
                        Standing::Failed(e) => return Err(e),
                        Standing::Pending => last = Some(value),
                    }
                }
                Err(e) if e.is_retriable() => {
                    tracing::warn!(what = %what, error = %e, "poll failed; polling on");
                    if let Some(ra) = e.retry_after() {
                        next_wait = ra;
                    }
                }
                Err(e) => return Err(e),
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(ended(ErrorKind::Timeout, last));
            }
            if pause(next_wait.min(deadline - now), &cancel).await.is_err() {
                return Err(ended(ErrorKind::Cancelled, last));
            }
        }
    }

    /// Waits for many sessions at once. Each interval costs one list request (paged), not one
    /// GET per session; only sessions missing from the list (they reached `Error`, `Expired` or
    /// `Stopped`, or never existed) are fetched one by one. Returns one result per id, in order.
    pub async fn wait_for_sessions(
        &self,
        ids: &[String],
        mut options: WaitOptions<Session>,
    ) -> Result<Vec<Result<Session>>> {
        let mut seen = std::collections::HashSet::new();
        for id in ids {
            check_id("session_id", id)?;
            if !seen.insert(id.as_str()) {
                return Err(Error::invalid_input(
                    "session_ids",
                    format!("{id:?} is given twice"),
                ));
            }
        }
        let interval = options.poll_interval.unwrap_or(self.config().poll_interval);
        if interval.is_zero() {
            return Err(Error::invalid_input("poll_interval", "must be more than 0"));
        }
        let timeout = options.timeout.unwrap_or(DEFAULT_SESSION_WAIT_TIMEOUT);
        let started = Instant::now();
        let deadline = started + timeout;
        let cancel = options.cancel.clone();
        let mut results: HashMap<&str, Result<Session>> = HashMap::new();
        let mut last: HashMap<&str, Session> = HashMap::new();
        let mut interrupted = None;
        'polls: loop {
            let pending: Vec<&str> = ids
                .iter()
                .map(String::as_str)
                .filter(|id| !results.contains_key(id))
                .collect();
            if pending.is_empty() {
                break;
            }
            // Every request is raced against the deadline and the cancellation.
            let listed = match race(self.list_sessions_all(), deadline, &cancel).await {
                Ok(listed) => listed,
                Err(why) => {
                    interrupted = Some(why);
                    break;
                }
            };
            match listed {
                Ok(listed) => {
                    let mut by_id: HashMap<String, Session> =
                        listed.into_iter().map(|s| (s.id.clone(), s)).collect();
                    for id in pending {
                        let seen = match by_id.remove(id) {
                            Some(s) => Some(s),
                            // Not listed: it ended (or never was); ask for it alone.
                            None => match race(self.get_session(id), deadline, &cancel).await {
                                Err(why) => {
                                    interrupted = Some(why);
                                    break 'polls;
                                }
                                Ok(Ok(s)) => Some(s.into_inner()),
                                Ok(Err(e)) if e.is_retriable() => None,
                                Ok(Err(e)) => {
                                    results.insert(id, Err(e));
                                    None
                                }
                            },
                        };
                        if let Some(s) = seen {
                            if let Some(f) = options.on_progress.as_mut() {
                                f(&s);
                            }
                            match session_standing(&s) {
                                Standing::Done => {
                                    results.insert(id, Ok(s));
                                }
                                Standing::Failed(e) => {
                                    results.insert(id, Err(e));
                                }
                                Standing::Pending => {
                                    last.insert(id, s);
                                }
                            }
                        }
                    }
                }
                Err(e) if e.is_retriable() => {
                    tracing::warn!(error = %e, "listing sessions failed; polling on")
                }
                Err(e) => return Err(e),
            }
            if results.len() == ids.len() {
                break;
            }
            let now = Instant::now();
            if now >= deadline {
                interrupted = Some(Interrupted::Deadline);
                break;
            }
            if pause(interval.min(deadline - now), &cancel).await.is_err() {
                interrupted = Some(Interrupted::Cancelled);
                break;
            }
        }
        if let Some(why) = interrupted {
            let verb = match why {
                Interrupted::Deadline => "gave up waiting for",
                Interrupted::Cancelled => "cancelled waiting for",
            };
            for id in ids {
                if !results.contains_key(id.as_str()) {
                    let mut e =
                        Error::new(why.kind(), format!("{verb} session {id:?} to be Ready"));
                    if let Some(s) = last.remove(id.as_str()) {
                        e = e.with_session(s);
                    }
                    results.insert(id.as_str(), Err(e));
                }
            }
        }
        Ok(ids
            .iter()
            .map(|id| results.remove(id.as_str()).expect("every id has a result"))
            .collect())
    }
}

/// The status of a polled resource as text, for messages.
trait HasStatus {
    fn status_text(&self) -> String;
}

impl HasStatus for Session {
    fn status_text(&self) -> String {
        self.status.to_string()
    }
}

impl HasStatus for Conversion {
    fn status_text(&self) -> String {
        self.status.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_messages_read_like_people_write_them() {
        assert_eq!(human_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(human_duration(Duration::from_millis(2_000_781)), "33m 21s");
        assert_eq!(human_duration(Duration::from_secs_f64(2.0004)), "2s");
        assert_eq!(human_duration(Duration::from_secs(86_400)), "24h");
    }
}
