//! Ctrl-C (SIGINT): one token, fired on the first signal and listened to by every wait, so that
//! each ends within a poll; and the one way each command reports what it leaves running.

use crate::args::{Global, Output};
use crate::exit;
use remote_rendering::{CancellationToken, Error, ErrorKind};
use std::future::Future;

/// Fires on the first Ctrl-C. Installed before any request (the handler is registered when
/// this returns), so that a Ctrl-C at any moment is seen, and a session this command started
/// is never left behind by one without being named.
pub fn listener() -> CancellationToken {
    let token = CancellationToken::new();
    let fire = token.clone();
    #[cfg(unix)]
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()) {
        Ok(mut sigint) => {
            tokio::spawn(async move {
                sigint.recv().await;
                fire.cancel();
            });
        }
        Err(e) => eprintln!("arrctl: cannot listen for Ctrl-C: {e}"),
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            fire.cancel();
        }
    });
    token
}

/// Runs `fut` unless Ctrl-C comes first: for the steps that leave nothing to clean up.
pub async fn unless_interrupted<T>(
    interrupt: &CancellationToken,
    fut: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    tokio::select! {
        r = fut => r,
        _ = interrupt.cancelled() => Err(Error::new(ErrorKind::Cancelled, "interrupted")),
    }
}

/// Says what an interrupted command leaves (`interrupted: …` on stderr, or the JSON error
/// object under `--output json`) and gives the exit code of an interruption.
pub fn interrupted(g: &Global, what: &str) -> u8 {
    let message = format!("interrupted: {what}");
    if g.output == Output::Json {
        crate::output::json_error_line(&serde_json::json!({
            "code": ErrorKind::Cancelled.code(),
            "message": message,
            "exitCode": exit::INTERRUPTED,
        }));
    } else {
        eprintln!("{message}");
    }
    exit::INTERRUPTED
}
