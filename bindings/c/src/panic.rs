//! The panic boundary of the functions that cannot fail (the accessors of `rr_error`,
//! `rr_status_code()`), and the one reading of a panic's message. Kept apart from the reporting
//! of failures (`boundary`) so that the error and status modules can use it without a circle.

/// Runs the body of a function that cannot fail inside a panic boundary; `fallback` is
/// returned if it panics.
macro_rules! ffi_value {
    ($fallback:expr, $body:block) => {{
        ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)).unwrap_or($fallback)
    }};
}
pub(crate) use ffi_value;

/// The message of a panic's payload (a `&str` or a `String`, as `panic!` makes them).
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_owned()
    }
}
