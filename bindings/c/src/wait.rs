//! Waiting: `rr_wait_options` (poll interval, progress callbacks, a cancel token),
//! `rr_cancel_token`, and `rr_wait_results` (one outcome per session of a fleet wait).
//!
//! A wait's deadline is the `timeout_ms` argument of the wait call itself (0: the core's
//! default, 30 minutes for sessions and 24 hours for conversions).

use crate::args::{arg, out_const, out_ptr, UserData};
use crate::boundary::{ffi_call, get_value, set};
use crate::error::{rr_error, Outcome};
use crate::handle::{boxed, free};
use crate::status::rr_status;
use crate::views::{rr_conversion, rr_session};
use remote_rendering::{CancellationToken, Conversion, Session, WaitOptions};
use std::ffi::c_void;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Called with the session after every poll of a wait. `session` is borrowed for the call.
/// In a blocking wait it runs on the thread that called the wait; in an `_async` wait, on a
/// runtime thread (where blocking calls of this library are refused), and never after
/// `rr_operation_free()` returned (so it must not free its own operation). It must not throw.
pub type rr_session_progress_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, session: *const rr_session)>;

/// Called with the conversion after every poll of a wait; as `rr_session_progress_fn`.
pub type rr_conversion_progress_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, conversion: *const rr_conversion)>;

/// How to wait: every setting is optional (the defaults are the client's poll interval, no
/// progress callback and no cancel token). Copied by the calls that take it.
#[derive(Clone, Default)]
pub struct rr_wait_options {
    poll_interval: Option<Duration>,
    cancel: Option<CancellationToken>,
    on_session: Option<(
        unsafe extern "C" fn(*mut c_void, *const rr_session),
        UserData,
    )>,
    on_conversion: Option<(
        unsafe extern "C" fn(*mut c_void, *const rr_conversion),
        UserData,
    )>,
}

/// Where an `rr_operation` keeps the last resource a wait saw (its progress, for a frame loop),
/// and whether its callbacks may still be called.
pub(crate) struct Latest {
    pub(crate) session: Mutex<Option<Session>>,
    pub(crate) conversion: Mutex<Option<Conversion>>,
    /// Held while a callback runs; set to false when the operation is freed, so that no
    /// callback runs (or is still running) after `rr_operation_free()` returned.
    callbacks: Mutex<bool>,
}

impl Default for Latest {
    fn default() -> Self {
        Latest {
            session: Mutex::new(None),
            conversion: Mutex::new(None),
            callbacks: Mutex::new(true),
        }
    }
}

impl Latest {
    /// No callback runs after this returns.
    pub(crate) fn end_callbacks(&self) {
        *self.callbacks.lock().unwrap_or_else(|p| p.into_inner()) = false;
    }

    /// Runs `call` unless the operation of `latest` was freed (and holds it off until then).
    pub(crate) fn callback(latest: &Option<Arc<Latest>>, call: impl FnOnce()) {
        match latest {
            None => call(),
            Some(l) => {
                let allowed = l.callbacks.lock().unwrap_or_else(|p| p.into_inner());
                if *allowed {
                    call();
                }
            }
        }
    }
}

/// Everything a wait needs, owned (it may run as a task).
#[derive(Clone, Default)]
pub(crate) struct WaitSpec {
    options: rr_wait_options,
    timeout: Option<Duration>,
    latest: Option<Arc<Latest>>,
}

impl WaitSpec {
    pub(crate) fn new(options: Option<&rr_wait_options>, timeout_ms: u64) -> WaitSpec {
        WaitSpec {
            options: options.cloned().unwrap_or_default(),
            timeout: (timeout_ms > 0).then(|| Duration::from_millis(timeout_ms)),
            latest: None,
        }
    }

    /// Records progress into `latest`, and waits also for `cancel` (an operation's own).
    pub(crate) fn track(&mut self, latest: Arc<Latest>, cancel: CancellationToken) {
        self.latest = Some(latest);
        self.options.cancel = Some(cancel);
    }

