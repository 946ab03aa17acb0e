//! Hooks for the bindings' own test suites: each binding proves with them that a panic inside
//! a core call arrives as its language's `InternalError` (never an abort). Hidden from the
//! documentation; harmless in a release build (a panic caught at the boundary).

/// Panics with `message`, as a bug inside a blocking core call would.
#[doc(hidden)]
pub fn panic_now(message: &str) -> ! {
    panic!("{message}")
}

/// Panics with `message` after the first poll, as a bug inside an async core call would.
#[doc(hidden)]
pub async fn panic_later(message: String) {
    tokio::task::yield_now().await;
    panic!("{message}")
}
