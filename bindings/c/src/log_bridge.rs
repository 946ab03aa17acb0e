//! Where the records of `log_sink` come from: the core's `tracing` events, read by a layer installed
//! as the process's subscriber the first time a log callback is set. Only events of
//! `remote_rendering` at or above the callback's level are formatted, so a process without a
//! callback pays nothing per request.

use crate::log_sink::{emit, enabled, rr_log_level};
use std::fmt::Write;
use std::sync::Once;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

fn level_of(level: &Level) -> rr_log_level {
    match *level {
        Level::ERROR => rr_log_level::RR_LOG_LEVEL_ERROR,
        Level::WARN => rr_log_level::RR_LOG_LEVEL_WARN,
        Level::INFO => rr_log_level::RR_LOG_LEVEL_INFO,
        Level::DEBUG => rr_log_level::RR_LOG_LEVEL_DEBUG,
        Level::TRACE => rr_log_level::RR_LOG_LEVEL_TRACE,
    }
}

/// Installs the layer once (a process that installed a subscriber of its own keeps it).
pub(crate) fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ =
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Bridge));
    });
}

/// Callsites cached as disabled at the old level are asked again.
pub(crate) fn levels_changed() {
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

struct Bridge;

impl<S: Subscriber> Layer<S> for Bridge {
    // The level changes at run time: never let a callsite be cached as always off.
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
        metadata.target().starts_with("remote_rendering") && enabled(level_of(metadata.level()))
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut m = Message::default();
        event.record(&mut m);
        emit(
            level_of(event.metadata().level()),
            event.metadata().target(),
            &format!("{}{}", m.text, m.fields),
        );
    }
}
