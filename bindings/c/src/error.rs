//! `rr_error`: everything known about a failure (status, code string, message, HTTP status,
//! MS-CV, retry-after, the service's error, the resource as last seen), owned by the caller and
//! freed with `rr_error_free`. Its accessors cannot fail: given NULL they return NULL or zero.
//! Also [`Failure`], what a call's body fails with before it becomes an `rr_error`.
//!
//! Messages never contain secrets: the core's messages never do, and a string argument that is
//! NULL or not UTF-8 is named, never echoed.

use crate::cstr::{cstring, opt_ptr};
use crate::handle::free;
use crate::panic::ffi_value;
use crate::status::{code_of, rr_status, status_of};
use crate::views::{rr_conversion, rr_error_details, rr_session, rr_upload_report};
use std::ffi::{c_char, CString};

/// Why a call did not succeed, before it becomes a status (and an `rr_error`).
pub(crate) enum Failure {
    /// An error of the core (or one built with the core's kinds, e.g. a refused value).
    Core(remote_rendering::Error),
    /// An error reported before and kept (an operation's outcome, asked for again).
    Reported(Box<rr_error>),
    /// The parameter of this name was NULL.
    Null(&'static str),
    /// The parameter of this name was not valid UTF-8 (its bytes are never echoed: it may be a
    /// secret).
    Utf8(&'static str),
    /// Code of this library panicked (the message of the panic).
    Panic(String),
    /// Not a failure: an operation is still running (`RR_STATUS_PENDING`, no `rr_error`).
    Pending,
}

impl From<remote_rendering::Error> for Failure {
    fn from(e: remote_rendering::Error) -> Self {
        Failure::Core(e)
    }
}

/// What an exported body returns.
pub(crate) type Outcome<T = ()> = Result<T, Failure>;

/// A failure: returned through the optional `rr_error **err` of every call; free it with
/// `rr_error_free()`. Immutable, so it may be read from any thread.
#[derive(Clone, Debug)]
pub struct rr_error {
    status: rr_status,
    code: CString,
    message: CString,
    http_status: u16,
    ms_cv: Option<CString>,
    retry_after_ms: i64,
    field: Option<CString>,
    retriable: bool,
    service_code: Option<CString>,
    service_message: Option<CString>,
    service_error: Option<Box<rr_error_details>>,
    session: Option<Box<rr_session>>,
    conversion: Option<Box<rr_conversion>>,
    upload_report: Option<Box<rr_upload_report>>,
    conversion_report: Option<CString>,
}

impl rr_error {
    fn plain(status: rr_status, message: String, field: Option<&str>) -> rr_error {
        rr_error {
            status,
            code: cstring(code_of(status as u32).unwrap_or("UNKNOWN_STATUS")),
            message: cstring(&message),
            http_status: 0,
            ms_cv: None,
            retry_after_ms: -1,
            field: field.map(cstring),
            retriable: false,
            service_code: None,
            service_message: None,
            service_error: None,
            session: None,
            conversion: None,
            upload_report: None,
            conversion_report: None,
        }
    }

    /// The error of a core error, with everything it carries.
    pub(crate) fn from_core(e: &remote_rendering::Error) -> rr_error {
        let service = e.service_error();
        rr_error {
            status: status_of(e.kind()),
            code: cstring(e.code()),
            message: cstring(&e.to_string()),
            http_status: e.status().unwrap_or(0),
            ms_cv: e.ms_cv().map(cstring),
            retry_after_ms: e
                .retry_after()
                .map_or(-1, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            field: e.field().map(cstring),
            retriable: e.is_retriable(),
            service_code: service.map(|s| cstring(&s.code)),
            service_message: service.map(|s| cstring(&s.message)),
            service_error: service.map(|s| Box::new(rr_error_details::new(s))),
            session: e.session().map(|s| Box::new(rr_session::new(s.clone()))),
            conversion: e
                .conversion()
                .map(|c| Box::new(rr_conversion::new(c.clone()))),
            upload_report: e
                .upload_report()
                .map(|r| Box::new(rr_upload_report::new(r.clone()))),
            conversion_report: e.conversion_report().map(cstring),
        }
    }

    pub(crate) fn from_failure(f: Failure) -> rr_error {
        match f {
            Failure::Core(e) => rr_error::from_core(&e),
            Failure::Reported(e) => *e,
            Failure::Null(name) => rr_error::plain(
                rr_status::RR_STATUS_NULL_ARGUMENT,
                format!("{name} must not be NULL"),
                Some(name),
            ),
            Failure::Utf8(name) => rr_error::plain(
                rr_status::RR_STATUS_INVALID_UTF8,
                format!("{name} is not valid UTF-8"),
                Some(name),
            ),
            Failure::Panic(why) => rr_error::plain(
                rr_status::RR_STATUS_PANIC,
                format!("{}{why}", remote_rendering::PANIC_MESSAGE_PREFIX),
                None,
            ),
            Failure::Pending => rr_error::plain(
                rr_status::RR_STATUS_PENDING,
                "the operation is still running".to_owned(),
                None,
            ),
        }
    }

    pub(crate) fn status(&self) -> rr_status {
        self.status
    }
}

/// Frees an error. NULL does nothing.
///
/// `error` is NULL or an error from this library, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_error_free(error: *mut rr_error) {
    free(error)
}

/// The status of the call that failed (`RR_STATUS_NOT_FOUND`, …); `RR_STATUS_NULL_ARGUMENT`
/// for a NULL error.
///
/// `error` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn rr_error_status(error: *const rr_error) -> rr_status {
    ffi_value!(rr_status::RR_STATUS_PANIC, {
        error
            .as_ref()
            .map_or(rr_status::RR_STATUS_NULL_ARGUMENT, |e| e.status)
    })
}

/// The stable code string (`"NOT_FOUND"`, `"NULL_ARGUMENT"`, …), borrowed from the error.
/// NULL for a NULL error.
///
/// `error` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn rr_error_code(error: *const rr_error) -> *const c_char {
    ffi_value!(std::ptr::null(), {
        error.as_ref().map_or(std::ptr::null(), |e| e.code.as_ptr())
    })
}

