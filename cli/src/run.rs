//! Dispatch: check the numbers every wait uses, set up tracing and the Ctrl-C listener, build
//! the client and hand the command to its module; report the outcome as an exit code.

use crate::args::{Cli, Command, Global};
use crate::exit::{self, code_for};
use crate::usage::secs;
use crate::{account, conversion, convert, demo, interrupt, output, session};
use remote_rendering::Error;
use std::io::IsTerminal;
use std::process::ExitCode;

/// Logs on stderr: request tracing with `--verbose`, the emulator's own log when it runs.
pub fn tracing(verbose: bool, emulator: bool) {
    if !(verbose || emulator) {
        return;
    }
    let filter = if verbose {
        "remote_rendering=debug,remote_rendering_emulator=info"
    } else {
        "info"
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .try_init();
}

pub async fn run(cli: Cli) -> ExitCode {
    let g = cli.global;
    // Numbers every wait uses are checked before anything is sent.
    for (flag, v) in [
        ("--timeout", g.timeout),
        ("--poll-interval", g.poll_interval),
    ] {
        if let Some(v) = v {
            if let Err(e) = secs(flag, v) {
                output::error(&g, &e);
                return exit::exit(code_for(&e));
            }
        }
    }
    tracing(g.verbose, false);
    let interrupt = interrupt::listener();
    let outcome = match cli.command {
        Command::Emulator { .. } | Command::Completions { .. } | Command::Man => {
            unreachable!("handled before the runtime starts")
        }
        Command::Demo => demo::run(&g, &interrupt).await,
        Command::Session(c) => match account::client(&g) {
            Ok((client, settings)) => session::run(&g, &client, &settings, c, &interrupt).await,
            Err(e) => Err(e),
        },
        Command::Conversion(c) => match account::client(&g) {
            Ok((client, settings)) => conversion::run(&g, &client, &settings, c, &interrupt).await,
            Err(e) => Err(e),
        },
        Command::Convert(a) => match account::client(&g) {
            Ok((client, settings)) => convert::run(&g, &client, &settings, a, &interrupt).await,
            Err(e) => Err(e),
        },
    };
    report(&g, outcome)
}

fn report(g: &Global, outcome: Result<u8, Error>) -> ExitCode {
    match outcome {
        Ok(code) => exit::exit(code),
        Err(e) => {
            output::error(g, &e);
            exit::exit(code_for(&e))
        }
    }
}
