//! Arguments crossing from C: borrowed handles, out-parameters and strings, so that NULL and
//! invalid UTF-8 become a [`Failure`] naming the parameter, never a crash; and the `user_data`
//! pointer of callbacks.

use crate::error::{Failure, Outcome};
use std::ffi::{c_char, CStr};

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
