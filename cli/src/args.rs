//! The command line as clap sees it: every command, flag and value, and their help.

use crate::settings;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "arrctl",
    version,
    about = "Azure Remote Rendering sessions, conversions and the local emulator",
    long_about = None,
    after_help = "`arrctl emulator --help` lists the emulator's own flags."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// The flags every client command takes, before or after it. Help lists them under their own
/// headings; `-h` leaves out the account and cost ones (usually set once, in the environment or
/// the config file), `--help` shows them all.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// An arrconfig.json of the PowerShell scripts (either format; default: ./arrconfig.json).
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        help_heading = "Account",
        hide_short_help = true
    )]
    pub config: Option<PathBuf>,
    /// Account id (overrides ARR_ACCOUNT_ID and the config file).
    #[arg(
        long,
        global = true,
        value_name = "UUID",
        help_heading = "Account",
        hide_short_help = true
    )]
    pub account_id: Option<String>,
    /// Account key (prefer ARR_ACCOUNT_KEY: flags show in process lists).
    #[arg(
        long,
        global = true,
        value_name = "KEY",
        help_heading = "Account",
        hide_short_help = true
    )]
    pub account_key: Option<String>,
    /// Account domain or its region, e.g. eastus (overrides ARR_ACCOUNT_DOMAIN).
    #[arg(
        long,
        global = true,
        value_name = "DOMAIN",
        help_heading = "Account",
        hide_short_help = true
    )]
    pub account_domain: Option<String>,
    /// Service endpoint URL (overrides ARR_ENDPOINT).
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help_heading = "Account",
        hide_short_help = true
    )]
    pub endpoint: Option<String>,
    /// The rendering region, e.g. eastus: the service endpoint of that region (ARR_REGION).
    #[arg(
        long,
        global = true,
        value_name = "REGION",
        conflicts_with = "endpoint",
        help_heading = "Account",
        hide_short_help = true
    )]
    pub region: Option<String>,
    /// STS endpoint URL (overrides ARR_STS_ENDPOINT).
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help_heading = "Account",
        hide_short_help = true
    )]
    pub sts_endpoint: Option<String>,
    /// A PEM certificate to trust (e.g. the emulator's --cert-out).
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        help_heading = "Account",
        hide_short_help = true
    )]
    pub ca_cert: Option<PathBuf>,
    /// What a standard session costs per hour, in your currency (or the config's costRates).
    #[arg(
        long,
        global = true,
        value_name = "AMOUNT",
        help_heading = "Cost",
        hide_short_help = true
    )]
    pub rate_standard: Option<f64>,
    /// What a premium session costs per hour, in your currency (or the config's costRates).
    #[arg(
        long,
        global = true,
        value_name = "AMOUNT",
        help_heading = "Cost",
        hide_short_help = true
    )]
    pub rate_premium: Option<f64>,
    /// text for people, json for scripts (results on stdout, a JSON error object on stderr).
    #[arg(long, global = true, value_enum, default_value_t = Output::Text, help_heading = "Output")]
    pub output: Output,
    /// Trace requests on stderr (never the key or tokens).
    #[arg(long, short, global = true, help_heading = "Output")]
    pub verbose: bool,
    /// Deadline of waits, in seconds (default: 30 minutes for sessions, 24 hours for conversions).
    #[arg(long, global = true, value_name = "SECS", help_heading = "Waits")]
    pub timeout: Option<f64>,
    /// Poll interval of waits, in seconds (default 5; 60 for the reads of --keep-alive).
    #[arg(long, global = true, value_name = "SECS", help_heading = "Waits")]
    pub poll_interval: Option<f64>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    Text,
    Json,
}

/// The session sizes of the service.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    Standard,
    Premium,
}

