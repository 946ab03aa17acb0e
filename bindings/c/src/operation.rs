//! The non-blocking form, for a frame loop that must never block: `rr_client_*_async` starts
//! an operation on the client's runtime and returns an `rr_operation` at once; the loop polls
//! it each frame (`rr_operation_poll`, which never blocks), reads a wait's progress
//! (`rr_operation_get_latest_session`), cancels it, and takes its result.
//!
//! Polling was chosen over completion callbacks: an engine's objects belong to its main
//! thread, so a callback on a runtime thread would only hand the result back to that thread;
//! with polling, nothing of the engine ever runs on a thread it does not own.

use crate::calls::{Mismatch, Plain, Reply, Request};
use crate::client::{
    parse_session_ids, rr_client, start_conversion_request, start_session_request,
};
use crate::error::rr_error;
use crate::ffi::{arg, boxed, ffi_call, free, out_ptr, text, Failure, Outcome};
use crate::lease::{rr_managed_session, rr_session_options};
use crate::list::{rr_conversion_list, rr_session_list};
use crate::models::{rr_conversion, rr_conversion_settings, rr_session};
use crate::runtime::Runtime;
use crate::status::rr_status;
use crate::wait::{rr_wait_options, rr_wait_results, Latest, WaitSpec};
use remote_rendering::{CancellationToken, Error, ErrorKind};
use std::ffi::c_char;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

// One per operation: the size of its result does not matter.
#[allow(clippy::large_enum_variant)]
enum State {
    Running,
    Done(Result<Reply, rr_error>),
    Taken,
}

struct Shared {
    state: Mutex<State>,
    ended: Condvar,
    latest: Arc<Latest>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// An operation running on a client's runtime. Thread-safe (any thread may poll or cancel it),
/// though a frame loop usually owns it. Free with `rr_operation_free()`, which cancels it if
/// it still runs.
pub struct rr_operation {
    shared: Arc<Shared>,
    cancel: CancellationToken,
    // Last: the runtime ends only after the operation's handle is gone.
    rt: Arc<Runtime>,
}

impl Drop for rr_operation {
    fn drop(&mut self) {
        // A running operation ends early (a wait as Cancelled; an open session is stopped),
        // and calls no callback any more.
        self.cancel.cancel();
        self.shared.latest.end_callbacks();
    }
}

/// Starts `request` as a task and returns its handle.
fn start(client: &rr_client, mut request: Request, timeout_ms: u64) -> rr_operation {
    let latest = Arc::new(Latest::default());
    // A wait is given the operation's token and ends by itself when it fires (an open
    // session then stops what it started: it must not be dropped mid-stop). Any other
    // operation is raced against the token.
    let (cancel, race_cancel) = match request.wait_mut() {
        Some(wait) => {
            // Cancelled by the operation, or by the user's token of the wait options.
            let cancel = wait
                .user_cancel()
                .map_or_else(CancellationToken::new, CancellationToken::child_token);
            wait.track(latest.clone(), cancel.clone());
            (cancel, false)
        }
        None => (CancellationToken::new(), true),
    };
    let shared = Arc::new(Shared {
        state: Mutex::new(State::Running),
        ended: Condvar::new(),
        latest,
    });
    let what = request.what();
    let (task_shared, task_cancel) = (shared.clone(), cancel.clone());
    let core = client.core().clone();
    client.runtime().spawn(async move {
        let run = request.run(core, timeout_ms);
        let result = if race_cancel {
            tokio::select! {
                biased;
                r = run => r,
                _ = task_cancel.cancelled() => Err(Error::new(ErrorKind::Cancelled, format!("{what}: cancelled"))),
            }
        } else {
            run.await
        };
        let result = result.map_err(|e| rr_error::from_core(&e));
        *task_shared.lock() = State::Done(result);
        task_shared.ended.notify_all();
    });
    rr_operation {
        shared,
        cancel,
        rt: client.runtime(),
    }
}

/// The body of every `rr_client_*_async`: builds the request, starts it, hands out the handle.
unsafe fn start_async(
    client: *const rr_client,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
    timeout_ms: u64,
    request: impl FnOnce() -> Outcome<Request>,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        let request = request()?;
        *out = boxed(start(client, request, timeout_ms));
        Ok(())
    })
}

