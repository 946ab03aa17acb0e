//! The log stream in C: `rr_set_log_callback(callback, user_data, max_level)` hands every
//! record of the core (level, target, message; retries are warnings) to one callback, on the
//! thread that made it. Secrets are never in a record: the core's messages never carry them.
//! The callback and its guarantees are in `log_sink`; the records come from `log_bridge`.

use crate::boundary::ffi_call;
use crate::error::rr_error;
use crate::log_sink::{in_callback, replace, rr_log_fn, rr_log_level};
use crate::status::rr_status;
use remote_rendering::{Error, ErrorKind};
use std::ffi::c_void;

/// Sends the records of the log stream at or above `max_level` to `callback(user_data,
/// record)`, replacing the callback set before; a NULL `callback` unsets it (no records, the
/// default). When this returns, the callback set before is not running and is never called
/// again, so its `user_data` may be freed. Refused (`RR_STATUS_INVALID_INPUT`) from inside a
/// log callback.
#[no_mangle]
pub unsafe extern "C" fn rr_set_log_callback(
    callback: rr_log_fn,
    user_data: *mut c_void,
    max_level: rr_log_level,
    err: *mut *mut rr_error,
) -> rr_status {
    ffi_call!(err, {
        if in_callback() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "rr_set_log_callback cannot be called from a log callback",
            )
            .into());
        }
        let level = max_level as u32;
        if !(rr_log_level::RR_LOG_LEVEL_ERROR as u32..=rr_log_level::RR_LOG_LEVEL_TRACE as u32)
            .contains(&level)
        {
            return Err(Error::invalid_input(
                "max_level",
                format!("{level} is not an rr_log_level (1 to 5)"),
            )
            .into());
        }
        crate::log_bridge::install();
        replace(callback, user_data, max_level);
        crate::log_bridge::levels_changed();
        Ok(())
    })
}
