//! Errors of the command line itself (a flag's value refused before anything is sent), shared
//! by every command.

use remote_rendering::{Error, ErrorKind};
use std::time::Duration;

/// A refused flag or argument: exits as invalid input, naming the flag.
pub fn usage(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidInput, message)
}

/// A number of seconds given to `flag`, above 0.
pub fn secs(flag: &str, v: f64) -> Result<Duration, Error> {
    if v.is_finite() && v > 0.0 {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(usage(format!(
            "{flag} takes a number of seconds above 0, got {v}"
        )))
    }
}
