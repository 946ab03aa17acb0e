//! One log stream for every language: the core's `tracing` events (every retry is a warning),
//! handed to one sink that each binding sets (Python `logging`, a Node hook, a C callback, a
//! C++ `std::function`, Java `System.Logger`).
//!
//! The core never puts a secret in an event (tokens, keys and SAS strings are never formatted),
//! so a record is safe to print.
//!
//! This is a small `tracing` subscriber of its own rather than `tracing-subscriber`'s registry:
//! the core emits events only (no spans), and the registry's features would otherwise differ
//! between arrctl and the bindings and compile the core twice. A Rust program that installs a
//! subscriber of its own before the first [`set_sink`] keeps it (and gets the events there).

use std::fmt::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Once, RwLock};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata};

/// How severe a record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Something failed.
    Error = 1,
    /// Something went wrong and was handled (a retry, a refresh that failed).
    Warn = 2,
    /// Notable events (a token refreshed).
    Info = 3,
    /// Every request.
    Debug = 4,
    /// Everything.
    Trace = 5,
}

impl LogLevel {
    /// The lower-case name (`"warn"`), as every binding spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }

    /// Reads a name (`error`, `warn`/`warning`, `info`, `debug`, `trace`, any case).
    pub fn parse(name: &str) -> Option<LogLevel> {
        match name.trim().to_ascii_lowercase().as_str() {
            "error" => Some(LogLevel::Error),
            "warn" | "warning" => Some(LogLevel::Warn),
            "info" => Some(LogLevel::Info),
            "debug" => Some(LogLevel::Debug),
            "trace" => Some(LogLevel::Trace),
            _ => None,
        }
    }

    fn of(level: &tracing::Level) -> LogLevel {
        match *level {
            tracing::Level::ERROR => LogLevel::Error,
            tracing::Level::WARN => LogLevel::Warn,
            tracing::Level::INFO => LogLevel::Info,
            tracing::Level::DEBUG => LogLevel::Debug,
            tracing::Level::TRACE => LogLevel::Trace,
        }
    }
}

/// One event of the core.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRecord {
    /// How severe it is.
    pub level: LogLevel,
    /// Where it comes from, e.g. `remote_rendering::transport`.
    pub target: String,
    /// The message, then the event's fields as ` name=value`.
    pub message: String,
}

/// What receives the records. It must not call [`set_sink`] itself.
pub type LogSink = Arc<dyn Fn(&LogRecord) + Send + Sync + 'static>;

static SINK: RwLock<Option<LogSink>> = RwLock::new(None);
/// The most verbose level delivered; 0 when there is no sink (nothing is even formatted).
static MAX_LEVEL: AtomicU8 = AtomicU8::new(0);
static INSTALLED: Once = Once::new();
static OURS: AtomicBool = AtomicBool::new(false);

/// Sets (or, with `None`, unsets) the one sink, delivering records up to `max_level`.
///
/// When this returns, a sink it replaced is never called again: a record being delivered holds
/// the sink for the call, and this waits for it. So a binding that calls it while holding a
/// lock its sink also takes (Python's GIL) must release that lock first.
pub fn set_sink(sink: Option<LogSink>, max_level: LogLevel) {
    INSTALLED.call_once(|| {
        // A host that installed a subscriber of its own keeps it.
        let ours = tracing::subscriber::set_global_default(CoreSubscriber::default()).is_ok();
        OURS.store(ours, Ordering::SeqCst);
    });
    let level = if sink.is_some() { max_level as u8 } else { 0 };
    {
        let mut slot = SINK.write().unwrap_or_else(|e| e.into_inner());
        *slot = sink;
        MAX_LEVEL.store(level, Ordering::SeqCst);
    }
    // Callsites cached at the old level are asked again.
    tracing::callsite::rebuild_interest_cache();
}

/// Whether [`set_sink`]'s records can arrive: false when the host installed its own
/// `tracing` subscriber first.
pub fn is_active() -> bool {
    OURS.load(Ordering::SeqCst)
}

/// Delivers one record to the sink, if there is one and it wants the level.
fn emit(record: &LogRecord) {
    if (record.level as u8) > MAX_LEVEL.load(Ordering::Relaxed) {
        return;
    }
    let slot = SINK.read().unwrap_or_else(|e| e.into_inner());
    if let Some(sink) = slot.as_ref() {
        // A sink that panics must not take the request with it.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sink(record)));
    }
}

fn wanted(metadata: &Metadata<'_>) -> bool {
    metadata.target().starts_with("remote_rendering")
        && (LogLevel::of(metadata.level()) as u8) <= MAX_LEVEL.load(Ordering::Relaxed)
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

#[derive(Default)]
struct CoreSubscriber {
    next_span: AtomicU64,
}

impl tracing::Subscriber for CoreSubscriber {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if !metadata.target().starts_with("remote_rendering") {
            Interest::never()
        } else {
            // The level changes at run time: never let a callsite be cached as always off.
            Interest::sometimes()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.is_event() && wanted(metadata)
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        None
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        // Spans are not recorded; each still needs an id that is not 0.
        Id::from_u64(self.next_span.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let metadata = event.metadata();
        if !wanted(metadata) {
            return;
        }
        let mut m = Message::default();
        event.record(&mut m);
        emit(&LogRecord {
            level: LogLevel::of(metadata.level()),
            target: metadata.target().to_owned(),
            message: m.text + &m.fields,
        });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn records_reach_the_sink_up_to_its_level_and_never_after_it_is_unset() {
        let seen = Arc::new(Mutex::new(Vec::<LogRecord>::new()));
        let s = seen.clone();
        set_sink(
            Some(Arc::new(move |r: &LogRecord| {
                s.lock().unwrap().push(r.clone())
            })),
            LogLevel::Warn,
        );
        assert!(is_active());
        tracing::warn!(target: "remote_rendering::test", attempt = 2, "retrying");
        tracing::debug!(target: "remote_rendering::test", "too verbose");
        tracing::warn!(target: "other_crate", "not ours");
        set_sink(None, LogLevel::Trace);
        tracing::error!(target: "remote_rendering::test", "after unset");
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0].level, LogLevel::Warn);
        assert_eq!(seen[0].target, "remote_rendering::test");
        assert_eq!(seen[0].message, "retrying attempt=2");
    }

    #[test]
    fn level_names_are_read_in_any_case() {
        assert_eq!(LogLevel::parse("WARNING"), Some(LogLevel::Warn));
        assert_eq!(LogLevel::parse("debug"), Some(LogLevel::Debug));
        assert_eq!(LogLevel::parse("loud"), None);
        assert_eq!(LogLevel::Info.as_str(), "info");
    }
}
