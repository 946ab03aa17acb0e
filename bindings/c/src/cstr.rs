//! Rust text as C strings: the two conversions every handle's borrowed strings are made with.

use std::ffi::{c_char, CString};

/// A C string of Rust text (an interior NUL, which no service string has, is dropped).
pub(crate) fn cstring(s: &str) -> CString {
    CString::new(s).unwrap_or_else(|_| CString::new(s.replace('\0', "")).expect("no NUL left"))
}

/// A borrowed C view of an optional string (NULL when absent).
pub(crate) fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())
}
