//! Rust `tracing` events reach Python's `logging` logger `remote_rendering`.
//!
//! Only events at or above the level the Python layer set (from the logger's effective level,
//! read when a client is created) cross over, so a quiet logger costs nothing per request.

use pyo3::prelude::*;
use std::fmt::Write;
use std::sync::atomic::{AtomicU8, Ordering};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// Python levels: 10 debug, 20 info, 30 warning, 40 error; 0 forwards everything, 255 nothing.
static THRESHOLD: AtomicU8 = AtomicU8::new(30);

fn python_level(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        Level::TRACE => 5,
    }
}

#[pyfunction]
pub fn _set_log_level(level: u8) {
    THRESHOLD.store(level, Ordering::SeqCst);
    // Callsites cached as disabled at the old level are asked again.
    tracing::callsite::rebuild_interest_cache();
}

#[derive(Default)]
struct Message {
    text: String,
    fields: String,
}

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.text, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.text.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }
}

pub struct PythonLogging;

impl<S: Subscriber> Layer<S> for PythonLogging {
    /// The threshold changes at run time: never let a callsite be cached as always off.
    fn register_callsite(
        &self,
        metadata: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        if metadata.target().starts_with("remote_rendering") {
            tracing::subscriber::Interest::sometimes()
        } else {
            tracing::subscriber::Interest::never()
        }
    }

    fn enabled(&self, metadata: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        metadata.target().starts_with("remote_rendering")
            && python_level(metadata.level()) >= THRESHOLD.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let level = python_level(event.metadata().level());
        if level < THRESHOLD.load(Ordering::Relaxed) {
            return;
        }
        let mut m = Message::default();
        event.record(&mut m);
        let line = format!("{}{}", m.text, m.fields);
        // Never let logging fail a call; an interpreter shutting down just drops the line.
        let _ = Python::try_attach(|py| -> PyResult<()> {
            let logger = py
                .import("logging")?
                .call_method1("getLogger", ("remote_rendering",))?;
            logger.call_method1("log", (level, line))?;
            Ok(())
        });
    }
}