/// What happened, in one line, with the HTTP status, the service's code and the MS-CV when
/// known; borrowed from the error. Never contains a key, token or SAS. NULL for a NULL error.
///
/// `error` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn rr_error_message(error: *const rr_error) -> *const c_char {
    ffi_value!(std::ptr::null(), {
        error
            .as_ref()
            .map_or(std::ptr::null(), |e| e.message.as_ptr())
    })
}

/// The HTTP status of the service's answer; 0 when there was none.
///
/// `error` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn rr_error_http_status(error: *const rr_error) -> u16 {
    ffi_value!(0, { error.as_ref().map_or(0, |e| e.http_status) })
}

/// The service's `MS-CV` correlation vector of the failing answer (quote it to support),
/// borrowed from the error; NULL when unknown.
///
/// `error` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn rr_error_ms_cv(error: *const rr_error) -> *const c_char {
    ffi_value!(std::ptr::null(), {
        error
            .as_ref()
            .map_or(std::ptr::null(), |e| opt_ptr(&e.ms_cv))
    })
}

/// How long the service asked to wait (`Retry-After`), in milliseconds; -1 when it did not say.
///
/// `error` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn rr_error_retry_after_ms(error: *const rr_error) -> i64 {
    ffi_value!(-1, { error.as_ref().map_or(-1, |e| e.retry_after_ms) })
}

/// The argument or setting at fault (`"session_id"`, `"lease_minutes"`, …) for
/// `RR_STATUS_INVALID_INPUT` refused before sending, `RR_STATUS_NULL_ARGUMENT` and
/// `RR_STATUS_INVALID_UTF8`; borrowed from the error; NULL otherwise.
///
/// `error` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn rr_error_field(error: *const rr_error) -> *const c_char {
    ffi_value!(std::ptr::null(), {
        error
            .as_ref()
            .map_or(std::ptr::null(), |e| opt_ptr(&e.field))
    })
}

