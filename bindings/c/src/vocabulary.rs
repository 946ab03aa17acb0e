//! `rr_vocabulary_json()`: the core's one vocabulary (error codes and the class or status each
//! language names for them, operations, parameters, defaults, models) as JSON, for programs and
//! tests that check a surface against it.

use crate::cstr::cstring;
use crate::panic::ffi_value;
use std::ffi::{c_char, CString};
use std::sync::OnceLock;

/// The shared vocabulary as a JSON document (static, UTF-8): `{"version", "base_error",
/// "errors": [{"code", "status", "retriable", "classes": {"c": "RR_STATUS_...", "cpp": ...}}],
/// "operations", "models", "defaults"}`. Never NULL.
#[no_mangle]
pub extern "C" fn rr_vocabulary_json() -> *const c_char {
    static JSON: OnceLock<CString> = OnceLock::new();
    ffi_value!(c"{}".as_ptr(), {
        JSON.get_or_init(|| cstring(remote_rendering::vocabulary::json()))
            .as_ptr()
    })
}
