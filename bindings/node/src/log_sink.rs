//! The core's `tracing` events as log records for one sink, with the shape of the core's log
//! stream (`LogRecord`, `LogLevel`, `set_sink`): kept here until the core owns that stream, so the
//! Node binding builds on the same three names and swaps its import when it does.

use std::fmt::Write;
use std::sync::{Arc, Once, RwLock};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

/// One event: its level, where it comes from, and its text with its fields (secrets are never
/// in the core's events: they are redacted types).
pub struct LogRecord {
    pub level: LogLevel,
    pub target: String,
    pub message: String,
}

type Sink = Arc<dyn Fn(&LogRecord) + Send + Sync>;

/// The sink and the most detailed level it takes. Events hold the read lock while they call the
/// sink, so once `set_sink` has the write lock no call to the old sink is running or to come.
static SINK: RwLock<Option<(Sink, Level)>> = RwLock::new(None);
static INSTALL: Once = Once::new();

fn tracing_level(l: LogLevel) -> Level {
    match l {
        LogLevel::Error => Level::ERROR,
        LogLevel::Warn => Level::WARN,
        LogLevel::Info => Level::INFO,
        LogLevel::Debug => Level::DEBUG,
        LogLevel::Trace => Level::TRACE,
    }
}

fn log_level(l: &Level) -> LogLevel {
    match *l {
        Level::ERROR => LogLevel::Error,
        Level::WARN => LogLevel::Warn,
        Level::INFO => LogLevel::Info,
        Level::DEBUG => LogLevel::Debug,
        Level::TRACE => LogLevel::Trace,
    }
}

/// Sets (`Some`) or unsets (`None`) the sink; after it returns the old sink is never called again.
pub fn set_sink(sink: Option<Sink>, max_level: LogLevel) {
    INSTALL.call_once(|| {
        // The addon is the only Rust in a Node process that installs a subscriber.
        let _ =
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Bridge));
    });
    let mut slot = SINK.write().unwrap_or_else(|p| p.into_inner());
    *slot = sink.map(|s| (s, tracing_level(max_level)));
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

struct Bridge;

impl<S: Subscriber> Layer<S> for Bridge {
    /// The level changes at run time: never let a callsite be cached as always off.
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
            && SINK
                .read()
                .ok()
                .and_then(|g| g.as_ref().map(|(_, max)| metadata.level() <= max))
                .unwrap_or(false)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let Ok(guard) = SINK.read() else { return };
        let Some((sink, max)) = guard.as_ref() else {
            return;
        };
        if event.metadata().level() > max {
            return;
        }
        let mut m = Message::default();
        event.record(&mut m);
        sink(&LogRecord {
            level: log_level(event.metadata().level()),
            target: event.metadata().target().to_owned(),
            message: format!("{}{}", m.text, m.fields),
        });
    }
}
