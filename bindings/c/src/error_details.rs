//! The getters of `rr_error_details` (the service's description of an error: code, message,
//! target and nested details), and where one is borrowed from: a failed session
//! (`rr_session_get_error()`), a failed conversion (`rr_conversion_get_error()`), or a failed
//! call (`rr_error_service_error()`, in `error`).

use crate::args::{arg, out_const};
use crate::boundary::{ffi_call, get_str, get_value};
use crate::cstr::opt_ptr;
use crate::error::rr_error;
use crate::status::rr_status;
use crate::views::{rr_conversion, rr_error_details, rr_session};
use std::ffi::c_char;

/// Why the session is in Error, borrowed from the session; `*out` is NULL when the service gave
/// no error.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_error(
    session: *const rr_session,
    out: *mut *const rr_error_details,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_const(out, "out")?;
        if let Some(e) = &arg(session, "session")?.error {
            *out = e as *const rr_error_details;
        }
        Ok(())
    })
}

/// Why the conversion failed, borrowed from the conversion; `*out` is NULL when the service
/// gave no error.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_error(
    conversion: *const rr_conversion,
    out: *mut *const rr_error_details,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_const(out, "out")?;
        if let Some(e) = &arg(conversion, "conversion")?.error {
            *out = e as *const rr_error_details;
        }
        Ok(())
    })
}

/// The service's error code (e.g. `"InputNotFound"`), borrowed.
#[no_mangle]
pub unsafe extern "C" fn rr_error_details_get_code(
    details: *const rr_error_details,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(details, "details", out, err, |d| d.code.as_ptr())
}

/// The service's message, borrowed.
#[no_mangle]
pub unsafe extern "C" fn rr_error_details_get_message(
    details: *const rr_error_details,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(details, "details", out, err, |d| d.message.as_ptr())
}

/// The part of the request at fault (e.g. `"settings.inputLocation"`), borrowed; NULL when
/// the service did not say.
#[no_mangle]
pub unsafe extern "C" fn rr_error_details_get_target(
    details: *const rr_error_details,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(details, "details", out, err, |d| opt_ptr(&d.target))
}

/// How many nested errors this error is made of (often 0).
#[no_mangle]
pub unsafe extern "C" fn rr_error_details_get_details_count(
    details: *const rr_error_details,
    out: *mut usize,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(details, "details", out, err, |d| d.details.len())
}

/// The nested error at `index`, borrowed from `details`. An index past the end is
/// `RR_STATUS_INVALID_INPUT`.
#[no_mangle]
pub unsafe extern "C" fn rr_error_details_get_detail(
    details: *const rr_error_details,
    index: usize,
    out: *mut *const rr_error_details,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_const(out, "out")?;
        let d = arg(details, "details")?;
        match d.details.get(index) {
            Some(inner) => *out = inner as *const rr_error_details,
            None => {
                return Err(remote_rendering::Error::invalid_input(
                    "index",
                    format!("{index} is past the last of {} details", d.details.len()),
                )
                .into())
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use remote_rendering::ErrorDetails;
    use std::ffi::CStr;

    #[test]
    fn target_and_nested_details_cross_to_c() {
        let inner = ErrorDetails {
            code: "InvalidSas".into(),
            message: "the SAS has expired".into(),
            details: vec![],
            target: Some("settings.inputLocation.storageContainerReadListSas".into()),
        };
        let outer = ErrorDetails {
            code: "InvalidArgument".into(),
            message: "the settings are not valid".into(),
            details: vec![inner],
            target: None,
        };
        let d = rr_error_details::new(&outer);
        let s = |p: *const c_char| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
        unsafe {
            let mut p: *const c_char = std::ptr::null();
            assert_eq!(
                rr_error_details_get_code(&d, &mut p, std::ptr::null_mut()),
                rr_status::RR_STATUS_OK
            );
            assert_eq!(s(p), "InvalidArgument");
            assert_eq!(
                rr_error_details_get_target(&d, &mut p, std::ptr::null_mut()),
                rr_status::RR_STATUS_OK
            );
            assert!(p.is_null(), "no target");
            let mut n = 0usize;
            rr_error_details_get_details_count(&d, &mut n, std::ptr::null_mut());
            assert_eq!(n, 1);
            let mut nested: *const rr_error_details = std::ptr::null();
            assert_eq!(
                rr_error_details_get_detail(&d, 0, &mut nested, std::ptr::null_mut()),
                rr_status::RR_STATUS_OK
            );
            rr_error_details_get_target(nested, &mut p, std::ptr::null_mut());
            assert_eq!(s(p), "settings.inputLocation.storageContainerReadListSas");
            assert_eq!(
                rr_error_details_get_detail(&d, 1, &mut nested, std::ptr::null_mut()),
                rr_status::RR_STATUS_INVALID_INPUT
            );
            assert!(nested.is_null());
        }
    }
}
