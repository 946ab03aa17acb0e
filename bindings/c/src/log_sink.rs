//! The one log callback of the process and its records: `rr_log_level`, `rr_log_record`,
//! `rr_log_fn`, and [`emit`], which the records' source (`log_bridge`) calls.
//!
//! The guarantee "never called after it is unset": a callback runs with the sink's read lock
//! held, and `rr_set_log_callback` takes the write lock, so it returns only once every call
//! in flight has returned; after that the old callback is unreachable. A callback that calls
//! `rr_set_log_callback` (which would wait for itself) is refused with
//! `RR_STATUS_INVALID_INPUT`, and records made on a thread while it runs a callback (by a call
//! of this library inside the callback) are dropped rather than delivered re-entrantly.

use crate::args::UserData;
use crate::cstr::cstring;
use std::cell::Cell;
use std::ffi::{c_char, c_void};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::RwLock;

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
    /// What happened, with its fields (`retrying what=get session attempt=1 status=503 ...`).
    pub message: *const c_char,
}

/// Receives the records of the log stream. It runs on the thread that made the record (the
/// caller's, or a runtime thread), possibly on several threads at once, so it must be
/// thread-safe. It must not throw or longjmp, and must not call `rr_set_log_callback()`.
pub type rr_log_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, record: *const rr_log_record)>;

struct Sink {
    f: unsafe extern "C" fn(*mut c_void, *const rr_log_record),
    user_data: UserData,
    max_level: rr_log_level,
}

static SINK: RwLock<Option<Sink>> = RwLock::new(None);
/// The max level of the sink (0: none), read without the lock by the filter of the core's events.
static MAX_LEVEL: AtomicU32 = AtomicU32::new(0);

thread_local! {
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
}

/// Whether a record of `level` would reach a callback (cheap: no lock).
pub(crate) fn enabled(level: rr_log_level) -> bool {
    (level as u32) <= MAX_LEVEL.load(Ordering::Relaxed) && !IN_CALLBACK.with(Cell::get)
}

/// Hands one record to the callback, if one is set and wants its level.
pub(crate) fn emit(level: rr_log_level, target: &str, message: &str) {
    if !enabled(level) {
        return;
    }
    let guard = SINK.read().unwrap_or_else(|p| p.into_inner());
    let Some(sink) = guard.as_ref() else { return };
    if level > sink.max_level {
        return;
    }
    let (target, message) = (cstring(target), cstring(message));
    let record = rr_log_record {
        level,
        target: target.as_ptr(),
        message: message.as_ptr(),
    };
    IN_CALLBACK.with(|c| c.set(true));
    // SAFETY: the caller of rr_set_log_callback promised a valid callback and user data until
    // it is unset, and unsetting waits for this read lock.
    unsafe { (sink.f)(sink.user_data.ptr(), &record) };
    IN_CALLBACK.with(|c| c.set(false));
}

/// Whether this thread is running a log callback now.
pub(crate) fn in_callback() -> bool {
    IN_CALLBACK.with(Cell::get)
}

/// Replaces the callback (None: unsets it). Returns once no call of the old one is running.
pub(crate) fn replace(callback: rr_log_fn, user_data: *mut c_void, max_level: rr_log_level) {
    // Waits until no callback is running (each holds the read lock).
    let mut sink = SINK.write().unwrap_or_else(|p| p.into_inner());
    *sink = callback.map(|f| Sink {
        f,
        user_data: UserData(user_data),
        max_level,
    });
    MAX_LEVEL.store(
        if sink.is_some() { max_level as u32 } else { 0 },
        Ordering::SeqCst,
    );
}
