//! The boundary between C and Rust. Every exported body runs inside [`ffi_call!`] (a panic
//! boundary that turns a [`Failure`] into an `rr_status` and, when the caller asked, an
//! `rr_error`); the bodies of getters and setters share the helpers here.

use crate::args::{arg, arg_mut, out_const};
use crate::error::{rr_error, Failure, Outcome};
use crate::panic::panic_message;
use crate::status::rr_status;
use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs an exported body inside a panic boundary and reports its outcome: returns the status,
/// and stores a new `rr_error` in `*err` on failure when `err` is not NULL.
macro_rules! ffi_call {
    ($err:expr, $body:block) => {{
        let result = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> $crate::error::Outcome { $body },
        ));
        $crate::boundary::report($err, result)
    }};
}
pub(crate) use ffi_call;

/// Turns the outcome of a body into its status, filling `*err` on failure.
///
/// # Safety
/// `err` is NULL or points to writable storage for one pointer.
pub(crate) unsafe fn report(
    err: *mut *mut rr_error,
    result: std::thread::Result<Outcome>,
) -> rr_status {
    let failure = match result {
        Ok(Ok(())) => return rr_status::RR_STATUS_OK,
        Ok(Err(Failure::Pending)) => return rr_status::RR_STATUS_PENDING,
        Ok(Err(f)) => f,
        Err(payload) => {
            let message = panic_message(payload.as_ref());
            // A payload whose destructor panics must not unwind out of here.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            Failure::Panic(message)
        }
    };
    let built = catch_unwind(AssertUnwindSafe(move || rr_error::from_failure(failure)));
    match built {
        Ok(e) => {
            let status = e.status();
            if !err.is_null() {
                *err = Box::into_raw(Box::new(e));
            }
            status
        }
        Err(_) => rr_status::RR_STATUS_PANIC,
    }
}

/// The body of a getter of a value: checks both pointers, then writes `f(handle)`.
///
/// # Safety
/// `handle` is NULL or live; `out` is NULL or writable; `err` as in [`report`].
pub(crate) unsafe fn get_value<T, V: Default>(
    handle: *const T,
    name: &'static str,
    out: *mut V,
    err: *mut *mut rr_error,
    f: impl FnOnce(&T) -> V,
) -> rr_status {
    ffi_call!(err, {
        let out = crate::args::out(out, "out")?;
        let handle = arg(handle, name)?;
        *out = f(handle);
        Ok(())
    })
}

/// The body of a getter of a string borrowed from its handle (NULL when absent).
///
/// # Safety
/// As [`get_value`].
pub(crate) unsafe fn get_str<T>(
    handle: *const T,
    name: &'static str,
    out: *mut *const c_char,
    err: *mut *mut rr_error,
    f: impl FnOnce(&T) -> *const c_char,
) -> rr_status {
    ffi_call!(err, {
        let out = out_const(out, "out")?;
        let handle = arg(handle, name)?;
        *out = f(handle);
        Ok(())
    })
}

/// The body of a setter of an options handle: checks the handle, then runs `f` on it.
///
/// # Safety
/// `handle` is NULL or live and not used by another thread during the call; `err` as in
/// [`report`].
pub(crate) unsafe fn set<T>(
    handle: *mut T,
    name: &'static str,
    err: *mut *mut rr_error,
    f: impl FnOnce(&mut T) -> Outcome,
) -> rr_status {
    ffi_call!(err, {
        let handle = arg_mut(handle, name)?;
        f(handle)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{out, out_ptr, text};
    use crate::error::{rr_error_code, rr_error_field, rr_error_free, rr_error_message};
    use std::ffi::CStr;

    /// Runs `body` as an exported function would, and returns its status and error.
    fn call(
        body: impl FnOnce() -> Outcome,
    ) -> (rr_status, Option<(String, String, Option<String>)>) {
        let mut err: *mut rr_error = std::ptr::null_mut();
        let status = unsafe { ffi_call!(&mut err, { body() }) };
        if err.is_null() {
            return (status, None);
        }
        let s = |p: *const c_char| unsafe { CStr::from_ptr(p).to_string_lossy().into_owned() };
        let details = unsafe {
            let field = rr_error_field(err);
            let d = (
                s(rr_error_code(err)),
                s(rr_error_message(err)),
                (!field.is_null()).then(|| s(field)),
            );
            rr_error_free(err);
            d
        };
        (status, Some(details))
    }

    #[test]
    fn a_panic_becomes_the_panic_status_with_its_message() {
        let (status, e) = call(|| panic!("boom in a body"));
        assert_eq!(status, rr_status::RR_STATUS_PANIC);
        let (code, message, _) = e.expect("an error");
        assert_eq!(code, "INTERNAL_ERROR");
        assert!(message.contains("boom in a body"), "{message}");
    }

    #[test]
    fn null_and_invalid_utf8_name_the_parameter_never_its_bytes() {
        let (status, e) = call(|| unsafe { text(std::ptr::null(), "session_id").map(drop) });
        assert_eq!(status, rr_status::RR_STATUS_NULL_ARGUMENT);
        assert_eq!(e.unwrap().2.as_deref(), Some("session_id"));
        let bad = b"secret\xff\0";
        let (status, e) = call(|| unsafe { text(bad.as_ptr().cast(), "account_key").map(drop) });
        assert_eq!(status, rr_status::RR_STATUS_INVALID_UTF8);
        let (code, message, field) = e.unwrap();
        assert_eq!(code, "INVALID_UTF8");
        assert_eq!(field.as_deref(), Some("account_key"));
        assert!(!message.contains("secret"), "{message}");
    }

    #[test]
    fn pending_is_a_status_without_an_error_and_err_may_be_null() {
        let (status, e) = call(|| Err(Failure::Pending));
        assert_eq!(status, rr_status::RR_STATUS_PENDING);
        assert!(e.is_none());
        let status = unsafe { ffi_call!(std::ptr::null_mut(), { Err(Failure::Null("x")) }) };
        assert_eq!(status, rr_status::RR_STATUS_NULL_ARGUMENT);
        let (status, e) = call(|| Ok(()));
        assert_eq!(status, rr_status::RR_STATUS_OK);
        assert!(e.is_none());
    }

    #[test]
    fn out_parameters_are_cleared_before_anything_else() {
        let mut slot: *mut u8 = 0x1 as *mut u8;
        let _ = unsafe { out_ptr(&mut slot, "out") };
        assert!(slot.is_null());
        let mut n: u32 = 7;
        let _ = unsafe { out(&mut n, "out") };
        assert_eq!(n, 0);
    }
}
