//! The core's log stream delivered to one JS function (`setLogger` in the JS layer).
//!
//! The core calls the sink on whatever thread logs; the record crosses through a weak
//! threadsafe function with a bounded queue, called non-blocking: a busy JS thread makes the
//! binding drop records, never makes the Rust side wait, and the sink never keeps the process
//! alive. After `setLogSink(null)` returns the core never calls the old sink again; records it
//! queued before are dropped by the JS layer, which only delivers to the logger still set.

use crate::errors::{guard, Outcome};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use remote_rendering::log::{set_sink, LogLevel, LogRecord};
use remote_rendering::Error as CoreError;
use std::sync::Arc;

/// One record of the core's log: secrets are never in it.
#[napi(object)]
pub struct NativeLogRecord {
    /// `error`, `warn`, `info`, `debug` or `trace`.
    pub level: String,
    /// Where it comes from, e.g. `remote_rendering::retry`.
    pub target: String,
    pub message: String,
}

/// How many records may wait for the JS thread before newer ones are dropped.
const QUEUE: usize = 1024;

type Sink = ThreadsafeFunction<NativeLogRecord, (), NativeLogRecord, Status, false, true, QUEUE>;

fn parse_level(s: &str) -> std::result::Result<LogLevel, CoreError> {
    LogLevel::parse(s).ok_or_else(|| {
        CoreError::invalid_input(
            "level",
            format!("must be one of error, warn, info, debug or trace, got {s:?}"),
        )
    })
}

/// Sets (or, with `null`, unsets) the function the core's log records go to, with the most
/// detailed level delivered.
#[napi(js_name = "setLogSink", ts_return_type = "void")]
pub fn set_log_sink(sink: Option<Sink>, max_level: String) -> Outcome<()> {
    guard(|| {
        let level = parse_level(&max_level)?;
        let sink = sink.map(|f| {
            let f = Arc::new(f);
            Arc::new(move |r: &LogRecord| {
                // Non-blocking: a full queue drops the record rather than stall the logging thread.
                let _ = f.call(
                    NativeLogRecord {
                        level: r.level.as_str().to_owned(),
                        target: r.target.clone(),
                        message: r.message.clone(),
                    },
                    ThreadsafeFunctionCallMode::NonBlocking,
                );
            }) as Arc<dyn Fn(&LogRecord) + Send + Sync>
        });
        set_sink(sink, level);
        Ok(())
    })
}
