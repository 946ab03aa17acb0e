//! Hidden hooks for this binding's own tests (not in the header: the tests declare them in
//! `tests/testing_hooks.h`). `rr_testing_panic` runs, as a blocking call of `client`, an
//! operation whose core call panics; `rr_testing_panic_async` starts the same as an
//! `rr_operation`. Both prove that a panic inside a core call comes back as
//! `RR_STATUS_PANIC` (code `INTERNAL_ERROR` in the vocabulary) and never aborts the process.
//! `rr_testing_azurite_start` starts Azurite through the core's one launcher
//! (`remote_rendering::testing::azurite`), for the tests of blob storage; freeing the handle
//! stops it by PID and removes its data.

use crate::args::{arg, out_ptr, text};
use crate::boundary::ffi_call;
use crate::call::Call;
use crate::client::rr_client;
use crate::cstr::cstring;
use crate::error::rr_error;
use crate::handle::{boxed, free};
use crate::operation::{rr_operation, start_async};
use crate::status::rr_status;
use remote_rendering::testing::azurite::{self, Azurite};
use std::ffi::{c_char, CString};

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

/// A running Azurite (the core's launcher), stopped by PID and its data removed when freed.
pub struct rr_testing_azurite {
    running: Azurite,
    blob_endpoint: CString,
}

/// Starts Azurite on 127.0.0.1 and a free port as the core's tests do
/// (`Azurite::for_test`): `*out` is NULL when it is not installed and not required (the
/// reason is printed; the test skips); when it is required (`REQUIRE_AZURITE=1`, `CI=true`)
/// the call fails with `RR_STATUS_PANIC` and a message saying `make azurite`.
#[no_mangle]
pub unsafe extern "C" fn rr_testing_azurite_start(
    out: *mut *mut rr_testing_azurite,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = out_ptr(out, "out")?;
        if let Some(running) = Azurite::for_test() {
            *out = boxed(rr_testing_azurite {
                blob_endpoint: cstring(&running.blob_endpoint()),
                running,
            });
        }
        Ok(())
    })
}

/// `http://127.0.0.1:{port}/devstoreaccount1`, borrowed from the handle.
#[no_mangle]
pub unsafe extern "C" fn rr_testing_azurite_blob_endpoint(
    azurite: *const rr_testing_azurite,
) -> *const c_char {
    azurite
        .as_ref()
        .map_or(std::ptr::null(), |a| a.blob_endpoint.as_ptr())
}

/// The PID of Azurite's process.
#[no_mangle]
pub unsafe extern "C" fn rr_testing_azurite_pid(
    azurite: *const rr_testing_azurite,
    out: *mut u32,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        let out = crate::args::out(out, "out")?;
        *out = arg(azurite, "azurite")?.running.pid();
        Ok(())
    })
}

/// Azurite's well-known development account name (static; documented by Azurite).
#[no_mangle]
pub extern "C" fn rr_testing_azurite_account() -> *const c_char {
    static NAME: std::sync::OnceLock<CString> = std::sync::OnceLock::new();
    NAME.get_or_init(|| cstring(azurite::ACCOUNT)).as_ptr()
}

/// Azurite's well-known development key (static; documented by Azurite, not a secret).
#[no_mangle]
pub extern "C" fn rr_testing_azurite_key() -> *const c_char {
    static KEY: std::sync::OnceLock<CString> = std::sync::OnceLock::new();
    KEY.get_or_init(|| cstring(azurite::KEY)).as_ptr()
}

/// Stops Azurite by its PID and removes its data. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn rr_testing_azurite_free(azurite: *mut rr_testing_azurite) {
    free(azurite)
}
