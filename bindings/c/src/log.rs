//! The log stream in C: `rr_set_log_callback(callback, user_data, max_level)` hands every
//! record of the core's log stream (`remote_rendering::log`: level, target, message; every
//! retry is a warning) to one callback, on the thread that made it. Secrets are never in a
//! record: the core never formats one.
//!
//! The guarantee "never called after it is unset" is the core's: a record being delivered holds
//! the sink, and setting another (or none) waits for it. A callback that calls
//! `rr_set_log_callback` (which would wait for itself) is refused with
//! `RR_STATUS_INVALID_INPUT`, and records made on a thread while it runs a callback (by a call
//! of this library inside the callback) are dropped rather than delivered re-entrantly.

use crate::args::UserData;
use crate::boundary::ffi_call;
use crate::cstr::cstring;
use crate::error::rr_error;
use crate::status::rr_status;
use remote_rendering::log::{set_sink, LogLevel, LogRecord};
use remote_rendering::{Error, ErrorKind};
use std::cell::Cell;
use std::ffi::{c_char, c_void};
use std::sync::Arc;

/// How much a record matters; a callback gets the records at or above its `max_level`
/// (`RR_LOG_LEVEL_WARN` gets errors and warnings).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[allow(non_camel_case_types)]
pub enum rr_log_level {
    /// Something failed that the caller may not see otherwise (a session that could not be
    /// stopped).
    RR_LOG_LEVEL_ERROR = 1,
    /// Something went wrong and was handled: every retry of a request is a warning.
    RR_LOG_LEVEL_WARN = 2,
    /// A change of state (a lease extended, a session stopped on drop).
    RR_LOG_LEVEL_INFO = 3,
    /// Every request.
    RR_LOG_LEVEL_DEBUG = 4,
    /// Everything.
    RR_LOG_LEVEL_TRACE = 5,
}

/// One record of the log stream, borrowed for the callback's call (copy what you keep).
#[repr(C)]
pub struct rr_log_record {
    pub level: rr_log_level,
    /// Where it comes from, e.g. `"remote_rendering::retry"`.
    pub target: *const c_char,
    /// What happened, then its fields (`retrying what=get session attempt=1 status=500 ...`).
    pub message: *const c_char,
}

/// Receives the records of the log stream. It runs on the thread that made the record (the
/// caller's, or a runtime thread), possibly on several threads at once, so it must be
/// thread-safe. It must not throw or longjmp, and must not call `rr_set_log_callback()`.
pub type rr_log_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, record: *const rr_log_record)>;

thread_local! {
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
}

fn c_level(level: LogLevel) -> rr_log_level {
    match level {
        LogLevel::Error => rr_log_level::RR_LOG_LEVEL_ERROR,
        LogLevel::Warn => rr_log_level::RR_LOG_LEVEL_WARN,
        LogLevel::Info => rr_log_level::RR_LOG_LEVEL_INFO,
        LogLevel::Debug => rr_log_level::RR_LOG_LEVEL_DEBUG,
        LogLevel::Trace => rr_log_level::RR_LOG_LEVEL_TRACE,
    }
}

fn core_level(level: u32) -> Option<LogLevel> {
    Some(match level {
        1 => LogLevel::Error,
        2 => LogLevel::Warn,
        3 => LogLevel::Info,
        4 => LogLevel::Debug,
        5 => LogLevel::Trace,
        _ => return None,
    })
}

/// Hands one record to the C callback, unless this thread is in a callback already.
fn deliver(
    f: unsafe extern "C" fn(*mut c_void, *const rr_log_record),
    user_data: UserData,
    r: &LogRecord,
) {
    if IN_CALLBACK.with(Cell::get) {
        return;
    }
    let (target, message) = (cstring(&r.target), cstring(&r.message));
    let record = rr_log_record {
        level: c_level(r.level),
        target: target.as_ptr(),
        message: message.as_ptr(),
    };
    IN_CALLBACK.with(|c| c.set(true));
    // SAFETY: the caller of rr_set_log_callback promised a valid callback and user data until
    // it is unset, and unsetting waits for this call.
    unsafe { f(user_data.ptr(), &record) };
    IN_CALLBACK.with(|c| c.set(false));
}

/// Sends the records of the log stream at or above `max_level` to `callback(user_data,
/// record)`, replacing the callback set before; a NULL `callback` unsets it (no records, the
/// default). When this returns, the callback set before is not running and is never called
/// again, so its `user_data` may be freed. Refused (`RR_STATUS_INVALID_INPUT`) from inside a
/// log callback.
#[no_mangle]
pub unsafe extern "C" fn rr_set_log_callback(
    callback: rr_log_fn,
    user_data: *mut c_void,
    max_level: rr_log_level,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        if IN_CALLBACK.with(Cell::get) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "rr_set_log_callback cannot be called from a log callback",
            )
            .into());
        }
        let level = max_level as u32;
        let Some(level) = core_level(level) else {
            return Err(Error::invalid_input(
                "max_level",
                format!("{level} is not an rr_log_level (1 to 5)"),
            )
            .into());
        };
        let user_data = UserData(user_data);
        let sink = callback.map(|f| {
            Arc::new(move |r: &LogRecord| deliver(f, user_data, r))
                as remote_rendering::log::LogSink
        });
        set_sink(sink, level);
        Ok(())
    })
}