impl From<Size> for remote_rendering::SessionSize {
    fn from(s: Size) -> Self {
        match s {
            Size::Standard => remote_rendering::SessionSize::Standard,
            Size::Premium => remote_rendering::SessionSize::Premium,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Rendering sessions.
    #[command(subcommand)]
    Session(SessionCommand),
    /// Asset conversions.
    #[command(subcommand)]
    Conversion(ConversionCommand),
    /// Upload a local model (a file or a folder), make least-privilege SAS tokens, check the
    /// input, start its conversion; with --wait, wait and print a read URL of the asset.
    ///
    /// The storage account's key comes from ARR_STORAGE_ACCOUNT_KEY or the config's
    /// assetConversionSettings.storageAccountKey (never a flag: flags show in process lists),
    /// and is never printed.
    Convert(ConvertArgs),
    /// Run the local emulator of the service (its own flags: `arrctl emulator --help`).
    // Parsed apart (see `main`), so that its help lists its own flags, none of the client's.
    Emulator {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        args: Vec<std::ffi::OsString>,
    },
    /// Start the emulator in-process and run a whole session and conversion lifecycle.
    Demo,
    /// Print a shell completion script.
    Completions {
        /// The shell to complete in.
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
        /// The size (default: the config's vmSize, else standard).
        #[arg(long, value_enum)]
        size: Option<Size>,
        /// Lease in minutes or hh:mm:ss (default: the config's maxLeaseTime, else 30 minutes).
        #[arg(long, value_parser = settings::parse_lease)]
        lease: Option<u32>,
        /// Wait until the session is Ready.
        #[arg(long)]
        wait: bool,
        /// Wait for Ready, keep the lease renewed while the command runs, stop the session on Ctrl-C.
        #[arg(long)]
        keep_alive: bool,
        /// Refuse a lease that would cost more than this; with --keep-alive, stop the session
        /// rather than extend past it (needs the size's rate).
        #[arg(long, value_name = "AMOUNT")]
        budget: Option<f64>,
    },
    /// Show a session (with its cost when rates are set).
    Show {
        /// The session's id.
        #[arg(value_name = "ID")]
        id: String,
        /// Keep showing it until it is Ready or ends.
        #[arg(long)]
        watch: bool,
    },
    /// List the Starting and Ready sessions (with their cost when rates are set).
    List,
    /// Set a session's lease (it must grow).
    Extend {
        /// The session's id.
        #[arg(value_name = "ID")]
        id: String,
        /// The new lease, minutes or hh:mm:ss.
        #[arg(long, value_parser = settings::parse_lease)]
        lease: u32,
    },
    /// Stop a session, or every session a filter selects (--all, --older-than, --prefix).
    #[command(group = clap::ArgGroup::new("which").required(true).multiple(true).args(["id", "all", "older_than", "prefix"]))]
    Stop {
        /// The session's id.
        #[arg(value_name = "ID", conflicts_with_all = ["all", "older_than", "prefix"])]
        id: Option<String>,
        /// Every Starting and Ready session of the account.
        #[arg(long, conflicts_with_all = ["older_than", "prefix"])]
        all: bool,
        /// The sessions created longer ago than this, e.g. 2h, 90m, 1h30m.
        #[arg(long, value_name = "DURATION", value_parser = settings::parse_age)]
        older_than: Option<std::time::Duration>,
        /// The sessions whose id starts with this.
        #[arg(long, value_name = "PREFIX")]
        prefix: Option<String>,
        /// List what would be stopped, stop nothing.
        #[arg(long)]
        dry_run: bool,
        /// Stop without asking (needed when stdin is not a terminal).
        #[arg(long, short)]
        yes: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConversionCommand {
    /// Start a conversion.
    Start {
        /// Conversion id (default: a new one).
        #[arg(long)]
        id: Option<String>,
        /// The input model: https://{account}.blob.core.windows.net/{container}/{folder/model.fbx}
        /// (default: from the config's assetConversionSettings).
        #[arg(long, value_name = "URL")]
        input: Option<String>,
        /// The output folder: https://{account}.blob.core.windows.net/{container}[/{prefix}]
        /// (`--output` is the output format of every command).
        #[arg(long, value_name = "URL")]
        output_url: Option<String>,
        /// Read+list SAS of the input container (or ARR_INPUT_SAS); without it the storage must be linked.
        #[arg(long, value_name = "SAS")]
        input_sas: Option<String>,
        /// Write SAS of the output container (or ARR_OUTPUT_SAS).
        #[arg(long, value_name = "SAS")]
        output_sas: Option<String>,
        /// Name of the .arrAsset (default: the input's name).
        #[arg(long, value_name = "NAME")]
        output_name: Option<String>,
        /// Wait until it finishes.
        #[arg(long)]
        wait: bool,
        /// First upload this local folder (or file) to the input's folder (default: the
        /// config's localAssetDirectoryPath), as Conversion.ps1 -Upload; needs the storage key.
        #[arg(long, value_name = "PATH", num_args = 0..=1)]
        upload: Option<Option<PathBuf>>,
        /// Make the SAS tokens from the storage key (read+list on the input, write on the
        /// output, 2 hours), as Conversion.ps1 -UseContainerSas but least-privilege.
        #[arg(long, conflicts_with_all = ["input_sas", "output_sas"])]
        generate_sas: bool,
    },
    /// Show a conversion.
    Show {
        /// The conversion's id.
        #[arg(value_name = "ID")]
        id: String,
        /// Keep showing it until it finishes.
        #[arg(long)]
        watch: bool,
    },
    /// List the account's conversions.
    List,
}

/// `arrctl convert`.
#[derive(Args, Debug)]
pub struct ConvertArgs {
    /// The model: a file, or a folder uploaded whole (the model and every file it references).
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// Wait until it finishes, then print a read URL of the asset (valid 2 hours).
    #[arg(long)]
    pub wait: bool,
    /// Conversion id (default: a new one).
    #[arg(long)]
    pub id: Option<String>,
    /// Derive the id from the input's bytes and the settings, so an identical input is not
    /// converted twice (the service answers with the first conversion).
    #[arg(long, conflicts_with = "id")]
    pub content_id: bool,
    /// The model file inside the folder (default: the config's inputAssetPath, else the
    /// folder's one .gltf, .glb or .fbx).
    #[arg(long, value_name = "FILE")]
    pub input_asset: Option<String>,
    /// Name of the .arrAsset (default: the config's outputAssetFileName, else the model's name).
    #[arg(long, value_name = "NAME")]
    pub output_name: Option<String>,
    /// The storage account (default: ARR_STORAGE_ACCOUNT or the config's storageAccountName).
    #[arg(long, value_name = "NAME", help_heading = "Storage")]
    pub storage_account: Option<String>,
    /// Its blob endpoint when not Azure's (ARR_BLOB_ENDPOINT, the config's blobEndpoint),
    /// e.g. Azurite's http://127.0.0.1:10000/devstoreaccount1.
    #[arg(long, value_name = "URL", help_heading = "Storage")]
    pub blob_endpoint: Option<String>,
    /// The input container (default: the config's blobInputContainerName).
    #[arg(long, value_name = "NAME", help_heading = "Storage")]
    pub input_container: Option<String>,
    /// The output container (default: the config's blobOutputContainerName).
    #[arg(long, value_name = "NAME", help_heading = "Storage")]
    pub output_container: Option<String>,
    /// The folder in the input container (default: the config's inputFolderPath, else the
    /// local folder's name).
    #[arg(long, value_name = "PREFIX", help_heading = "Storage")]
    pub input_folder: Option<String>,
    /// The folder in the output container (default: the config's outputFolderPath, else none).
    #[arg(long, value_name = "PREFIX", help_heading = "Storage")]
    pub output_folder: Option<String>,
    /// Files uploaded at once.
    #[arg(long, value_name = "N", default_value_t = remote_rendering::vocabulary::DEFAULT_UPLOAD_CONCURRENCY, help_heading = "Storage")]
    pub concurrency: usize,
}

/// `arrctl emulator`: the emulator's own flags only.
#[derive(Parser, Debug)]
#[command(
    name = "arrctl emulator",
    version,
    about = "Run the local emulator of the service (the same flags and ready line as its own binary)"
)]
pub struct EmulatorCli {
    #[command(flatten)]
    pub args: remote_rendering_emulator::cli::Args,
}
