//! Keeping sessions alive and always stopping them: `rr_lease_options`, the `rr_lease_keeper`
//! of `rr_client_keep_alive()`, and the `rr_managed_session` of `rr_client_open_session()`
//! (started, Ready, kept alive, stopped when closed or freed), with `rr_session_options`.
//!
//! Freeing a keeper (that stops on drop) or a managed session stops the session before the
//! free returns (it blocks up to 30 s for the service to answer), so an engine that exits or
//! fails still leaves no session running up a bill.

use crate::client::rr_client;
use crate::error::rr_error;
use crate::ffi::{
    arg, boxed, cstring, ffi_call, free, get_str, get_value, opt_text, out_const, out_ptr, set,
    text, Outcome,
};
use crate::models::rr_session;
use crate::runtime::Runtime;
use crate::status::rr_status;
use crate::wait::{rr_wait_options, WaitSpec};
use remote_rendering::{LeaseKeeper, LeaseOptions, ManagedSession, Session, SessionSize};
use std::ffi::{c_char, CString};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How a lease keeper renews. Starts with the defaults of every language (step 10 minutes,
/// margin 5 minutes, cap 240 minutes, a check every 60 s, stop when freed).
#[derive(Clone, Debug, Default)]
pub struct rr_lease_options {
    pub(crate) inner: LeaseOptions,
}

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
        let core = remote_rendering::SessionOptions::default();
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

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

// ---- rr_lease_options ----

/// New lease options with the defaults. Free with `rr_lease_options_free()`.
#[no_mangle]
pub unsafe extern "C" fn rr_lease_options_new(
    out: *mut *mut rr_lease_options,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        *out = boxed(rr_lease_options::default());
        Ok(())
    })
}

/// Frees lease options. NULL does nothing.
///
/// `options` is NULL or options owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_lease_options_free(options: *mut rr_lease_options) {
    free(options)
}

/// Minutes added to the lease each time (fixed steps; at least 1).
#[no_mangle]
pub unsafe extern "C" fn rr_lease_options_set_step_minutes(
    options: *mut rr_lease_options,
    step_minutes: u32,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.inner.step_minutes = step_minutes;
        Ok(())
    })
}

/// Extend when `elapsed_minutes + margin_minutes >= lease_minutes`.
#[no_mangle]
pub unsafe extern "C" fn rr_lease_options_set_margin_minutes(
    options: *mut rr_lease_options,
    margin_minutes: u32,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.inner.margin_minutes = margin_minutes;
        Ok(())
    })
}

/// The lease is never extended past this (at most 1440): the cap on what the session costs.
#[no_mangle]
pub unsafe extern "C" fn rr_lease_options_set_max_total_minutes(
    options: *mut rr_lease_options,
    max_total_minutes: u32,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.inner.max_total_minutes = max_total_minutes;
        Ok(())
    })
}

/// How often the session is read, in milliseconds (more than 0).
#[no_mangle]
pub unsafe extern "C" fn rr_lease_options_set_check_interval_ms(
    options: *mut rr_lease_options,
    check_interval_ms: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.inner.check_interval = Duration::from_millis(check_interval_ms);
        Ok(())
    })
}

/// Whether freeing (or closing) the keeper stops the session (default true).
#[no_mangle]
pub unsafe extern "C" fn rr_lease_options_set_stop_on_drop(
    options: *mut rr_lease_options,
    stop_on_drop: bool,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.inner.stop_on_drop = stop_on_drop;
        Ok(())
    })
}

/// The most the session may cost, in the currency of the cost rates (see
/// `rr_lease_options_set_cost_rates()`): the lease is never extended to one whose projected cost
/// passes it, and the session is stopped when the next step would. Unset by default (no budget);
/// checked (finite, above 0) when the options are used.
#[no_mangle]
pub unsafe extern "C" fn rr_lease_options_set_budget(
    options: *mut rr_lease_options,
    budget: f64,
    err: *mut *mut rr_error,
) -> rr_status {
    set(options, "options", err, |o| -> Outcome {
        o.inner.budget = Some(budget);
        Ok(())
    })
}

/// What one hour of a Standard and of a Premium session costs (no rate is assumed); needed with
/// a budget. `NAN` (from `<math.h>`) leaves that size without a rate; other values are checked
/// (finite, 0 or more) when the options are used.
#[no_mangle]
pub unsafe extern "C" fn rr_lease_options_set_cost_rates(
    options: *mut rr_lease_options,
    standard_per_hour: f64,
    premium_per_hour: f64,
    err: *mut *mut rr_error,
) -> rr_status {
    let given = |v: f64| (!v.is_nan()).then_some(v);
    set(options, "options", err, |o| -> Outcome {
        o.inner.cost_rates = Some(remote_rendering::CostRates {
            standard_per_hour: given(standard_per_hour),
            premium_per_hour: given(premium_per_hour),
        });
        Ok(())
    })
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

// ---- rr_lease_keeper ----

// One per handle: the size of the ended state does not matter.
#[allow(clippy::large_enum_variant)]
enum Keeping {
    Running(LeaseKeeper),
    Ended {
        extensions: u32,
        finished: bool,
        stopped_by_budget: bool,
        latest: Option<Session>,
    },
}

impl Keeping {
    fn ended(k: &LeaseKeeper) -> Keeping {
        Keeping::Ended {
            extensions: k.extensions(),
            finished: k.is_finished(),
            stopped_by_budget: k.stopped_by_budget(),
            latest: k.latest(),
        }
    }
}

/// Keeps one session's lease renewed in the background (on the client's runtime), and stops
/// the session when freed (if its options say so). Thread-safe.
pub struct rr_lease_keeper {
    // Dropped before the runtime it stops the session on.
    keeping: Mutex<Keeping>,
    id: CString,
    rt: Arc<Runtime>,
}

/// Starts keeping session `session_id` alive (`options` copied; NULL: the defaults). Returns
/// at once. Free with `rr_lease_keeper_free()`, which stops the session unless the options
/// said not to, or after `rr_lease_keeper_detach()`.
#[no_mangle]
pub unsafe extern "C" fn rr_client_keep_alive(
    client: *const rr_client,
    session_id: *const c_char,
    options: *const rr_lease_options,
    out: *mut *mut rr_lease_keeper,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let client = arg(client, "client")?;
        let id = text(session_id, "session_id")?;
        let options = options
            .as_ref()
            .map_or_else(LeaseOptions::default, |o| o.inner.clone());
        let rt = client.runtime();
        let keeper = {
            let _entered = rt.handle().enter();
            client.core().keep_alive(id, options)?
        };
        *out = boxed(rr_lease_keeper {
            keeping: Mutex::new(Keeping::Running(keeper)),
            id: cstring(id),
            rt,
        });
        Ok(())
    })
}

