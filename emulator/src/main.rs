//! `remote-rendering-emulator`: runs the emulator until SIGINT/SIGTERM.
//!
//! When ready it prints exactly one JSON line on stdout (endpoint, STS endpoint, account id,
//! key and domain, CA certificate path); everything else goes to stderr. The flags are in
//! `remote_rendering_emulator::cli`, shared with `arrctl emulator`.

use clap::Parser;
use remote_rendering_emulator::cli::{run, Args};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    run(Args::parse()).await
}