/// `rr_client_start_session()` without blocking: the operation gives a session.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_start_session_async(
    client: *const rr_client,
    session_id: *const c_char,
    size: *const c_char,
    lease_minutes: u32,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || {
        Ok(start_session_request(session_id, size, lease_minutes)?.into())
    })
}

/// `rr_client_get_session()` without blocking: the operation gives a session.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_get_session_async(
    client: *const rr_client,
    session_id: *const c_char,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || {
        let id = text(session_id, "session_id")?.to_owned();
        Ok(Plain::GetSession { id }.into())
    })
}

/// `rr_client_update_session()` without blocking: the operation gives a session.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_update_session_async(
    client: *const rr_client,
    session_id: *const c_char,
    lease_minutes: u32,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || {
        let id = text(session_id, "session_id")?.to_owned();
        Ok(Plain::UpdateSession { id, lease_minutes }.into())
    })
}

/// `rr_client_stop_session()` without blocking: the operation gives no value (poll it).
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_stop_session_async(
    client: *const rr_client,
    session_id: *const c_char,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || {
        let id = text(session_id, "session_id")?.to_owned();
        Ok(Plain::StopSession { id }.into())
    })
}

/// Reads every page of the session list without blocking: the operation gives a session list
/// read in full (`rr_operation_take_session_list()`).
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_list_sessions_async(
    client: *const rr_client,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || {
        Ok(Plain::ListSessions.into())
    })
}

/// `rr_client_start_conversion()` without blocking (`settings` copied): the operation gives a
/// conversion.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_start_conversion_async(
    client: *const rr_client,
    conversion_id: *const c_char,
    settings: *const rr_conversion_settings,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || {
        Ok(start_conversion_request(conversion_id, settings)?.into())
    })
}

/// `rr_client_get_conversion()` without blocking: the operation gives a conversion.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_get_conversion_async(
    client: *const rr_client,
    conversion_id: *const c_char,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || {
        let id = text(conversion_id, "conversion_id")?.to_owned();
        Ok(Plain::GetConversion { id }.into())
    })
}

/// Reads every page of the conversion list without blocking: the operation gives a conversion
/// list read in full (`rr_operation_take_conversion_list()`).
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_list_conversions_async(
    client: *const rr_client,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, timeout_ms, || {
        Ok(Plain::ListConversions.into())
    })
}

/// `rr_client_wait_for_session()` without blocking (`options` copied): the operation gives
/// the Ready session; `rr_operation_get_latest_session()` shows the progress. The options'
/// progress callback, if any, runs on a runtime thread.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_wait_for_session_async(
    client: *const rr_client,
    session_id: *const c_char,
    options: *const rr_wait_options,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, 0, || {
        let id = text(session_id, "session_id")?.to_owned();
        let wait = WaitSpec::new(options.as_ref(), timeout_ms);
        Ok(Request::WaitForSession { id, wait })
    })
}

/// `rr_client_wait_for_conversion()` without blocking: the operation gives the conversion;
/// `rr_operation_get_latest_conversion()` shows the progress.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_wait_for_conversion_async(
    client: *const rr_client,
    conversion_id: *const c_char,
    options: *const rr_wait_options,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, 0, || {
        let id = text(conversion_id, "conversion_id")?.to_owned();
        let wait = WaitSpec::new(options.as_ref(), timeout_ms);
        Ok(Request::WaitForConversion { id, wait })
    })
}

/// `rr_client_wait_for_sessions()` without blocking (ids copied): the operation gives wait
/// results.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_wait_for_sessions_async(
    client: *const rr_client,
    session_ids: *const *const c_char,
    count: usize,
    options: *const rr_wait_options,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, 0, || {
        let ids = parse_session_ids(session_ids, count)?;
        let wait = WaitSpec::new(options.as_ref(), timeout_ms);
        Ok(Request::WaitForSessions { ids, wait })
    })
}

