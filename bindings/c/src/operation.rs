//! The non-blocking form, for a frame loop that must never block: `rr_client_*_async` (in the
//! module of its resource) starts an operation on the client's runtime and returns an
//! `rr_operation` at once; the loop polls it each frame (`rr_operation_poll`, which never
//! blocks), reads a wait's progress (`rr_operation_get_latest_session`), cancels it, and takes
//! its result (`rr_operation_take_*`, with the resource it gives). A panic inside the task is
//! caught and becomes the operation's `RR_STATUS_PANIC`, so no operation stays pending forever.
//!
//! Polling was chosen over completion callbacks: an engine's objects belong to its main
//! thread, so a callback on a runtime thread would only hand the result back to that thread;
//! with polling, nothing of the engine ever runs on a thread it does not own.

use crate::args::{arg, out_ptr};
use crate::boundary::ffi_call;
use crate::call::{Call, Mismatch, Reply};
use crate::client::rr_client;
use crate::error::{rr_error, Failure, Outcome};
use crate::handle::{boxed, free};
use crate::panic::panic_message;
use crate::runtime::Runtime;
use crate::status::rr_status;
use crate::views::{rr_conversion, rr_session};
use crate::wait::Latest;
use futures_util::FutureExt;
use remote_rendering::{CancellationToken, Client, Error, ErrorKind};
use std::panic::AssertUnwindSafe;
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

impl rr_operation {
    /// The runtime of the operation, for the handles made from its result.
    pub(crate) fn runtime(&self) -> Arc<Runtime> {
        self.rt.clone()
    }
}

impl Drop for rr_operation {
    fn drop(&mut self) {
        // A running operation ends early (a wait as Cancelled; an open session is stopped),
        // and calls no callback any more.
        self.cancel.cancel();
        self.shared.latest.end_callbacks();
    }
}

/// Starts `request` as a task on `rt` (with `client`, for an operation of one) and returns
/// its handle.
fn start(
    rt: Arc<Runtime>,
    client: Option<Client>,
    mut request: Call,
    timeout_ms: u64,
) -> rr_operation {
    let latest = Arc::new(Latest::default());
    // A wait is given the operation's token and ends by itself when it fires (an open
    // session then stops what it started: it must not be dropped mid-stop); so is a storage
    // operation (an upload then reports what it did). Any other operation is raced against
    // the token.
    let (cancel, race_cancel) = match request.wait_mut() {
        Some(wait) => {
            // Cancelled by the operation, or by the user's token of the wait options.
            let cancel = wait
                .user_cancel()
                .map_or_else(CancellationToken::new, CancellationToken::child_token);
            wait.track(latest.clone(), cancel.clone());
            (cancel, false)
        }
        None => match request.track_storage(latest.clone()) {
            Some(cancel) => (cancel, false),
            None => (CancellationToken::new(), true),
        },
    };
    let shared = Arc::new(Shared {
        state: Mutex::new(State::Running),
        ended: Condvar::new(),
        latest,
    });
    let what = request.what();
    let (task_shared, task_cancel) = (shared.clone(), cancel.clone());
    rt.spawn(async move {
        let run = request.run(client, timeout_ms);
        let ran = AssertUnwindSafe(async move {
            if race_cancel {
                tokio::select! {
                    biased;
                    r = run => r,
                    _ = task_cancel.cancelled() => Err(Error::new(ErrorKind::Cancelled, format!("{what}: cancelled"))),
                }
            } else {
                run.await
            }
        })
        .catch_unwind()
        .await;
        let result = match ran {
            Ok(r) => r.map_err(|e| rr_error::from_core(&e)),
            // A panic must not leave the operation pending forever: it is the outcome.
            Err(payload) => {
                let message = panic_message(payload.as_ref());
                let _ = std::panic::catch_unwind(AssertUnwindSafe(move || drop(payload)));
                Err(rr_error::from_failure(Failure::Panic(message)))
            }
        };
        *task_shared.lock() = State::Done(result);
        task_shared.ended.notify_all();
    });
    rr_operation { shared, cancel, rt }
}

/// The body of every `rr_client_*_async`: builds the request, starts it, hands out the handle.
///
/// # Safety
/// The pointers are NULL or valid, as for every export.
pub(crate) unsafe fn start_async(
    client: *const rr_client,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
    timeout_ms: u64,
    request: impl FnOnce() -> Outcome<Call>,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        let request = request()?;
        *out = boxed(start(
            client.runtime(),
            Some(client.core().clone()),
            request,
            timeout_ms,
        ));
        Ok(())
    })
}

/// The body of every `_async` storage operation: as [`start_async`], on the runtime of the
/// storage handle, with no client.
///
/// # Safety
/// As [`start_async`].
pub(crate) unsafe fn start_storage_async(
    rt: impl FnOnce() -> Outcome<Arc<Runtime>>,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
    request: impl FnOnce() -> Outcome<Call>,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let rt = rt()?;
        let request = request()?;
        *out = boxed(start(rt, None, request, 0));
        Ok(())
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
pub(crate) fn take<T>(
    op: &rr_operation,
    pick: impl FnOnce(Reply) -> Result<T, Mismatch>,
) -> Outcome<T> {
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

/// Frees an operation, cancelling it if it still runs (that does not block). A result not
/// taken is dropped; a managed session not taken is stopped first (that blocks, up to 30 s).
/// NULL does nothing.
///
/// `operation` is NULL or an operation owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_operation_free(operation: *mut rr_operation) {
    free(operation)
}
