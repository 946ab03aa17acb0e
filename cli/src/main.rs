//! `arrctl`: sessions, conversions and the local emulator of Azure Remote Rendering from the
//! command line; a cross-platform replacement for the service's PowerShell scripts, on the
//! same core as every language binding.
//!
//! Exit codes (stable, see `exit`): 0 success, 1 a failure state was reached, 2 usage, 3 auth,
//! 4 not found, 5 timeout, 6 other errors, 7 conflict, 8 unprocessable, 130 interrupted.

mod account;
mod args;
mod conversion;
mod convert;
mod demo;
mod exit;
mod fleet;
mod interrupt;
mod output;
mod progress;
mod run;
mod session;
mod settings;
mod usage;
mod waits;

use args::{Cli, Command, EmulatorCli};
use clap::{CommandFactory, Parser};
use std::ffi::OsString;
use std::process::ExitCode;

fn parse_error(e: clap::Error, json: bool) -> ExitCode {
    if !e.use_stderr() {
        // --help, --version
        let _ = e.print();
        return exit::exit(exit::SUCCESS);
    }
    if json {
        // Scripts that asked for JSON get it for a usage error too.
        let text = e.render().to_string();
        let message = text
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("error: ")
            .to_owned();
        output::json_error_line(&serde_json::json!({
            "code": remote_rendering::ErrorKind::InvalidInput.code(),
            "message": message,
            "exitCode": exit::USAGE,
        }));
    } else {
        let _ = e.print();
    }
    exit::exit(exit::USAGE)
}

/// Whether the command line asks for `--output json` (also when it does not parse).
fn wants_json(argv: &[OsString]) -> bool {
    argv.windows(2)
        .any(|w| w[0] == "--output" && w[1] == "json")
        || argv.iter().any(|a| a == "--output=json")
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("arrctl: cannot start: {e}");
            exit::exit(exit::OTHER)
        })
}

/// `arrctl emulator ARGS`: parsed on its own, so that its help and flags are the emulator's
/// alone (no client flag, and `--region` means the region it names in hostnames).
fn emulator(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let parsed = match EmulatorCli::try_parse_from(
        std::iter::once(OsString::from("arrctl emulator")).chain(args),
    ) {
        Ok(p) => p,
        Err(e) => return parse_error(e, false),
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    run::tracing(false, true);
    rt.block_on(remote_rendering_emulator::cli::run(parsed.args))
}

/// The whole command line for completions and the manual: `emulator` with its own flags (it
/// is parsed apart, so the parser's definition has none).
fn full_command() -> clap::Command {
    Cli::command().mut_subcommand("emulator", |_| {
        EmulatorCli::command()
            .name("emulator")
            .bin_name("arrctl emulator")
    })
}

fn main() -> ExitCode {
    let mut argv: Vec<OsString> = std::env::args_os().collect();
    if argv.get(1).is_some_and(|a| a == "emulator") {
        return emulator(argv.split_off(2));
    }
    let json = wants_json(&argv);
    let cli = match Cli::try_parse_from(argv) {
        Ok(c) => c,
        Err(e) => return parse_error(e, json),
    };
    if let Command::Emulator { args } = cli.command {
        // `arrctl --verbose emulator …`: global flags before it do not apply to the emulator.
        return emulator(args);
    }
    if let Command::Completions { shell } = &cli.command {
        clap_complete::generate(
            *shell,
            &mut full_command(),
            "arrctl",
            &mut std::io::stdout(),
        );
        return exit::exit(exit::SUCCESS);
    }
    if let Command::Man = &cli.command {
        // Rendered from the same definition as --help, so the page cannot drift from the flags.
        return match clap_mangen::Man::new(full_command()).render(&mut std::io::stdout()) {
            Ok(()) => exit::exit(exit::SUCCESS),
            Err(e) => {
                eprintln!("arrctl: cannot write the manual page: {e}");
                exit::exit(exit::OTHER)
            }
        };
    }
    match runtime() {
        Ok(rt) => {
            let code = rt.block_on(run::run(cli));
            // A read of the terminal (a confirmation interrupted by Ctrl-C) must not hold the
            // exit: the runtime would wait for its blocking thread.
            rt.shutdown_timeout(std::time::Duration::from_millis(200));
            code
        }
        Err(code) => code,
    }
}
