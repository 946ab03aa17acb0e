//! The C ABI of the remote-rendering core: library `remote_rendering`, header
//! `include/remote_rendering.h` (generated from this crate by cbindgen at build time and
//! committed), and the C++17 wrapper `include/remote_rendering.hpp` over it.
//!
//! Every exported function returns an `rr_status` and takes an optional `rr_error **err`
//! last, except the `*_free` functions (void, NULL-safe), `rr_version()`, `rr_status_code()`
//! and the accessors of `rr_error` (which cannot fail). Every body runs inside a panic
//! boundary ([`ffi`]); the one mapping from the core's error kinds to statuses is in
//! [`status`].
//!
//! Modules, one job each, grouped by resource (each resource's blocking and `_async` exports
//! side by side): [`sessions`], [`conversions`], [`lease`] (keep-alive), [`managed`] (open
//! session), [`client`] (options, the client, ids), [`storage`] (storage accounts, blob containers, uploads),
//! [`emulator`]; the handles' types in
//! [`views`] with their getters in [`models`], [`conversion_settings`] and
//! [`error_details`], and the storage models' in [`storage_models`]; waiting in [`wait`]; the log stream in [`log`] (on the core's);
//! the shared vocabulary in [`vocabulary`];
//! and the plumbing under them: [`call`] (an operation described once, run blocking or as a
//! task), [`operation`] (the task's handle), [`list`], [`runtime`], [`boundary`] (the panic
//! boundary and the getter/setter bodies), [`args`], [`error`], [`status`], [`handle`],
//! [`cstr`], [`panic`], and [`defaults`]; [`testing`] holds the hidden hooks of the tests. The modules' `crate::` imports form no circle
//! (`bindings/c/test.sh` checks it with `tsort`).

#![allow(non_camel_case_types)]
// The exported functions' contract (every pointer NULL or valid, borrowed for the call) is
// stated once, at the top of the header their doc comments are copied into, not per function.
#![allow(clippy::missing_safety_doc)]

mod args;
mod boundary;
mod call;
mod client;
mod conversion_settings;
mod conversions;
mod cstr;
pub mod defaults;
mod emulator;
mod error;
mod error_details;
mod handle;
mod lease;
mod list;
mod log;
mod managed;
mod models;
mod operation;
mod panic;
mod runtime;
mod sessions;
mod status;
mod storage;
mod storage_models;
mod testing;
mod views;
mod vocabulary;
mod wait;

use std::ffi::c_char;

/// The version of this library, e.g. `"0.1.0"` (static). The C++ wrapper checks at run time
/// that it has the `RR_VERSION_MAJOR` and `RR_VERSION_MINOR` of the header it was compiled
/// with.
#[no_mangle]
pub extern "C" fn rr_version() -> *const c_char {
    static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}

// The header says these handles may be used from any thread: the compiler checks it.
const _: () = {
    const fn thread_safe<T: Send + Sync>() {}
    thread_safe::<client::rr_client>();
    thread_safe::<error::rr_error>();
    thread_safe::<views::rr_session>();
    thread_safe::<views::rr_conversion>();
    thread_safe::<wait::rr_wait_results>();
    thread_safe::<wait::rr_cancel_token>();
    thread_safe::<operation::rr_operation>();
    thread_safe::<lease::rr_lease_keeper>();
    thread_safe::<managed::rr_managed_session>();
    thread_safe::<emulator::rr_emulator>();
    thread_safe::<storage::rr_storage_account>();
    thread_safe::<storage::rr_blob_container>();
    thread_safe::<views::rr_upload_report>();
    thread_safe::<views::rr_preflight>();
};

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_the_crates() {
        let v = unsafe { std::ffi::CStr::from_ptr(super::rr_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
