//! `arrctl`: sessions, conversions and the local emulator of Azure Remote Rendering from the
//! command line; a cross-platform replacement for the service's PowerShell scripts, on the
//! same core as every language binding.
//!
//! Exit codes (stable): 0 success, 1 a failure state was reached, 2 usage, 3 auth,
//! 4 not found, 5 timeout, 6 other errors, 130 interrupted.

mod exit;
mod run;
mod settings;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "arrctl", version, about = "Azure Remote Rendering sessions, conversions and the local emulator", long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// An arrconfig.json in the PowerShell scripts' format (default: ./arrconfig.json if present).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Account id (overrides ARR_ACCOUNT_ID and the config file).
    #[arg(long, global = true, value_name = "UUID")]
    pub account_id: Option<String>,
    /// Account key (overrides ARR_ACCOUNT_KEY; prefer the variable, flags show in process lists).
    #[arg(long, global = true, value_name = "KEY")]
    pub account_key: Option<String>,
    /// Account domain or region, e.g. eastus (overrides ARR_ACCOUNT_DOMAIN).
    #[arg(long, global = true, value_name = "DOMAIN")]
    pub account_domain: Option<String>,
    /// Service endpoint URL (overrides ARR_ENDPOINT).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Rendering region, e.g. eastus (overrides ARR_REGION).
    #[arg(
        long,
        global = true,
        value_name = "REGION",
        conflicts_with = "endpoint"
    )]
    pub region: Option<String>,
    /// STS endpoint URL (overrides ARR_STS_ENDPOINT).
    #[arg(long, global = true, value_name = "URL")]
    pub sts_endpoint: Option<String>,
    /// A PEM certificate to trust (e.g. the emulator's --cert-out).
    #[arg(long, global = true, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Output format: text for people, json for scripts (results only on stdout).
    #[arg(long, global = true, value_enum, default_value_t = Output::Text)]
    pub output: Output,
    /// Trace requests on stderr (never the key or tokens).
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// Deadline of waits, in seconds.
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Poll interval of waits, in seconds (default 5).
    #[arg(long, global = true, value_name = "SECS")]
    pub poll_interval: Option<f64>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Rendering sessions.
    #[command(subcommand)]
    Session(SessionCommand),
    /// Asset conversions.
    #[command(subcommand)]
    Conversion(ConversionCommand),
    /// Run the local emulator of the service (the same flags and ready line as its own binary).
    Emulator(remote_rendering_emulator::cli::Args),
    /// Start the emulator in-process and run a whole session and conversion lifecycle.
    Demo,
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), for packaging.
    #[command(hide = true)]
    Man,
}

#[derive(Subcommand, Debug)]
pub enum SessionCommand {
    /// Start a session.
    Start {
        /// Session id (default: a new one).
        #[arg(long)]
        id: Option<String>,
        /// standard or premium (default: the config's vmSize, else standard).
        #[arg(long)]
        size: Option<String>,
        /// Lease in minutes or hh:mm:ss (default: the config's maxLeaseTime, else 4:00:00).
        #[arg(long, value_parser = settings::parse_lease)]
        lease: Option<u32>,
        /// Wait until the session is Ready.
        #[arg(long)]
        wait: bool,
        /// Wait for Ready, keep the lease renewed while the command runs, stop the session on Ctrl-C.
        #[arg(long)]
        keep_alive: bool,
    },
    /// Show a session.
    Show {
        id: String,
        /// Keep showing it until it is Ready or ends.
        #[arg(long)]
        watch: bool,
    },
    /// List the Starting and Ready sessions.
    List,
    /// Set a session's lease (it must grow).
    Extend {
        id: String,
        /// The new lease, minutes or hh:mm:ss.
        #[arg(long, value_parser = settings::parse_lease)]
        lease: u32,
    },
    /// Stop a session.
    Stop { id: String },
}

#[derive(Subcommand, Debug)]
pub enum ConversionCommand {
    /// Start a conversion.
    Start {
        /// Conversion id (default: a new one).
        #[arg(long)]
        id: Option<String>,
        /// The input model: https://{account}.blob.core.windows.net/{container}/{path/to/model.fbx}
        /// (default: from the config's assetConversionSettings).
        #[arg(long, value_name = "URL")]
        input: Option<String>,
        /// The output folder: https://{account}.blob.core.windows.net/{container}[/{prefix}]
        /// (`--output` is the output format of every command).
        #[arg(long, value_name = "URL")]
        output_url: Option<String>,
        /// Read+list SAS of the input container (or ARR_INPUT_SAS); without it the storage must be linked.
        #[arg(long)]
        input_sas: Option<String>,
        /// Write SAS of the output container (or ARR_OUTPUT_SAS).
        #[arg(long)]
        output_sas: Option<String>,
        /// Name of the .arrAsset (default: the input's name).
        #[arg(long)]
        output_name: Option<String>,
        /// Wait until it finishes.
        #[arg(long)]
        wait: bool,
    },
    /// Show a conversion.
    Show {
        id: String,
        /// Keep showing it until it finishes.
        #[arg(long)]
        watch: bool,
    },
    /// List the account's conversions.
    List,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::SUCCESS
            };
            let _ = e.print();
            return exit::exit(code);
        }
    };
    if let Command::Completions { shell } = &cli.command {
        clap_complete::generate(
            *shell,
            &mut Cli::command(),
            "arrctl",
            &mut std::io::stdout(),
        );
        return exit::exit(exit::SUCCESS);
    }
    if let Command::Man = &cli.command {
        // Rendered from the same definition as --help, so the page cannot drift from the flags.
        return match clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()) {
            Ok(()) => exit::exit(exit::SUCCESS),
            Err(e) => {
                eprintln!("arrctl: cannot write the manual page: {e}");
                exit::exit(exit::OTHER)
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("arrctl: cannot start: {e}");
            return exit::exit(exit::OTHER);
        }
    };
    runtime.block_on(run::run(cli))
}
