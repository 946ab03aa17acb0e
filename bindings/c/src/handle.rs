//! Owned handles: a Rust value boxed for C, and freed again. All casts of owned handles to and
//! from pointers are here.

use std::panic::{catch_unwind, AssertUnwindSafe};

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
