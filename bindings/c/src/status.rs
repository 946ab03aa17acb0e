//! `rr_status`: the result of every call, and the one table from the core's error kinds to it.
//!
//! Values are explicit and never renumbered: a new core kind gets a new number at the end of
//! the kinds' range; a status is never reused.

use crate::ffi::ffi_value;
use remote_rendering::ErrorKind;
use std::ffi::{c_char, CString};
use std::sync::OnceLock;

/// What a call came to. `RR_STATUS_OK` is 0; every other value but `RR_STATUS_PENDING` is a
/// failure, described by the `rr_error` the call stores when given an `err` out-parameter.
/// The error statuses 1 to 14 are the core's error kinds; `rr_status_code()` names each with
/// the code string every language uses (`"NOT_FOUND"`, …).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
pub enum rr_status {
    /// Success.
    RR_STATUS_OK = 0,
    /// A value was refused before anything was sent (the error's field names it), the service
    /// answered 400, or a handle was used the wrong way (e.g. a result taken twice).
    RR_STATUS_INVALID_INPUT = 1,
    /// 401: the credential or token was refused.
    RR_STATUS_UNAUTHORIZED = 2,
    /// 403: not allowed (another account's resource, storage not linked).
    RR_STATUS_FORBIDDEN = 3,
    /// 404: no such session or conversion.
    RR_STATUS_NOT_FOUND = 4,
    /// 409: the id exists with other settings.
    RR_STATUS_CONFLICT = 5,
    /// 422: the service refused the value (a lease that does not grow).
    RR_STATUS_UNPROCESSABLE = 6,
    /// 429: throttled, after the retries allowed.
    RR_STATUS_THROTTLED = 7,
    /// 5xx: the service failed, after the retries allowed.
    RR_STATUS_SERVICE_ERROR = 8,
    /// The connection failed or broke, after the retries allowed.
    RR_STATUS_TRANSPORT_ERROR = 9,
    /// A wait passed its deadline, or a call its `timeout_ms`.
    RR_STATUS_TIMEOUT = 10,
    /// The caller cancelled.
    RR_STATUS_CANCELLED = 11,
    /// A session reached `Error`, `Expired` or `Stopped` while waited on.
    RR_STATUS_SESSION_FAILED = 12,
    /// A conversion reached `Failed` or `Cancelled` while waited on.
    RR_STATUS_CONVERSION_FAILED = 13,
    /// The service answered something this client cannot read.
    RR_STATUS_PROTOCOL_ERROR = 14,
    /// Not a failure: a non-blocking operation is still running (no `rr_error` is made).
    RR_STATUS_PENDING = 50,
    /// An error kind newer than this header (`rr_error_code()` names it). Never returned by a
    /// library built from the same sources as this header.
    RR_STATUS_OTHER_ERROR = 99,
    /// A required pointer argument was NULL (the error's field names the parameter).
    RR_STATUS_NULL_ARGUMENT = 100,
    /// A string argument was not valid UTF-8 (the error's field names the parameter).
    RR_STATUS_INVALID_UTF8 = 101,
    /// A bug: the library panicked. The call had no effect, or an unknown part of it.
    RR_STATUS_PANIC = 102,
}

/// The one mapping from the core's error kinds to statuses.
const KINDS: &[(ErrorKind, rr_status)] = &[
    (ErrorKind::InvalidInput, rr_status::RR_STATUS_INVALID_INPUT),
    (ErrorKind::Unauthorized, rr_status::RR_STATUS_UNAUTHORIZED),
    (ErrorKind::Forbidden, rr_status::RR_STATUS_FORBIDDEN),
    (ErrorKind::NotFound, rr_status::RR_STATUS_NOT_FOUND),
    (ErrorKind::Conflict, rr_status::RR_STATUS_CONFLICT),
    (ErrorKind::Unprocessable, rr_status::RR_STATUS_UNPROCESSABLE),
    (ErrorKind::Throttled, rr_status::RR_STATUS_THROTTLED),
    (ErrorKind::Service, rr_status::RR_STATUS_SERVICE_ERROR),
    (ErrorKind::Transport, rr_status::RR_STATUS_TRANSPORT_ERROR),
    (ErrorKind::Timeout, rr_status::RR_STATUS_TIMEOUT),
    (ErrorKind::Cancelled, rr_status::RR_STATUS_CANCELLED),
    (
        ErrorKind::SessionFailed,
        rr_status::RR_STATUS_SESSION_FAILED,
    ),
    (
        ErrorKind::ConversionFailed,
        rr_status::RR_STATUS_CONVERSION_FAILED,
    ),
    (ErrorKind::Protocol, rr_status::RR_STATUS_PROTOCOL_ERROR),
    // A panic caught at the boundary is the core's INTERNAL_ERROR; the status keeps its name.
    (ErrorKind::Internal, rr_status::RR_STATUS_PANIC),
];

