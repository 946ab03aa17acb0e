//! The panic boundary of the functions that cannot fail (the accessors of `rr_error`,
//! `rr_status_code()`). Kept apart from the reporting of failures (`boundary`) so that the
//! error and status modules can use it without a circle. A panic's message is read by the
//! core's [`remote_rendering::panic_message`], as in every binding.

/// Runs the body of a function that cannot fail inside a panic boundary; `fallback` is
/// returned if it panics.
macro_rules! ffi_value {
    ($fallback:expr, $body:block) => {{
        ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)).unwrap_or($fallback)
    }};
}
pub(crate) use ffi_value;

pub(crate) use remote_rendering::panic_message;
