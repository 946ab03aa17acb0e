//! arrctl's exit codes: documented, stable, one per outcome a script can act on.

use remote_rendering::{Error, ErrorKind};
use std::process::ExitCode;

/// The command did what was asked.
pub const SUCCESS: u8 = 0;
/// A session or conversion reached a failure state (Error, Expired, Stopped; Failed, Cancelled),
/// or a kept-alive session ended (also when its budget stopped it).
pub const FAILED_STATE: u8 = 1;
/// Bad usage: unknown flags, missing or invalid values (also the service's 400, and a lease
/// over the `--budget`).
pub const USAGE: u8 = 2;
/// The credential was refused, or access was denied (401, 403).
pub const AUTH: u8 = 3;
/// No such session or conversion (404).
pub const NOT_FOUND: u8 = 4;
/// A wait passed its deadline.
pub const TIMEOUT: u8 = 5;
/// Any other error: throttling or service errors after retries, transport failures, answers
/// this client cannot read.
pub const OTHER: u8 = 6;
/// The id exists with other settings (409).
pub const CONFLICT: u8 = 7;
/// The service refused a value it could read (422: a lease that does not grow).
pub const UNPROCESSABLE: u8 = 8;
/// Interrupted by Ctrl-C (SIGINT), after cleaning up.
pub const INTERRUPTED: u8 = 130;

pub fn code_for(e: &Error) -> u8 {
    match e.kind() {
        ErrorKind::SessionFailed | ErrorKind::ConversionFailed => FAILED_STATE,
        ErrorKind::InvalidInput => USAGE,
        ErrorKind::Unauthorized | ErrorKind::Forbidden => AUTH,
        ErrorKind::NotFound => NOT_FOUND,
        ErrorKind::Timeout => TIMEOUT,
        ErrorKind::Conflict => CONFLICT,
        ErrorKind::Unprocessable => UNPROCESSABLE,
        ErrorKind::Cancelled => INTERRUPTED,
        _ => OTHER,
    }
}

pub fn exit(code: u8) -> ExitCode {
    ExitCode::from(code)
}