/// The statuses that are not core kinds, with their code strings.
const OWN: &[(rr_status, &str)] = &[
    (rr_status::RR_STATUS_OK, "OK"),
    (rr_status::RR_STATUS_PENDING, "PENDING"),
    (rr_status::RR_STATUS_OTHER_ERROR, "OTHER_ERROR"),
    (rr_status::RR_STATUS_NULL_ARGUMENT, "NULL_ARGUMENT"),
    (rr_status::RR_STATUS_INVALID_UTF8, "INVALID_UTF8"),
];

/// The status of a core error kind.
pub(crate) fn status_of(kind: ErrorKind) -> rr_status {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(rr_status::RR_STATUS_OTHER_ERROR, |(_, s)| *s)
}

/// The code string of a status value: the core's `ErrorKind::code()` for the kinds.
pub(crate) fn code_of(status: u32) -> Option<&'static str> {
    KINDS
        .iter()
        .find(|(_, s)| *s as u32 == status)
        .map(|(k, _)| k.code())
        .or_else(|| {
            OWN.iter()
                .find(|(s, _)| *s as u32 == status)
                .map(|(_, c)| *c)
        })
}

fn codes() -> &'static Vec<(u32, CString)> {
    static CODES: OnceLock<Vec<(u32, CString)>> = OnceLock::new();
    CODES.get_or_init(|| {
        KINDS
            .iter()
            .map(|(_, s)| *s as u32)
            .chain(OWN.iter().map(|(s, _)| *s as u32))
            .map(|s| {
                (
                    s,
                    CString::new(code_of(s).expect("listed")).expect("no NUL"),
                )
            })
            .collect()
    })
}

/// The stable code string of a status (`"OK"`, `"NOT_FOUND"`, `"NULL_ARGUMENT"`, …), static;
/// `"UNKNOWN_STATUS"` for a value that is not a status. Never NULL.
#[no_mangle]
pub extern "C" fn rr_status_code(status: u32) -> *const c_char {
    ffi_value!(c"PANIC".as_ptr(), {
        codes()
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(c"UNKNOWN_STATUS".as_ptr(), |(_, c)| c.as_ptr())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_kind_has_its_own_status_named_after_its_code() {
        let mut seen = std::collections::HashSet::new();
        for kind in ErrorKind::ALL {
            let status = status_of(*kind);
            assert_ne!(
                status,
                rr_status::RR_STATUS_OTHER_ERROR,
                "{kind:?} has no status"
            );
            assert!(seen.insert(status), "{kind:?} shares a status");
            let named = remote_rendering::vocabulary::error_entry(*kind).classes.c;
            assert_eq!(
                format!("{status:?}"),
                named,
                "the shared table names {kind:?}"
            );
            assert_eq!(code_of(status as u32), Some(kind.code()));
        }
    }

    #[test]
    fn statuses_keep_their_numbers() {
        use rr_status::*;
        let published = [
            (RR_STATUS_OK, 0),
            (RR_STATUS_INVALID_INPUT, 1),
            (RR_STATUS_UNAUTHORIZED, 2),
            (RR_STATUS_FORBIDDEN, 3),
            (RR_STATUS_NOT_FOUND, 4),
            (RR_STATUS_CONFLICT, 5),
            (RR_STATUS_UNPROCESSABLE, 6),
            (RR_STATUS_THROTTLED, 7),
            (RR_STATUS_SERVICE_ERROR, 8),
            (RR_STATUS_TRANSPORT_ERROR, 9),
            (RR_STATUS_TIMEOUT, 10),
            (RR_STATUS_CANCELLED, 11),
            (RR_STATUS_SESSION_FAILED, 12),
            (RR_STATUS_CONVERSION_FAILED, 13),
            (RR_STATUS_PROTOCOL_ERROR, 14),
            (RR_STATUS_PENDING, 50),
            (RR_STATUS_OTHER_ERROR, 99),
            (RR_STATUS_NULL_ARGUMENT, 100),
            (RR_STATUS_INVALID_UTF8, 101),
            (RR_STATUS_PANIC, 102),
        ];
        for (status, number) in published {
            assert_eq!(status as u32, number, "{status:?} was renumbered");
            assert!(code_of(number).is_some(), "{status:?} has no code string");
        }
    }

    #[test]
    fn codes_are_static_strings() {
        let c = unsafe { std::ffi::CStr::from_ptr(rr_status_code(4)) };
        assert_eq!(c.to_str().unwrap(), "NOT_FOUND");
        let c = unsafe { std::ffi::CStr::from_ptr(rr_status_code(7777)) };
        assert_eq!(c.to_str().unwrap(), "UNKNOWN_STATUS");
    }
}