    /// The user's cancel token, if any.
    pub(crate) fn user_cancel(&self) -> Option<&CancellationToken> {
        self.options.cancel.as_ref()
    }

    pub(crate) fn for_sessions(self) -> WaitOptions<Session> {
        let on = self.options.on_session;
        let latest = self.latest;
        let progress = move |s: &Session| {
            if let Some(l) = &latest {
                *l.session.lock().unwrap_or_else(|p| p.into_inner()) = Some(s.clone());
            }
            if let Some((f, user_data)) = on {
                let view = rr_session::new(s.clone());
                Latest::callback(&latest, || unsafe { f(user_data.ptr(), &view) });
            }
        };
        WaitOptions {
            poll_interval: self.options.poll_interval,
            timeout: self.timeout,
            cancel: self.options.cancel,
            on_progress: Some(Box::new(progress)),
        }
    }

    pub(crate) fn for_conversions(self) -> WaitOptions<Conversion> {
        let on = self.options.on_conversion;
        let latest = self.latest;
        let progress = move |c: &Conversion| {
            if let Some(l) = &latest {
                *l.conversion.lock().unwrap_or_else(|p| p.into_inner()) = Some(c.clone());
            }
            if let Some((f, user_data)) = on {
                let view = rr_conversion::new(c.clone());
                Latest::callback(&latest, || unsafe { f(user_data.ptr(), &view) });
            }
        };
        WaitOptions {
            poll_interval: self.options.poll_interval,
            timeout: self.timeout,
            cancel: self.options.cancel,
            on_progress: Some(Box::new(progress)),
        }
    }
}

/// New wait options with every default. Free with `rr_wait_options_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_wait_options_new(
    out: *mut *mut rr_wait_options,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        *out = boxed(rr_wait_options::default());
        Ok(())
    })
}

/// Frees wait options. NULL does nothing.
///
/// `options` is NULL or options owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_wait_options_free(options: *mut rr_wait_options) {
    free(options)
}

/// How often to poll, in milliseconds (0: the client's poll interval, by default 5000). A
/// server's `Retry-After` replaces it for one poll.
#[no_mangle]
pub unsafe extern "C" fn rr_wait_options_set_poll_interval_ms(
    options: *mut rr_wait_options,
    poll_interval_ms: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.poll_interval = (poll_interval_ms > 0).then(|| Duration::from_millis(poll_interval_ms));
        Ok(())
    })
}

/// Ends the wait with `RR_STATUS_CANCELLED` when `cancel` is cancelled (from any thread);
/// NULL removes it. The token is shared, not copied: cancelling it later still counts.
#[no_mangle]
pub unsafe extern "C" fn rr_wait_options_set_cancel(
    options: *mut rr_wait_options,
    cancel: *const rr_cancel_token,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.cancel = cancel.as_ref().map(|t| t.token.clone());
        Ok(())
    })
}

/// Calls `callback(user_data, session)` after every poll of a session wait (NULL callback:
/// none). `user_data` must stay valid while a wait using these options runs.
#[no_mangle]
pub unsafe extern "C" fn rr_wait_options_set_session_progress(
    options: *mut rr_wait_options,
    callback: rr_session_progress_fn,
    user_data: *mut c_void,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.on_session = callback.map(|f| (f, UserData(user_data)));
        Ok(())
    })
}

/// Calls `callback(user_data, conversion)` after every poll of a conversion wait (NULL
/// callback: none). `user_data` must stay valid while a wait using these options runs.
#[no_mangle]
pub unsafe extern "C" fn rr_wait_options_set_conversion_progress(
    options: *mut rr_wait_options,
    callback: rr_conversion_progress_fn,
    user_data: *mut c_void,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.on_conversion = callback.map(|f| (f, UserData(user_data)));
        Ok(())
    })
}

// ---- rr_cancel_token ----

/// Cancels waits (and the operations given it) from any thread. Thread-safe.
pub struct rr_cancel_token {
    token: CancellationToken,
}

