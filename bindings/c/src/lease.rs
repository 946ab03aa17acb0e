//! Keeping a session alive: `rr_lease_options` and the `rr_lease_keeper` of
//! `rr_client_keep_alive()`, which renews the lease in the background and stops the session
//! when freed (if its options say so). The managed session of `rr_client_open_session()` is in
//! `managed`.
//!
//! Freeing a keeper (that stops on drop) stops the session before the free returns (it blocks
//! up to 30 s for the service to answer), so an engine that exits or fails still leaves no
//! session running up a bill.

use crate::args::{arg, out_ptr, text};
use crate::boundary::{ffi_call, get_str, get_value, set};
use crate::client::rr_client;
use crate::cstr::cstring;
use crate::error::{rr_error, Outcome};
use crate::handle::{boxed, free};
use crate::runtime::Runtime;
use crate::status::rr_status;
use crate::views::rr_session;
use remote_rendering::{LeaseKeeper, LeaseOptions, Session};
use std::ffi::{c_char, CString};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How a lease keeper renews. Starts with the defaults of every language (step 10 minutes,
/// margin 5 minutes, cap 240 minutes, a check every 60 s, stop when freed).
#[derive(Clone, Debug, Default)]
pub struct rr_lease_options {
    pub(crate) inner: LeaseOptions,
}

/// A lock that a panic elsewhere does not poison.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
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

/// Whether closing (or freeing) the keeper stops the session (default true); the vocabulary's
/// name of the setting.
#[no_mangle]
pub unsafe extern "C" fn rr_lease_options_set_stop_on_close(
    options: *mut rr_lease_options,
    stop_on_close: bool,
    err: *mut *mut rr_error,
) -> rr_status {
    rr_lease_options_set_stop_on_drop(options, stop_on_close, err)
}

/// The earlier name of `rr_lease_options_set_stop_on_close()` (the same setting).
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
