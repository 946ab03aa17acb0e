//! The getters of the storage models (their types are in `views`): `rr_string_list` (blob
//! names), `rr_upload_report`, `rr_preflight` and `rr_bytes`. Strings and lists are borrowed
//! from the handle they come from.

use crate::args::{arg, out_const};
use crate::boundary::{ffi_call, get_str, get_value};
use crate::error::rr_error;
use crate::handle::free;
use crate::status::rr_status;
use crate::views::{rr_bytes, rr_preflight, rr_string_list, rr_upload_report};
use std::ffi::c_char;

// ---- rr_string_list ----

/// How many strings the list holds.
#[no_mangle]
pub unsafe extern "C" fn rr_string_list_get_count(
    list: *const rr_string_list,
    out: *mut usize,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(list, "list", out, err, |l| l.items.len())
}

/// The string at `index`, borrowed from the list. An index past the end is
/// `RR_STATUS_INVALID_INPUT`.
#[no_mangle]
pub unsafe extern "C" fn rr_string_list_get(
    list: *const rr_string_list,
    index: usize,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_const(out, "out")?;
        let l = arg(list, "list")?;
        match l.items.get(index) {
            Some(s) => *out = s.as_ptr(),
            None => {
                return Err(remote_rendering::Error::invalid_input(
                    "index",
                    format!("{index} is past the last of {} strings", l.items.len()),
                )
                .into())
            }
        }
        Ok(())
    })
}

/// Frees a list the caller owns (one returned by `rr_blob_container_list()`; never one
/// borrowed from another handle). NULL does nothing.
///
/// `list` is NULL or a list owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_string_list_free(list: *mut rr_string_list) {
    free(list)
}

// ---- rr_upload_report ----

unsafe fn get_list<T>(
    handle: *const T,
    name: &'static str,
    out: *mut *const rr_string_list,
    err: *mut *mut rr_error,
    f: impl FnOnce(&T) -> &rr_string_list,
) -> rr_status {
    ffi_call!(err, {
        let out = out_const(out, "out")?;
        *out = f(arg(handle, name)?) as *const rr_string_list;
        Ok(())
    })
}

/// The blobs uploaded completely, in name order, borrowed from the report.
#[no_mangle]
pub unsafe extern "C" fn rr_upload_report_get_uploaded(
    report: *const rr_upload_report,
    out: *mut *const rr_string_list,
    err: *mut *mut rr_error,
) -> rr_status {
    get_list(report, "report", out, err, |r| &r.uploaded)
}

/// The blobs not uploaded (failed, or not started when the upload stopped), in name order,
/// borrowed from the report. None of them was left half-written.
#[no_mangle]
pub unsafe extern "C" fn rr_upload_report_get_not_uploaded(
    report: *const rr_upload_report,
    out: *mut *const rr_string_list,
    err: *mut *mut rr_error,
) -> rr_status {
    get_list(report, "report", out, err, |r| &r.not_uploaded)
}

/// The bytes of the uploaded blobs.
#[no_mangle]
pub unsafe extern "C" fn rr_upload_report_get_bytes(
    report: *const rr_upload_report,
    out: *mut u64,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(report, "report", out, err, |r| r.inner.bytes)
}

/// Frees a report the caller owns (never one borrowed from an error). NULL does nothing.
///
/// `report` is NULL or a report owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_upload_report_free(report: *mut rr_upload_report) {
    free(report)
}

// ---- rr_preflight ----

/// The input blob (its prefix included), borrowed from the preflight.
#[no_mangle]
pub unsafe extern "C" fn rr_preflight_get_input_blob(
    preflight: *const rr_preflight,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(preflight, "preflight", out, err, |p| p.input_blob.as_ptr())
}

/// The size of the input blob in bytes.
#[no_mangle]
pub unsafe extern "C" fn rr_preflight_get_input_bytes(
    preflight: *const rr_preflight,
    out: *mut u64,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(preflight, "preflight", out, err, |p| p.inner.input_bytes)
}

/// The blobs a glTF input references, each found, borrowed from the preflight (empty for
/// other inputs).
#[no_mangle]
pub unsafe extern "C" fn rr_preflight_get_referenced(
    preflight: *const rr_preflight,
    out: *mut *const rr_string_list,
    err: *mut *mut rr_error,
) -> rr_status {
    get_list(preflight, "preflight", out, err, |p| &p.referenced)
}

/// Frees a preflight. NULL does nothing.
///
/// `preflight` is NULL or a preflight owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_preflight_free(preflight: *mut rr_preflight) {
    free(preflight)
}

// ---- rr_bytes ----

/// The bytes, borrowed from the handle (not NUL-terminated; NULL when there are none).
#[no_mangle]
pub unsafe extern "C" fn rr_bytes_get_data(
    bytes: *const rr_bytes,
    out: *mut *const u8,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_const(out, "out")?;
        let b = arg(bytes, "bytes")?;
        if !b.data.is_empty() {
            *out = b.data.as_ptr();
        }
        Ok(())
    })
}

/// How many bytes there are.
#[no_mangle]
pub unsafe extern "C" fn rr_bytes_get_size(
    bytes: *const rr_bytes,
    out: *mut usize,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(bytes, "bytes", out, err, |b| b.data.len())
}

/// Frees bytes. NULL does nothing.
///
/// `bytes` is NULL or bytes owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_bytes_free(bytes: *mut rr_bytes) {
    free(bytes)
}
