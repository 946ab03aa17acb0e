//! A session as the JS object its caller gets, built once on the JS thread: a plain object with
//! the core's fields under their camelCase names (the fields of [`CamelView`], in its order, a
//! field without a value left out), `createdOn` a `Date`, `error` and its `details` frozen, the
//! whole frozen. The JS layer hands it on as it is.
//!
//! The other calls cross a `serde_json::Value` that the JS layer copies into its model; this path
//! skips both the intermediate `Value` and the copy, for the calls made most often
//! (`getSession`, `startSession`, `updateSession`).
//!
//! [`CamelView`]: remote_rendering::vocabulary::CamelView

use napi::bindgen_prelude::*;
use napi::sys;
use remote_rendering::{ErrorDetails, Session};
use std::ffi::CStr;
use std::ptr;

/// A session that crosses to JS as its final, frozen model.
pub struct JsSession(pub Session);

unsafe fn object(env: sys::napi_env) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    check_status!(unsafe { sys::napi_create_object(env, &mut out) })?;
    Ok(out)
}

unsafe fn string(env: sys::napi_env, s: &str) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    check_status!(unsafe {
        sys::napi_create_string_utf8(env, s.as_ptr().cast(), s.len() as isize, &mut out)
    })?;
    Ok(out)
}

unsafe fn number(env: sys::napi_env, v: f64) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    check_status!(unsafe { sys::napi_create_double(env, v, &mut out) })?;
    Ok(out)
}

unsafe fn int(env: sys::napi_env, v: i64) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    check_status!(unsafe { sys::napi_create_int64(env, v, &mut out) })?;
    Ok(out)
}

unsafe fn set(
    env: sys::napi_env,
    obj: sys::napi_value,
    key: &CStr,
    v: sys::napi_value,
) -> Result<()> {
    check_status!(unsafe { sys::napi_set_named_property(env, obj, key.as_ptr(), v) })
}

unsafe fn freeze(env: sys::napi_env, v: sys::napi_value) -> Result<sys::napi_value> {
    check_status!(unsafe { sys::napi_object_freeze(env, v) })?;
    Ok(v)
}

/// The service's error as the JS layer's `errorDetails` makes it: `code`, `message`, `details`
/// (when there are any) and `target` (when given), frozen, its details too.
unsafe fn error_details(env: sys::napi_env, d: &ErrorDetails) -> Result<sys::napi_value> {
    unsafe {
        let obj = object(env)?;
        set(env, obj, c"code", string(env, &d.code)?)?;
        set(env, obj, c"message", string(env, &d.message)?)?;
        if !d.details.is_empty() {
            let mut arr = ptr::null_mut();
            check_status!(sys::napi_create_array_with_length(
                env,
                d.details.len(),
                &mut arr
            ))?;
            for (i, inner) in d.details.iter().enumerate() {
                check_status!(sys::napi_set_element(
                    env,
                    arr,
                    i as u32,
                    error_details(env, inner)?
                ))?;
            }
            set(env, obj, c"details", freeze(env, arr)?)?;
        }
        if let Some(t) = &d.target {
            set(env, obj, c"target", string(env, t)?)?;
        }
        freeze(env, obj)
    }
}

impl ToNapiValue for JsSession {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        let s = &val.0;
        unsafe {
            let obj = object(env)?;
            set(env, obj, c"id", string(env, &s.id)?)?;
            set(env, obj, c"status", string(env, s.status.as_str())?)?;
            set(env, obj, c"size", string(env, s.size.as_str())?)?;
            if let Some(v) = s.lease_minutes {
                set(env, obj, c"leaseMinutes", int(env, v)?)?;
            }
            if let Some(v) = s.elapsed_minutes {
                set(env, obj, c"elapsedMinutes", int(env, v)?)?;
            }
            if let Some(v) = &s.hostname {
                set(env, obj, c"hostname", string(env, v)?)?;
            }
            if let Some(v) = s.handshake_port {
                set(env, obj, c"handshakePort", int(env, v.into())?)?;
            }
            if let Some(v) = s.arr_inspector_port {
                set(env, obj, c"arrInspectorPort", int(env, v.into())?)?;
            }
            // serde_json writes a non-finite number as null, and a null field is left out.
            if let Some(v) = s.teraflops.filter(|v| v.is_finite()) {
                set(env, obj, c"teraflops", number(env, v)?)?;
            }
            if let Some(t) = &s.created_on {
                // What `new Date(text)` gives: the instant in whole milliseconds, rounded down.
                let ms = t.instant().unix_timestamp_nanos().div_euclid(1_000_000) as f64;
                let mut date = ptr::null_mut();
                check_status!(sys::napi_create_date(env, ms, &mut date))?;
                set(env, obj, c"createdOn", date)?;
            }
            if let Some(e) = &s.error {
                set(env, obj, c"error", error_details(env, e)?)?;
            }
            freeze(env, obj)
        }
    }
}

impl TypeName for JsSession {
    fn type_name() -> &'static str {
        "Object"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}
