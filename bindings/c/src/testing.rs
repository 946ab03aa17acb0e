//! Hidden hooks for this binding's own tests (not in the header: the tests declare them in
//! `tests/testing_hooks.h`). `rr_testing_panic` runs, as a blocking call of `client`, an
//! operation whose core call panics; `rr_testing_panic_async` starts the same as an
//! `rr_operation`. Both prove that a panic inside a core call comes back as
//! `RR_STATUS_PANIC` (code `INTERNAL_ERROR` in the vocabulary) and never aborts the process.

use crate::args::{arg, text};
use crate::boundary::ffi_call;
use crate::call::Call;
use crate::client::rr_client;
use crate::error::rr_error;
use crate::operation::{rr_operation, start_async};
use crate::status::rr_status;
use std::ffi::c_char;

/// An operation whose core call panics: at once (`remote_rendering::testing::panic_now`, as a
/// bug in a blocking part would) or after its first poll (`panic_later`, as in an async part).
fn panicking_call(message: String, later: bool) -> Call {
    Call::plain("panic for test", move |_client| async move {
        if later {
            remote_rendering::testing::panic_later(message).await;
        } else {
            remote_rendering::testing::panic_now(&message);
        }
        unreachable!("the hook panics")
    })
}

/// Runs an operation whose core call panics with `message`, blocking: `RR_STATUS_PANIC`.
#[no_mangle]
pub unsafe extern "C" fn rr_testing_panic(
    client: *const rr_client,
    message: *const c_char,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let client = arg(client, "client")?;
        let message = text(message, "message")?.to_owned();
        client.run(panicking_call(message, false), 0)?;
        Ok(())
    })
}

/// Starts an operation whose core call panics with `message`: the operation ends with
/// `RR_STATUS_PANIC`.
#[no_mangle]
pub unsafe extern "C" fn rr_testing_panic_async(
    client: *const rr_client,
    message: *const c_char,
    out: *mut *mut rr_operation,
    err: *mut *mut rr_error,
) -> rr_status {
    start_async(client, out, err, 0, || {
        Ok(panicking_call(text(message, "message")?.to_owned(), true))
    })
}
