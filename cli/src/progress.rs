//! Progress of a wait on stderr: on a terminal an `indicatif` spinner (fitted to the width, so a
//! narrow terminal is not flooded with wrapped lines; plain when `NO_COLOR` is set), cleared when
//! the wait ends; otherwise one plain line per change, for logs.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One wait's progress line.
pub struct Progress {
    bar: ProgressBar,
    tty: bool,
    what: String,
    started: Instant,
    last: Arc<Mutex<String>>,
}

fn colour() -> bool {
    // https://no-color.org: any non-empty value turns colour off.
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

impl Progress {
    /// A progress line about `what` (`session ID`), drawn until [`finish`](Self::finish).
    pub fn start(what: String) -> Progress {
        let tty = std::io::stderr().is_terminal();
        let bar = if tty {
            let template = if colour() {
                "{spinner:.cyan} {elapsed:>4.dim} {wide_msg}"
            } else {
                "{spinner} {elapsed:>4} {wide_msg}"
            };
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(template)
                    .expect("the template is valid")
                    .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ "),
            );
            bar.set_message(format!("… · {what}"));
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress {
            bar,
            tty,
            what,
            started: Instant::now(),
            last: Arc::new(Mutex::new(String::new())),
        }
    }

    /// A function that shows each new status (for [`WaitOptions::on_progress`]).
    ///
    /// [`WaitOptions::on_progress`]: remote_rendering::WaitOptions::on_progress
    pub fn callback<T: 'static>(
        &self,
        status_of: impl Fn(&T) -> String + Send + 'static,
    ) -> impl FnMut(&T) + Send + 'static {
        let line = self.line();
        move |r: &T| line(status_of(r))
    }

    /// A function that shows a new status: the spinner's message, or a plain line when it changed.
    pub fn line(&self) -> impl Fn(String) + Send + 'static {
        let (bar, tty, what, started, last) = (
            self.bar.clone(),
            self.tty,
            self.what.clone(),
            self.started,
            self.last.clone(),
        );
        move |status: String| {
            let mut cur = last.lock().unwrap();
            if *cur == status {
                return;
            }
            if tty {
                // The status first: on a narrow terminal the line is cut at its end.
                bar.set_message(format!("{status} · {what}"));
            } else {
                eprintln!("{what}: {status} ({}s)", started.elapsed().as_secs());
            }
            *cur = status;
        }
    }

    /// Clears the line (nothing is left behind on the terminal).
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}

/// An upload's progress on stderr: on a terminal a bar of bytes with the file being sent;
/// otherwise one plain line per file uploaded, for logs.
pub struct UploadBar {
    bar: ProgressBar,
}

impl UploadBar {
    /// A bar for `files` files of `bytes` bytes in all (the total is set by the first event).
    pub fn start(what: String) -> UploadBar {
        let tty = std::io::stderr().is_terminal();
        let bar = if tty {
            let template = if colour() {
                "{bar:30.cyan/dim} {bytes:>10}/{total_bytes:<10} {wide_msg}"
            } else {
                "{bar:30} {bytes:>10}/{total_bytes:<10} {wide_msg}"
            };
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(template)
                    .expect("the template is valid")
                    .progress_chars("━╸ "),
            );
            bar.set_message(what);
            bar
        } else {
            ProgressBar::hidden()
        };
        UploadBar { bar }
    }

    /// The callback of [`UploadOptions::on_progress`](remote_rendering::storage::UploadOptions).
    pub fn callback(&self) -> impl Fn(&remote_rendering::storage::UploadProgress) + Send + Sync {
        let bar = self.bar.clone();
        let plain = bar.is_hidden();
        let files = Arc::new(Mutex::new(0u32));
        move |p| {
            if plain {
                if p.file_done {
                    let mut n = files.lock().unwrap();
                    *n += 1;
                    eprintln!(
                        "uploaded {} ({} bytes; {} of {} bytes in all)",
                        p.blob, p.file_bytes_total, p.bytes_done, p.bytes_total
                    );
                }
                return;
            }
            bar.set_length(p.bytes_total);
            bar.set_position(p.bytes_done);
            bar.set_message(p.blob.clone());
        }
    }

    /// Clears the bar.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}
