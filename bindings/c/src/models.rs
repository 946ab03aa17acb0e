//! The getters of `rr_session` and `rr_conversion` (their types are in `views`): strings are
//! borrowed from the handle, numbers are -1 when the service did not say.

use crate::args::{arg, out_const, out_ptr};
use crate::boundary::{ffi_call, get_str, get_value};
use crate::cstr::opt_ptr;
use crate::error::rr_error;
use crate::handle::{boxed, free};
use crate::status::rr_status;
use crate::views::{
    rr_conversion, rr_conversion_settings, rr_conversion_status, rr_session, rr_session_status,
};
use std::ffi::c_char;

// ---- rr_session ----

/// A copy of a session, owned by the caller (free with `rr_session_free()`).
#[no_mangle]
pub unsafe extern "C" fn rr_session_clone(
    session: *const rr_session,
    out: *mut *mut rr_session,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let s = arg(session, "session")?;
        *out = boxed(s.clone());
        Ok(())
    })
}

/// Frees a session. NULL does nothing.
///
/// `session` is NULL or a session owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_session_free(session: *mut rr_session) {
    free(session)
}

/// The session's id, borrowed from the session.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_id(
    session: *const rr_session,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(session, "session", out, err, |s| s.id.as_ptr())
}

/// The session's state.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_status(
    session: *const rr_session,
    out: *mut rr_session_status,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(session, "session", out, err, rr_session::status)
}

/// The session's state as the service wrote it (`"Ready"`, or a value this version does not
/// know), borrowed from the session.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_status_text(
    session: *const rr_session,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(session, "session", out, err, |s| s.status_text.as_ptr())
}

/// The session's size (`"Standard"`, `"Premium"`, or what the service wrote), borrowed from
/// the session.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_size(
    session: *const rr_session,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(session, "session", out, err, |s| s.size.as_ptr())
}

/// The host to connect to, borrowed from the session; NULL until the session is Ready.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_hostname(
    session: *const rr_session,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(session, "session", out, err, |s| opt_ptr(&s.hostname))
}

/// The handshake port; -1 until the session is Ready.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_handshake_port(
    session: *const rr_session,
    out: *mut i32,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(session, "session", out, err, |s| {
        s.inner.handshake_port.map_or(-1, i32::from)
    })
}

/// The ArrInspector port; -1 until the session is Ready.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_arr_inspector_port(
    session: *const rr_session,
    out: *mut i32,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(session, "session", out, err, |s| {
        s.inner.arr_inspector_port.map_or(-1, i32::from)
    })
}

/// The lease in minutes, counted from Ready (the service's `maxLeaseTimeMinutes`); -1 when
/// the service did not say.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_lease_minutes(
    session: *const rr_session,
    out: *mut i64,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(session, "session", out, err, |s| {
        s.inner.lease_minutes.unwrap_or(-1)
    })
}

/// Whole minutes spent Ready (the service's `elapsedTimeMinutes`); -1 when the service did not
/// say.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_elapsed_minutes(
    session: *const rr_session,
    out: *mut i64,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(session, "session", out, err, |s| {
        s.inner.elapsed_minutes.unwrap_or(-1)
    })
}

/// The server's compute power in teraflops; -1 when the service did not say.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_teraflops(
    session: *const rr_session,
    out: *mut f64,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(session, "session", out, err, |s| {
        s.inner.teraflops.unwrap_or(-1.0)
    })
}

/// When the session was created, as the service wrote it (RFC 3339), borrowed from the
/// session; NULL when the service did not say.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_created_on(
    session: *const rr_session,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(session, "session", out, err, |s| opt_ptr(&s.created_on))
}

/// The service's error code of a session in Error, borrowed from the session; NULL otherwise.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_error_code(
    session: *const rr_session,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(session, "session", out, err, |s| opt_ptr(&s.error_code))
}

/// The service's error message of a session in Error, borrowed from the session; NULL
/// otherwise.
#[no_mangle]
pub unsafe extern "C" fn rr_session_get_error_message(
    session: *const rr_session,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(session, "session", out, err, |s| opt_ptr(&s.error_message))
}

// ---- rr_conversion ----

/// A copy of a conversion, owned by the caller (free with `rr_conversion_free()`).
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_clone(
    conversion: *const rr_conversion,
    out: *mut *mut rr_conversion,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        let c = arg(conversion, "conversion")?;
        *out = boxed(c.clone());
        Ok(())
    })
}

/// Frees a conversion. NULL does nothing.
///
/// `conversion` is NULL or a conversion owned by the caller, not used again.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_free(conversion: *mut rr_conversion) {
    free(conversion)
}

/// The conversion's id, borrowed from the conversion.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_id(
    conversion: *const rr_conversion,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(conversion, "conversion", out, err, |c| c.id.as_ptr())
}

/// The conversion's state.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_status(
    conversion: *const rr_conversion,
    out: *mut rr_conversion_status,
    err: *mut *mut rr_error,
) -> rr_status {
    get_value(conversion, "conversion", out, err, rr_conversion::status)
}

/// The conversion's state as the service wrote it, borrowed from the conversion.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_status_text(
    conversion: *const rr_conversion,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(conversion, "conversion", out, err, |c| {
        c.status_text.as_ptr()
    })
}

/// When the conversion was created, as the service wrote it (RFC 3339), borrowed from the
/// conversion.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_created_on(
    conversion: *const rr_conversion,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(conversion, "conversion", out, err, |c| {
        c.created_on.as_ptr()
    })
}

/// The URI of the converted `.arrAsset`, borrowed from the conversion; NULL until it
/// succeeded.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_output_asset_uri(
    conversion: *const rr_conversion,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(conversion, "conversion", out, err, |c| {
        opt_ptr(&c.output_asset_uri)
    })
}

/// The service's error code of a failed conversion, borrowed from the conversion; NULL
/// otherwise.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_error_code(
    conversion: *const rr_conversion,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(conversion, "conversion", out, err, |c| {
        opt_ptr(&c.error_code)
    })
}

/// The service's error message of a failed conversion, borrowed from the conversion; NULL
/// otherwise.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_error_message(
    conversion: *const rr_conversion,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    get_str(conversion, "conversion", out, err, |c| {
        opt_ptr(&c.error_message)
    })
}

/// The conversion's settings as the service echoes them (without SAS), borrowed from the
/// conversion.
#[no_mangle]
pub unsafe extern "C" fn rr_conversion_get_settings(
    conversion: *const rr_conversion,
    out: *mut *const rr_conversion_settings,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_const(out, "out")?;
        let c = arg(conversion, "conversion")?;
        *out = &c.settings as *const rr_conversion_settings;
        Ok(())
    })
}