/// Whether the same call may succeed later (throttling, 5xx, broken connections).
///
/// `error` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn rr_error_is_retriable(error: *const rr_error) -> bool {
    ffi_value!(false, { error.as_ref().is_some_and(|e| e.retriable) })
}

/// The service's own error code (e.g. `"Conflict"`, or a failed session's code), borrowed from
/// the error; NULL when the service gave none.
///
/// `error` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn rr_error_service_code(error: *const rr_error) -> *const c_char {
    ffi_value!(std::ptr::null(), {
        error
            .as_ref()
            .map_or(std::ptr::null(), |e| opt_ptr(&e.service_code))
    })
}

/// The service's own error message, borrowed from the error; NULL when the service gave none.
///
/// `error` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn rr_error_service_message(error: *const rr_error) -> *const c_char {
    ffi_value!(std::ptr::null(), {
        error
            .as_ref()
            .map_or(std::ptr::null(), |e| opt_ptr(&e.service_message))
    })
}

/// The service's own error in full (code, message, target, nested details), borrowed from the
/// error; NULL when the service gave none.
///
/// `error` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn rr_error_service_error(error: *const rr_error) -> *const rr_error_details {
    ffi_value!(std::ptr::null(), {
        error
            .as_ref()
            .and_then(|e| e.service_error.as_deref())
            .map_or(std::ptr::null(), |d| d as *const rr_error_details)
    })
}

/// The session as last seen, for `RR_STATUS_SESSION_FAILED` and a session wait's
/// `RR_STATUS_TIMEOUT` or `RR_STATUS_CANCELLED`; borrowed from the error; NULL otherwise.
///
/// `error` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn rr_error_session(error: *const rr_error) -> *const rr_session {
    ffi_value!(std::ptr::null(), {
        error
            .as_ref()
            .and_then(|e| e.session.as_deref())
            .map_or(std::ptr::null(), |s| s as *const rr_session)
    })
}

/// The conversion as last seen, for `RR_STATUS_CONVERSION_FAILED` and a conversion wait's
/// `RR_STATUS_TIMEOUT` or `RR_STATUS_CANCELLED`; borrowed from the error; NULL otherwise.
///
/// `error` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn rr_error_conversion(error: *const rr_error) -> *const rr_conversion {
    ffi_value!(std::ptr::null(), {
        error
            .as_ref()
            .and_then(|e| e.conversion.as_deref())
            .map_or(std::ptr::null(), |c| c as *const rr_conversion)
    })
}

/// For a failed upload (`rr_blob_container_upload()`, whatever the status: a file refused, the
/// storage unreachable, the deadline, a cancel): what was and was not uploaded, borrowed from
/// the error; NULL otherwise.
///
/// `error` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn rr_error_upload_report(error: *const rr_error) -> *const rr_upload_report {
    ffi_value!(std::ptr::null(), {
        error
            .as_ref()
            .and_then(|e| e.upload_report.as_deref())
            .map_or(std::ptr::null(), |r| r as *const rr_upload_report)
    })
}

/// For a conversion that failed while waited on with
/// `rr_client_wait_for_conversion_with_report()`: its result file and log as read back from the
/// output container (each cut at `RR_MAX_REPORT_BYTES`, SAS tokens redacted), borrowed from the
/// error; NULL otherwise (or when neither could be read).
///
/// `error` is NULL or a live error.
#[no_mangle]
pub unsafe extern "C" fn rr_error_conversion_report(error: *const rr_error) -> *const c_char {
    ffi_value!(std::ptr::null(), {
        error
            .as_ref()
            .map_or(std::ptr::null(), |e| opt_ptr(&e.conversion_report))
    })
}
