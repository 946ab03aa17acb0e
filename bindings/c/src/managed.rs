//! `rr_client_open_session()`: a session started, waited for until Ready, kept alive if asked
//! and always stopped: `rr_session_options` (what to start), the blocking and the `_async`
//! open side by side, and the `rr_managed_session` they give.
//!
//! Freeing a managed session stops the session before the free returns (it blocks up to 30 s
//! for the service to answer), so an engine that exits or fails still leaves no session
//! running up a bill.

use crate::args::{arg, opt_text, out_const, out_ptr, text};
use crate::boundary::{ffi_call, get_str, get_value, set};
use crate::call::{expect, Call, Reply};
use crate::client::rr_client;
use crate::error::{rr_error, Outcome};
use crate::handle::{boxed, free};
use crate::lease::{lock, rr_lease_options};
use crate::operation::{rr_operation, start_async, take};
use crate::runtime::Runtime;
use crate::status::rr_status;
use crate::views::rr_session;
use crate::wait::{rr_wait_options, WaitSpec};
use remote_rendering::{LeaseKeeper, LeaseOptions, ManagedSession, SessionOptions, SessionSize};
use std::ffi::c_char;
use std::sync::{Arc, Mutex};

/// What `rr_client_open_session()` starts. Starts with the defaults: a new id, `"Standard"`,
/// a 30-minute lease, kept alive with the default lease options, the default wait.
#[derive(Clone)]
pub struct rr_session_options {
    spec: SessionSpec,
    wait: Option<rr_wait_options>,
}

/// The owned settings of an open-session operation.
#[derive(Clone, Debug)]
pub(crate) struct SessionSpec {
    pub(crate) id: Option<String>,
    pub(crate) size: SessionSize,
    pub(crate) lease_minutes: u32,
    pub(crate) keep_alive: Option<LeaseOptions>,
}

impl Default for rr_session_options {
    fn default() -> Self {
        let core = SessionOptions::default();
        rr_session_options {
            spec: SessionSpec {
                id: core.id,
                size: core.size,
                lease_minutes: core.lease_minutes,
                keep_alive: core.keep_alive,
            },
            wait: None,
        }
    }
}

impl rr_session_options {
    /// The spec and the wait of these options, the wait bounded by `timeout_ms`.
    pub(crate) fn parts(&self, timeout_ms: u64) -> (SessionSpec, WaitSpec) {
        (
            self.spec.clone(),
            WaitSpec::new(self.wait.as_ref(), timeout_ms),
        )
    }
}

// ---- rr_session_options ----

/// New session options with the defaults. Free with `rr_session_options_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_session_options_new(
    out: *mut *mut rr_session_options,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        *out = boxed(rr_session_options::default());
        Ok(())
    })
}

/// Frees session options. NULL does nothing.
///
/// `options` is NULL or options owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_session_options_free(options: *mut rr_session_options) {
    free(options)
}

/// The session's id; NULL picks a new one (`session-` and a UUID).
#[no_mangle]
pub unsafe extern "C" fn rr_session_options_set_session_id(
    options: *mut rr_session_options,
    session_id: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.spec.id = opt_text(session_id, "session_id")?.map(str::to_owned);
        Ok(())
    })
}

/// The size: `"Standard"` or `"Premium"` (any case; another name is sent as given).
#[no_mangle]
pub unsafe extern "C" fn rr_session_options_set_size(
    options: *mut rr_session_options,
    size: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.spec.size = SessionSize::parse(text(size, "size")?);
        Ok(())
    })
}

/// The first lease in minutes (at most 1440).
#[no_mangle]
pub unsafe extern "C" fn rr_session_options_set_lease_minutes(
    options: *mut rr_session_options,
    lease_minutes: u32,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.spec.lease_minutes = lease_minutes;
        Ok(())
    })
}

/// Keep the lease renewed with these options (copied) while the session is open; NULL lets
/// the lease run out.
#[no_mangle]
pub unsafe extern "C" fn rr_session_options_set_keep_alive(
    options: *mut rr_session_options,
    keep_alive: *const rr_lease_options,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.spec.keep_alive = keep_alive.as_ref().map(|k| k.inner.clone());
        Ok(())
    })
}

/// How to wait for Ready (copied; NULL: the defaults). The deadline is the open call's
/// `timeout_ms`.
#[no_mangle]
pub unsafe extern "C" fn rr_session_options_set_wait(
    options: *mut rr_session_options,
    wait: *const rr_wait_options,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.wait = wait.as_ref().cloned();
        Ok(())
    })
}