/// `rr_client_open_session()` without blocking (`options` copied): the operation gives a
/// managed session; `rr_operation_get_latest_session()` shows the progress. Cancelling (or
/// freeing) the operation before it ends stops the session it started.
/// `*out` is owned: free it with `rr_operation_free()` (which cancels it if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_client_open_session_async(
    client: *const rr_client,
    options: *const rr_session_options,
    timeout_ms: u64,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, 0, || {
        let (spec, wait) = options
            .as_ref()
            .map_or_else(rr_session_options::default, Clone::clone)
            .parts(timeout_ms);
        Ok(Request::OpenSession { spec, wait })
    })
}

/// The outcome so far, as a status: `RR_STATUS_PENDING` while it runs, else `RR_STATUS_OK` or
/// the failure (with an `rr_error`).
fn outcome(state: &State) -> Outcome {
    match state {
        State::Running => Err(Failure::Pending),
        State::Done(Ok(_)) | State::Taken => Ok(()),
        State::Done(Err(e)) => Err(Failure::Reported(Box::new(e.clone()))),
    }
}

/// Never blocks: `RR_STATUS_PENDING` while the operation runs; then `RR_STATUS_OK`, or its
/// failure's status with the error in `*err` (each poll reports it again).
#[no_mangle]
pub unsafe extern "C" fn rr_operation_poll(
    operation: *const rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let op = arg(operation, "operation")?;
        let state = op.shared.lock();
        outcome(&state)
    })
}

/// Blocks until the operation ends or `timeout_ms` passes (0: until it ends), then answers as
/// `rr_operation_poll()` (`RR_STATUS_PENDING` if it still runs).
#[no_mangle]
pub unsafe extern "C" fn rr_operation_wait(
    operation: *const rr_operation,
    timeout_ms: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let op = arg(operation, "operation")?;
        let deadline = (timeout_ms > 0).then(|| Instant::now() + Duration::from_millis(timeout_ms));
        let mut state = op.shared.lock();
        while matches!(*state, State::Running) {
            state = match deadline {
                None => op
                    .shared
                    .ended
                    .wait(state)
                    .unwrap_or_else(|p| p.into_inner()),
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    op.shared
                        .ended
                        .wait_timeout(state, left)
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
            };
        }
        outcome(&state)
    })
}

/// Asks the operation to end: it ends soon with `RR_STATUS_CANCELLED` (a wait's error
/// carries the last state seen; an open session is stopped). An ended operation is not
/// changed. Never blocks.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_cancel(
    operation: *const rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        arg(operation, "operation")?.cancel.cancel();
        Ok(())
    })
}

/// The session a wait (or open) saw last, a copy owned by the caller (free with
/// `rr_session_free()`); `*out` NULL before the first poll. Never blocks.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_get_latest_session(
    operation: *const rr_operation,
    out: *mut *mut rr_session,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let op = arg(operation, "operation")?;
        let latest = op.shared.latest.session.lock();
        if let Some(s) = latest.unwrap_or_else(|p| p.into_inner()).as_ref() {
            *out = boxed(rr_session::new(s.clone()));
        }
        Ok(())
    })
}

/// The conversion a wait saw last, a copy owned by the caller (free with
/// `rr_conversion_free()`); `*out` NULL before the first poll. Never blocks.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_get_latest_conversion(
    operation: *const rr_operation,
    out: *mut *mut rr_conversion,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let op = arg(operation, "operation")?;
        let latest = op.shared.latest.conversion.lock();
        if let Some(c) = latest.unwrap_or_else(|p| p.into_inner()).as_ref() {
            *out = boxed(rr_conversion::new(c.clone()));
        }
        Ok(())
    })
}

