//! Waiting for a session or a conversion: with the progress line, the `--timeout`, and Ctrl-C,
//! which ends the wait within a poll (the caller says what it leaves running).

use crate::args::Global;
use crate::progress::Progress;
use remote_rendering::{CancellationToken, Client, Conversion, Error, Session, WaitOptions};
use std::time::Duration;

/// `--timeout`, checked before anything is sent.
pub fn timeout(g: &Global) -> Result<Option<Duration>, Error> {
    g.timeout
        .map(|t| crate::usage::secs("--timeout", t))
        .transpose()
}

fn options<T: 'static>(
    g: &Global,
    progress: &Progress,
    interrupt: &CancellationToken,
    status_of: fn(&T) -> String,
) -> Result<WaitOptions<T>, Error> {
    let mut o = WaitOptions::new()
        .on_progress(progress.callback(status_of))
        .cancel(interrupt.clone());
    if let Some(t) = timeout(g)? {
        o = o.timeout(t);
    }
    Ok(o)
}

pub async fn session(
    g: &Global,
    client: &Client,
    id: &str,
    interrupt: &CancellationToken,
) -> Result<Session, Error> {
    let progress = Progress::start(format!("session {id}"));
    let o = options(g, &progress, interrupt, |s: &Session| s.status.to_string())?;
    let r = client.wait_for_session(id, o).await;
    progress.finish();
    r
}

pub async fn conversion(
    g: &Global,
    client: &Client,
    id: &str,
    interrupt: &CancellationToken,
) -> Result<Conversion, Error> {
    let progress = Progress::start(format!("conversion {id}"));
    let o = options(g, &progress, interrupt, |c: &Conversion| {
        c.status.to_string()
    })?;
    let r = client.wait_for_conversion(id, o).await;
    progress.finish();
    r
}
