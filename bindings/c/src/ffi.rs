//! The boundary between C and Rust. Every exported body runs inside [`ffi_call!`] (a panic
//! boundary that turns a [`Failure`] into an `rr_status` and, when the caller asked, an
//! `rr_error`), and every pointer and string crosses through the helpers here, so that NULL
//! and invalid UTF-8 become statuses, never crashes. All casts between handles and pointers
//! live in this file.

use crate::error::rr_error;
use crate::status::rr_status;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

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

/// Runs an exported body inside a panic boundary and reports its outcome: returns the status,
/// and stores a new `rr_error` in `*err` on failure when `err` is not NULL.
macro_rules! ffi_call {
    ($err:expr, $body:block) => {{
        let result = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> $crate::ffi::Outcome { $body },
        ));
        $crate::ffi::report($err, result)
    }};
}
pub(crate) use ffi_call;

/// Runs the body of a function that cannot fail (an accessor of `rr_error`) inside a panic
/// boundary; `fallback` is returned if it panics.
macro_rules! ffi_value {
    ($fallback:expr, $body:block) => {{
        ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)).unwrap_or($fallback)
    }};
}
pub(crate) use ffi_value;

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_owned()
    }
}

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

/// A borrowed handle: NULL is [`Failure::Null`].
///
/// # Safety
/// `p` is NULL or points to a live `T` for `'a`.
pub(crate) unsafe fn arg<'a, T>(p: *const T, name: &'static str) -> Outcome<&'a T> {
    p.as_ref().ok_or(Failure::Null(name))
}

/// A mutably borrowed handle: NULL is [`Failure::Null`].
///
/// # Safety
/// `p` is NULL or points to a live `T` used by no one else for `'a`.
pub(crate) unsafe fn arg_mut<'a, T>(p: *mut T, name: &'static str) -> Outcome<&'a mut T> {
    p.as_mut().ok_or(Failure::Null(name))
}

/// An out-parameter: NULL is [`Failure::Null`]. The target is cleared at once, so that it
/// holds NULL (or zero) whenever the call fails.
///
/// # Safety
/// `p` is NULL or points to writable storage for a `T`.
pub(crate) unsafe fn out<'a, T: Default>(p: *mut T, name: &'static str) -> Outcome<&'a mut T> {
    let slot = p.as_mut().ok_or(Failure::Null(name))?;
    p.write(T::default());
    Ok(slot)
}

/// An out-parameter for a pointer: NULL is [`Failure::Null`]; the target is set to NULL at once.
///
/// # Safety
/// `p` is NULL or points to writable storage for one pointer.
pub(crate) unsafe fn out_ptr<'a, T>(p: *mut *mut T, name: &'static str) -> Outcome<&'a mut *mut T> {
    let slot = p.as_mut().ok_or(Failure::Null(name))?;
    *slot = std::ptr::null_mut();
    Ok(slot)
}

/// [`out_ptr`] for a borrowed `const` result.
///
/// # Safety
/// As [`out_ptr`].
pub(crate) unsafe fn out_const<'a, T>(
    p: *mut *const T,
    name: &'static str,
) -> Outcome<&'a mut *const T> {
    let slot = p.as_mut().ok_or(Failure::Null(name))?;
    *slot = std::ptr::null();
    Ok(slot)
}

/// A borrowed, NUL-terminated UTF-8 string.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that lives for `'a`.
pub(crate) unsafe fn text<'a>(p: *const c_char, name: &'static str) -> Outcome<&'a str> {
    if p.is_null() {
        return Err(Failure::Null(name));
    }
    CStr::from_ptr(p).to_str().map_err(|_| Failure::Utf8(name))
}

/// A string where NULL means "not given".
///
/// # Safety
/// As [`text`].
pub(crate) unsafe fn opt_text<'a>(
    p: *const c_char,
    name: &'static str,
) -> Outcome<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        text(p, name).map(Some)
    }
}

/// A new owned handle for C.
pub(crate) fn boxed<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Frees a handle made by [`boxed`]; NULL does nothing. A panic in a destructor is contained.
///
/// # Safety
/// `p` is NULL or was made by [`boxed`] and is not used again.
pub(crate) unsafe fn free<T>(p: *mut T) {
    if !p.is_null() {
        let owned = Box::from_raw(p);
        let _ = catch_unwind(AssertUnwindSafe(move || drop(owned)));
    }
}

/// A C string of Rust text (an interior NUL, which no service string has, is dropped).
pub(crate) fn cstring(s: &str) -> CString {
    CString::new(s).unwrap_or_else(|_| CString::new(s.replace('\0', "")).expect("no NUL left"))
}

/// A borrowed C view of an optional string (NULL when absent).
pub(crate) fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())
}

/// A pointer that C owns and promises to keep valid (a callback's `user_data`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct UserData(pub *mut std::ffi::c_void);

impl UserData {
    /// The pointer (a method, so that closures capture the whole `Send` wrapper).
    pub(crate) fn ptr(self) -> *mut std::ffi::c_void {
        self.0
    }
}

// The caller promised, in the header, that `user_data` may be used from the runtime's threads.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

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
        let out = self::out(out, "out")?;
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