impl rr_cancel_token {
    /// The core's token (shared, not copied).
    pub(crate) fn token(&self) -> &CancellationToken {
        &self.token
    }
}

/// A new token, not cancelled. Free with `rr_cancel_token_free()` (waits given it keep their
/// own reference).
#[no_mangle]
pub unsafe extern "C" fn rr_cancel_token_new(
    out: *mut *mut rr_cancel_token,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        *out = boxed(rr_cancel_token {
            token: CancellationToken::new(),
        });
        Ok(())
    })
}

/// A new token that is cancelled when `parent` is (and may also be cancelled alone, which
/// leaves `parent` as it is). Free with `rr_cancel_token_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_cancel_token_child(
    parent: *const rr_cancel_token,
    out: *mut *mut rr_cancel_token,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let parent = arg(parent, "parent")?;
        *out = boxed(rr_cancel_token {
            token: parent.token.child_token(),
        });
        Ok(())
    })
}

/// Cancels every wait given this token, now and later. Idempotent.
#[no_mangle]
pub unsafe extern "C" fn rr_cancel_token_cancel(
    token: *const rr_cancel_token,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        arg(token, "token")?.token.cancel();
        Ok(())
    })
}

/// Whether the token was cancelled.
#[no_mangle]
pub unsafe extern "C" fn rr_cancel_token_is_cancelled(
    token: *const rr_cancel_token,
    out: *mut bool,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(token, "token", out, err, |t| t.token.is_cancelled())
}

/// Frees a token. NULL does nothing.
///
/// `token` is NULL or a token owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_cancel_token_free(token: *mut rr_cancel_token) {
    free(token)
}

// ---- rr_wait_results ----

/// One outcome per session of `rr_client_wait_for_sessions()`, in the order of the ids:
/// the Ready session, or the error of that session. Immutable.
pub struct rr_wait_results {
    items: Vec<Item>,
}

// Few of them, read in place: their sizes do not matter.
#[allow(clippy::large_enum_variant)]
enum Item {
    Ready(rr_session),
    Failed(rr_error),
}

impl rr_wait_results {
    pub(crate) fn new(results: Vec<remote_rendering::Result<Session>>) -> rr_wait_results {
        rr_wait_results {
            items: results
                .into_iter()
                .map(|r| match r {
                    Ok(s) => Item::Ready(rr_session::new(s)),
                    Err(e) => Item::Failed(rr_error::from_core(&e)),
                })
                .collect(),
        }
    }
}

/// How many results there are (as many as ids were given).
#[no_mangle]
pub unsafe extern "C" fn rr_wait_results_get_count(
    results: *const rr_wait_results,
    out: *mut usize,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(results, "results", out, err, |r| r.items.len())
}

/// The outcome for the id at `index`: `*session` is the Ready session and `*error` NULL, or
/// `*session` is NULL and `*error` the error of that session (`RR_STATUS_SESSION_FAILED`,
/// `RR_STATUS_TIMEOUT`, …). Both are borrowed from `results`. An index past the end is
/// `RR_STATUS_INVALID_INPUT`.
#[no_mangle]
pub unsafe extern "C" fn rr_wait_results_get(
    results: *const rr_wait_results,
    index: usize,
    session: *mut *const rr_session,
    error: *mut *const rr_error,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let session = out_const(session, "session")?;
        let error = out_const(error, "error")?;
        let r = arg(results, "results")?;
        match r.items.get(index) {
            Some(Item::Ready(s)) => *session = s as *const rr_session,
            Some(Item::Failed(e)) => *error = e as *const rr_error,
            None => {
                return Err(remote_rendering::Error::invalid_input(
                    "index",
                    format!("{index} is past the last of {} results", r.items.len()),
                )
                .into())
            }
        }
        Ok(())
    })
}

/// Frees the results. NULL does nothing.
///
/// `results` is NULL or results owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_wait_results_free(results: *mut rr_wait_results) {
    free(results)
}