/// Takes the result out of an ended operation with `pick`; never blocks.
fn take<T>(op: &rr_operation, pick: impl FnOnce(Reply) -> Result<T, Mismatch>) -> Outcome<T> {
    let mut state = op.shared.lock();
    match std::mem::replace(&mut *state, State::Taken) {
        State::Done(Ok(reply)) => match pick(reply) {
            Ok(v) => Ok(v),
            Err(mismatch) => {
                let (reply, failure) = *mismatch;
                *state = State::Done(Ok(reply));
                Err(failure)
            }
        },
        State::Taken => Err(Error::new(
            ErrorKind::InvalidInput,
            "the operation's result was taken already",
        )
        .into()),
        State::Running => {
            *state = State::Running;
            Err(Failure::Pending)
        }
        State::Done(Err(e)) => {
            let failure = Failure::Reported(Box::new(e.clone()));
            *state = State::Done(Err(e));
            Err(failure)
        }
    }
}

/// Takes the session an ended operation gave (start, get, update, wait for session), owned:
/// free with `rr_session_free()`. `RR_STATUS_PENDING` while it runs; its failure if it failed;
/// `RR_STATUS_INVALID_INPUT` if it gives something else or was taken already.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_take_session(
    operation: *const rr_operation,
    out: *mut *mut rr_session,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let op = arg(operation, "operation")?;
        *out = boxed(rr_session::new(take(op, Reply::session)?));
        Ok(())
    })
}

/// Takes the conversion an ended operation gave (start, get, wait for conversion), owned: free
/// with `rr_conversion_free()`. Otherwise as `rr_operation_take_session()`.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_take_conversion(
    operation: *const rr_operation,
    out: *mut *mut rr_conversion,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let op = arg(operation, "operation")?;
        *out = boxed(rr_conversion::new(take(op, Reply::conversion)?));
        Ok(())
    })
}

/// Takes the session list (read in full) of `rr_client_list_sessions_async()`; free it with
/// `rr_session_list_free()`. As `rr_operation_take_session()`.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_take_session_list(
    operation: *const rr_operation,
    out: *mut *mut rr_session_list,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let op = arg(operation, "operation")?;
        let items = take(op, |r| match r {
            Reply::Sessions(s) => Ok(s),
            other => Err(other.mismatch("a session list")),
        })?;
        *out = boxed(rr_session_list::read(items, op.rt.clone()));
        Ok(())
    })
}

/// Takes the conversion list (read in full) of `rr_client_list_conversions_async()`; free it
/// with `rr_conversion_list_free()`. As `rr_operation_take_session()`.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_take_conversion_list(
    operation: *const rr_operation,
    out: *mut *mut rr_conversion_list,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let op = arg(operation, "operation")?;
        let items = take(op, |r| match r {
            Reply::Conversions(c) => Ok(c),
            other => Err(other.mismatch("a conversion list")),
        })?;
        *out = boxed(rr_conversion_list::read(items, op.rt.clone()));
        Ok(())
    })
}

/// Takes the wait results of `rr_client_wait_for_sessions_async()`; free them with
/// `rr_wait_results_free()`. As `rr_operation_take_session()`.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_take_wait_results(
    operation: *const rr_operation,
    out: *mut *mut rr_wait_results,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let op = arg(operation, "operation")?;
        let results = take(op, |r| match r {
            Reply::WaitResults(w) => Ok(w),
            other => Err(other.mismatch("wait results")),
        })?;
        *out = boxed(rr_wait_results::new(results));
        Ok(())
    })
}

/// Takes the managed session of `rr_client_open_session_async()`; free it with
/// `rr_managed_session_free()` (which stops the session). If it is never taken, freeing the
/// operation stops the session. As `rr_operation_take_session()`.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_take_managed_session(
    operation: *const rr_operation,
    out: *mut *mut rr_managed_session,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let op = arg(operation, "operation")?;
        let managed = take(op, |r| match r {
            Reply::Managed(m) => Ok(m),
            other => Err(other.mismatch("a managed session")),
        })?;
        *out = boxed(rr_managed_session::new(*managed, op.rt.clone()));
        Ok(())
    })
}

/// Frees an operation, cancelling it if it still runs (that does not block). A result not
/// taken is dropped; a managed session not taken is stopped first (that blocks, up to 30 s).
/// NULL does nothing.
///
/// `operation` is NULL or an operation owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_free(operation: *mut rr_operation) {
    free(operation)
}
