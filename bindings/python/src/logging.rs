//! The core's log stream (`remote_rendering::log`) reaches Python's `logging`: a record of
//! target `remote_rendering::retry` goes to the logger `remote_rendering.retry`, and so on (a
//! target outside the core's, the embedded emulator's, under `remote_rendering.` too).
//!
//! Only records at or above the level the Python layer set (the `remote_rendering` logger's
//! effective level, read when a client is created) are delivered, so a quiet logger costs
//! nothing per request. The core puts no secret in a record.

use pyo3::prelude::*;
use remote_rendering::log::{set_sink, LogLevel, LogRecord};
use std::sync::Arc;

/// Python's number for a level (`logging.WARNING` is 30).
fn python_level(level: LogLevel) -> u8 {
    match level {
        LogLevel::Error => 40,
        LogLevel::Warn => 30,
        LogLevel::Info => 20,
        LogLevel::Debug => 10,
        LogLevel::Trace => 5,
    }
}

/// The most verbose core level a Python threshold wants; `None` when it wants none.
fn core_level(threshold: u8) -> Option<LogLevel> {
    [
        LogLevel::Trace,
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Warn,
        LogLevel::Error,
    ]
    .into_iter()
    .find(|l| python_level(*l) >= threshold)
}

fn deliver(record: &LogRecord) {
    // Never let logging fail a call; an interpreter shutting down just drops the record.
    let _ = Python::try_attach(|py| -> PyResult<()> {
        // Every record goes under the package's logger (whose NullHandler keeps an unconfigured
        // app's stderr quiet), also those of the embedded emulator (`remote_rendering_emulator`).
        let dotted = record.target.replace("::", ".");
        let name = if dotted == "remote_rendering" || dotted.starts_with("remote_rendering.") {
            dotted
        } else {
            format!("remote_rendering.{dotted}")
        };
        let logger = py.import("logging")?.call_method1("getLogger", (name,))?;
        logger.call_method1("log", (python_level(record.level), record.message.as_str()))?;
        Ok(())
    });
}

/// Delivers records at or above the Python level `threshold` (0: all, 255: none).
#[pyfunction]
pub fn _set_log_level(py: Python<'_>, threshold: u8) {
    // The GIL is released: set_sink waits for a record being delivered, which needs the GIL.
    py.detach(|| match core_level(threshold) {
        Some(level) => set_sink(Some(Arc::new(deliver)), level),
        None => set_sink(None, LogLevel::Error),
    });
}