// ---- open ----

fn open_call(options: *const rr_session_options, timeout_ms: u64) -> Call {
    // SAFETY: the caller's pointer is NULL or valid (the header's contract).
    let (spec, wait) = unsafe { options.as_ref() }
        .map_or_else(rr_session_options::default, Clone::clone)
        .parts(timeout_ms);
    Call::waiting("open session", wait, move |c, wait| async move {
        let options = SessionOptions {
            id: spec.id,
            size: spec.size,
            lease_minutes: spec.lease_minutes,
            keep_alive: spec.keep_alive,
            wait: wait.for_sessions(),
        };
        let managed = c.open_session(options).await?;
        Ok(Reply::Managed(Box::new(managed)))
    })
}

/// Starts a session, waits until it is Ready (at most `timeout_ms`; 0: 30 minutes) and keeps
/// it alive if the options say so (`options` borrowed; NULL: the defaults). If anything fails
/// on the way the session is stopped before the error returns. `*out` (free with
/// `rr_managed_session_free()`, which stops the session) is owned.
#[no_mangle]
pub unsafe extern "C" fn rr_client_open_session(
    client: *const rr_client,
    options: *const rr_session_options,
    timeout_ms: u64,
    out: *mut *mut rr_managed_session,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        let managed = expect(client.run(open_call(options, timeout_ms), 0)?.managed())?;
        *out = boxed(rr_managed_session::new(*managed, client.runtime()));
        Ok(())
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
    start_async(client, out, err, 0, || Ok(open_call(options, timeout_ms)))
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
        let managed = take(op, Reply::managed)?;
        *out = boxed(rr_managed_session::new(*managed, op.runtime()));
        Ok(())
    })
}

// ---- rr_managed_session ----

/// A session that is Ready, kept alive if asked, and stopped when closed or freed. Made by
/// `rr_client_open_session()` or `rr_operation_take_managed_session()`. Thread-safe.
pub struct rr_managed_session {
    // Dropped before the runtime it stops the session on.
    managed: Mutex<Option<ManagedSession>>,
    extensions: Mutex<u32>,
    session: rr_session,
    rt: Arc<Runtime>,
}

impl rr_managed_session {
    pub(crate) fn new(managed: ManagedSession, rt: Arc<Runtime>) -> rr_managed_session {
        rr_managed_session {
            session: rr_session::new(managed.session().clone()),
            managed: Mutex::new(Some(managed)),
            extensions: Mutex::new(0),
            rt,
        }
    }
}

/// The session as it was when it became Ready, borrowed from the managed session.
#[no_mangle]
pub unsafe extern "C" fn rr_managed_session_get_session(
    managed: *const rr_managed_session,
    out: *mut *const rr_session,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_const(out, "out")?;
        let m = arg(managed, "managed")?;
        *out = &m.session as *const rr_session;
        Ok(())
    })
}

/// The session's id, borrowed from the managed session.
#[no_mangle]
pub unsafe extern "C" fn rr_managed_session_get_id(
    managed: *const rr_managed_session,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(managed, "managed", out, err, |m| m.session.id_ptr())
}

/// How many times the lease was extended (0 without keep-alive).
#[no_mangle]
pub unsafe extern "C" fn rr_managed_session_get_extensions(
    managed: *const rr_managed_session,
    out: *mut u32,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(managed, "managed", out, err, |m| {
        match lock(&m.managed)
            .as_ref()
            .and_then(|s| s.keeper().map(LeaseKeeper::extensions))
        {
            Some(n) => n,
            None => *lock(&m.extensions),
        }
    })
}

/// Stops the session, blocking until the service acknowledged it or `timeout_ms` passed (0:
/// the request's own limits). A second close does nothing.
#[no_mangle]
pub unsafe extern "C" fn rr_managed_session_close(
    managed: *const rr_managed_session,
    timeout_ms: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let m = arg(managed, "managed")?;
        let taken = lock(&m.managed).take();
        if let Some(s) = taken {
            if let Some(k) = s.keeper() {
                *lock(&m.extensions) = k.extensions();
            }
            m.rt.block(timeout_ms, "close the session", s.close())?;
        }
        Ok(())
    })
}

/// Frees a managed session, stopping the session first unless it was closed (blocks up to
/// 30 s). NULL does nothing.
///
/// `managed` is NULL or a managed session owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_managed_session_free(managed: *mut rr_managed_session) {
    free(managed)
}