/// The id of the kept session, borrowed from the keeper.
#[no_mangle]
pub unsafe extern "C" fn rr_lease_keeper_get_session_id(
    keeper: *const rr_lease_keeper,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(keeper, "keeper", out, err, |k| k.id.as_ptr())
}

/// How many times the lease was extended.
#[no_mangle]
pub unsafe extern "C" fn rr_lease_keeper_get_extensions(
    keeper: *const rr_lease_keeper,
    out: *mut u32,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(keeper, "keeper", out, err, |k| match &*lock(&k.keeping) {
        Keeping::Running(k) => k.extensions(),
        Keeping::Ended { extensions, .. } => *extensions,
    })
}

/// Whether the keeper ended because the session ended (or is gone).
#[no_mangle]
pub unsafe extern "C" fn rr_lease_keeper_get_is_finished(
    keeper: *const rr_lease_keeper,
    out: *mut bool,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(keeper, "keeper", out, err, |k| match &*lock(&k.keeping) {
        Keeping::Running(k) => k.is_finished(),
        Keeping::Ended { finished, .. } => *finished,
    })
}

/// Whether the keeper stopped the session because the next extension would pass the budget.
#[no_mangle]
pub unsafe extern "C" fn rr_lease_keeper_get_stopped_by_budget(
    keeper: *const rr_lease_keeper,
    out: *mut bool,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(keeper, "keeper", out, err, |k| match &*lock(&k.keeping) {
        Keeping::Running(k) => k.stopped_by_budget(),
        Keeping::Ended {
            stopped_by_budget, ..
        } => *stopped_by_budget,
    })
}

/// The session as the keeper last read it, a copy owned by the caller (free with
/// `rr_session_free()`); `*out` is NULL before the first read.
#[no_mangle]
pub unsafe extern "C" fn rr_lease_keeper_get_latest(
    keeper: *const rr_lease_keeper,
    out: *mut *mut rr_session,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let k = arg(keeper, "keeper")?;
        let latest = match &*lock(&k.keeping) {
            Keeping::Running(k) => k.latest(),
            Keeping::Ended { latest, .. } => latest.clone(),
        };
        if let Some(s) = latest {
            *out = boxed(rr_session::new(s));
        }
        Ok(())
    })
}

/// Takes the running keeper out, leaving its last figures behind.
fn take_running(k: &rr_lease_keeper) -> Option<LeaseKeeper> {
    let mut g = lock(&k.keeping);
    let ended = match &*g {
        Keeping::Running(keeper) => Keeping::ended(keeper),
        Keeping::Ended { .. } => return None,
    };
    match std::mem::replace(&mut *g, ended) {
        Keeping::Running(keeper) => Some(keeper),
        Keeping::Ended { .. } => None,
    }
}

/// Ends the renewals and stops the session (if the options said to stop on drop), blocking
/// until the service acknowledged the stop or `timeout_ms` passed (0: the request's own
/// limits). A second close does nothing.
#[no_mangle]
pub unsafe extern "C" fn rr_lease_keeper_close(
    keeper: *const rr_lease_keeper,
    timeout_ms: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let k = arg(keeper, "keeper")?;
        if let Some(running) = take_running(k) {
            k.rt.block(timeout_ms, "close the lease keeper", running.close())?;
        }
        Ok(())
    })
}

/// Ends the renewals and leaves the session running (freeing the keeper then stops nothing).
/// Blocks until the renewals ended (at most `timeout_ms`; 0: no limit, it is quick).
#[no_mangle]
pub unsafe extern "C" fn rr_lease_keeper_detach(
    keeper: *const rr_lease_keeper,
    timeout_ms: u64,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let k = arg(keeper, "keeper")?;
        if let Some(running) = take_running(k) {
            k.rt.block(timeout_ms, "detach the lease keeper", async {
                running.detach().await;
                Ok(())
            })?;
        }
        Ok(())
    })
}

/// Frees a keeper: ends the renewals and, unless it was closed, detached or told not to,
/// stops the session before returning (up to 30 s). NULL does nothing.
///
/// `keeper` is NULL or a keeper owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_lease_keeper_free(keeper: *mut rr_lease_keeper) {
    free(keeper)
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
