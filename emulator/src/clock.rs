//! The emulated clock every session and conversion runs on.
//!
//! Emulated time starts at the real wall-clock time (or where a saved state left off), runs
//! `time_scale` times faster than real time, and can be moved forward on demand. Start-up
//! delays, conversion durations, elapsed minutes and lease expiry are all measured on it, so a
//! test can watch a 4-minute lease expire in a fraction of a second.
//! Tokens are not: they are checked by clients against their real clocks, so the STS uses
//! real time.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

/// Nanoseconds since the Unix epoch, on the emulated clock.
pub type Nanos = i64;

pub const NANOS_PER_SEC: i64 = 1_000_000_000;
pub const NANOS_PER_MIN: i64 = 60 * NANOS_PER_SEC;

#[derive(Debug)]
pub struct Clock {
    origin_real: Instant,
    origin_emulated: Nanos,
    scale: f64,
    advanced: AtomicI64,
}

impl Clock {
    /// A clock that starts at `origin_emulated` and runs `scale` times as fast as real time.
    pub fn new(origin_emulated: Nanos, scale: f64) -> Self {
        Clock {
            origin_real: Instant::now(),
            origin_emulated,
            scale,
            advanced: AtomicI64::new(0),
        }
    }

    pub fn now(&self) -> Nanos {
        let real = self.origin_real.elapsed().as_nanos() as f64;
        self.origin_emulated + (real * self.scale) as i64 + self.advanced.load(Ordering::SeqCst)
    }

    /// Moves emulated time forward (never backwards).
    pub fn advance(&self, nanos: Nanos) {
        self.advanced.fetch_add(nanos.max(0), Ordering::SeqCst);
    }

    pub fn scale(&self) -> f64 {
        self.scale
    }
}

/// The real wall-clock time in nanoseconds since the Unix epoch.
pub fn wall_now() -> Nanos {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

pub fn to_datetime(nanos: Nanos) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(nanos))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_clock_runs_faster_and_advances() {
        let c = Clock::new(0, 1000.0);
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(c.now() >= 20 * NANOS_PER_SEC, "{}", c.now());
        let before = c.now();
        c.advance(3600 * NANOS_PER_SEC);
        assert!(c.now() - before >= 3600 * NANOS_PER_SEC);
        c.advance(-5);
        assert!(c.now() >= before);
    }
}
