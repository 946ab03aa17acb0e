//! Errors as JS `Error` objects with the error's data as properties, built here on the JS thread,
//! and the panic guard of every call into the core.
//!
//! A failed call crosses as an `Error` whose `code`, `status`, `msCv`, `retryAfter` (ms), `field`
//! (camelCase), `retriable`, `details`, `session`, `conversion`, `uploadReport` and
//! `conversionReport` are ordinary properties; the JS layer maps `code` to its class once. A
//! future cannot build JS values on the runtime's worker, so async calls return an [`Outcome`],
//! whose conversion (which napi runs on the JS thread when it settles the promise) builds the
//! error object and rejects the promise with it.

use futures_util::FutureExt;
use napi::bindgen_prelude::*;
use napi::sys;
use remote_rendering::{Error as CoreError, ErrorKind};
use std::future::Future;
use std::panic::AssertUnwindSafe;

/// Why a call failed: the core's error, or a panic caught at the boundary (a bug).
pub enum Failure {
    Core(Box<CoreError>),
    Internal(String),
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        Failure::Core(Box::new(e))
    }
}

/// The result of a call as it crosses to JS: the value, or why it failed.
pub enum Outcome<T> {
    Ok(T),
    Err(Failure),
}

impl<T, E: Into<Failure>> From<std::result::Result<T, E>> for Outcome<T> {
    fn from(r: std::result::Result<T, E>) -> Self {
        match r {
            Ok(v) => Outcome::Ok(v),
            Err(e) => Outcome::Err(e.into()),
        }
    }
}

impl<T: ToNapiValue> ToNapiValue for Outcome<T> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        match val {
            Outcome::Ok(v) => unsafe { T::to_napi_value(env, v) },
            // napi throws (sync) or rejects with (async) the value an `Error` holds.
            Outcome::Err(e) => Err(js_error(env, &e)),
        }
    }
}

impl<T: TypeName> TypeName for Outcome<T> {
    fn type_name() -> &'static str {
        T::type_name()
    }
    fn value_type() -> ValueType {
        T::value_type()
    }
}

/// The core's error as a napi error holding a JS `Error` object with the error's properties (or,
/// if building that object fails, a plain error with the message).
pub fn js_error(env: sys::napi_env, e: &Failure) -> napi::Error {
    match js_error_object(env, e) {
        // SAFETY: a value just created in this env, on its thread.
        Ok(obj) => napi::Error::from(unsafe { Unknown::from_raw_unchecked(env, obj) }),
        Err(_) => napi::Error::new(Status::GenericFailure, message(e)),
    }
}

fn message(e: &Failure) -> String {
    match e {
        Failure::Core(e) => e.to_string(),
        Failure::Internal(m) => m.clone(),
    }
}

/// The error as a JS object (also for the entries of a batch, e.g. `waitForSessions`).
pub fn js_error_object(env: sys::napi_env, e: &Failure) -> Result<sys::napi_value> {
    let env = Env::from_raw(env);
    match e {
        Failure::Core(e) => build(&env, e),
        Failure::Internal(m) => {
            let mut obj = env.create_error(napi::Error::new(Status::GenericFailure, m.clone()))?;
            obj.set("code", ErrorKind::Internal.code())?;
            obj.set("retriable", false)?;
            Ok(obj.raw())
        }
    }
}

fn build(env: &Env, e: &CoreError) -> Result<sys::napi_value> {
    let mut obj = env.create_error(napi::Error::new(Status::GenericFailure, e.to_string()))?;
    obj.set("code", e.code())?;
    obj.set("retriable", e.is_retriable())?;
    if let Some(v) = e.status() {
        obj.set("status", v as u32)?;
    }
    if let Some(v) = e.ms_cv() {
        obj.set("msCv", v)?;
    }
    if let Some(d) = e.retry_after() {
        obj.set("retryAfter", d.as_secs_f64() * 1000.0)?;
    }
    if let Some(f) = e.field() {
        obj.set("field", camel(f))?;
    }
    if let Some(d) = e.service_error() {
        obj.set(
            "details",
            remote_rendering::vocabulary::CamelView::camel_view(d),
        )?;
    }
    if let Some(s) = e.session() {
        obj.set(
            "session",
            remote_rendering::vocabulary::CamelView::camel_view(s),
        )?;
    }
    if let Some(c) = e.conversion() {
        obj.set(
            "conversion",
            remote_rendering::vocabulary::CamelView::camel_view(c),
        )?;
    }
    if let Some(r) = e.upload_report() {
        obj.set(
            "uploadReport",
            remote_rendering::vocabulary::CamelView::camel_view(r),
        )?;
    }
    if let Some(r) = e.conversion_report() {
        obj.set("conversionReport", r)?;
    }
    Ok(obj.raw())
}

/// `keep_alive.step_minutes` -> `keepAlive.stepMinutes`: the core names fields in snake_case,
/// JS callers know them in camelCase.
fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A panic's payload as an error of this library (a bug), never an abort of the process.
pub fn panicked(payload: Box<dyn std::any::Any + Send>) -> Failure {
    Failure::Core(Box::new(CoreError::from_panic(&*payload)))
}

/// Runs a blocking call; a panic in it becomes an `INTERNAL_ERROR`.
pub fn guard<T>(f: impl FnOnce() -> std::result::Result<T, CoreError>) -> Outcome<T> {
    match std::panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.into(),
        Err(p) => Outcome::Err(panicked(p)),
    }
}

/// Awaits a call's future; a panic while it is polled becomes an `INTERNAL_ERROR`.
pub async fn guard_async<T>(
    fut: impl Future<Output = std::result::Result<T, CoreError>>,
) -> Outcome<T> {
    match AssertUnwindSafe(fut).catch_unwind().await {
        Ok(r) => r.into(),
        Err(p) => Outcome::Err(panicked(p)),
    }
}
