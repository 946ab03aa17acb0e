//! What each command does: resolve the settings, build a client, call the core, print.

use crate::exit::{self, code_for};
use crate::settings::Settings;
use crate::{Cli, Command, ConversionCommand, Global, Output, SessionCommand};
use remote_rendering::CancellationToken;
use remote_rendering::{
    new_conversion_id, new_session_id, Client, Conversion, ConversionInputSettings,
    ConversionOutputSettings, ConversionSettings, Error, ErrorKind, LeaseOptions, Session,
    SessionSize, WaitOptions,
};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The lease the PowerShell scripts default to: 4 hours.
const DEFAULT_LEASE_MINUTES: u32 = 240;

/// Fires on the first Ctrl-C (SIGINT). Installed before any request, so that a Ctrl-C at any
/// moment is seen, and a session this command started is never left behind by one.
fn interrupt_listener() -> CancellationToken {
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

pub async fn run(cli: Cli) -> ExitCode {
    let g = cli.global;
    // Numbers every wait uses are checked before anything is sent.
    for (flag, v) in [
        ("--timeout", g.timeout),
        ("--poll-interval", g.poll_interval),
    ] {
        if let Some(v) = v {
            if let Err(e) = secs(flag, v) {
                eprintln!("arrctl: {e}");
                return exit::exit(code_for(&e));
            }
        }
    }
    if g.verbose || matches!(cli.command, Command::Emulator(_)) {
        let filter = if g.verbose {
            "remote_rendering=debug,remote_rendering_emulator=info"
        } else {
            "info"
        };
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .try_init();
    }
    if let Command::Emulator(args) = cli.command {
        return remote_rendering_emulator::cli::run(args).await;
    }
    let interrupt = interrupt_listener();
    let outcome = match cli.command {
        Command::Emulator(_) => unreachable!("handled above"),
        Command::Completions { .. } | Command::Man => {
            unreachable!("handled before the runtime starts")
        }
        Command::Demo => demo(&g).await,
        Command::Session(c) => match client(&g) {
            Ok((client, settings)) => session(&g, &client, &settings, c, &interrupt).await,
            Err(e) => Err(e),
        },
        Command::Conversion(c) => match client(&g) {
            Ok((client, settings)) => conversion(&g, &client, &settings, c, &interrupt).await,
            Err(e) => Err(e),
        },
    };
    match outcome {
        Ok(code) => exit::exit(code),
        Err(e) => {
            eprintln!("arrctl: {e}");
            exit::exit(code_for(&e))
        }
    }
}

fn usage(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidInput, message)
}

/// The settings from the config file, the environment and the flags, in that priority.
fn settings(g: &Global) -> Result<Settings, Error> {
    let file = match &g.config {
        Some(p) => Some(p.clone()),
        None => Some(std::path::PathBuf::from("arrconfig.json")).filter(|p| p.is_file()),
    };
    let mut s = match file {
        Some(p) => Settings::from_file(&p).map_err(usage)?,
        None => Settings::default(),
    };
    s = s.overlay(Settings::from_env());
    let mut flags = Settings {
        account_id: g.account_id.clone(),
        account_key: g.account_key.clone(),
        ..Settings::default()
    };
    if let Some(d) = &g.account_domain {
        let (sts, domain) = crate::settings::account_domain(d);
        flags.sts_endpoint = sts;
        flags.account_domain = domain;
    }
    if let Some(sts) = &g.sts_endpoint {
        flags.sts_endpoint = Some(sts.clone());
    }
    flags.endpoint = g
        .endpoint
        .clone()
        .or_else(|| g.region.as_deref().map(crate::settings::rendering_endpoint));
    Ok(s.overlay(flags))
}

fn client(g: &Global) -> Result<(Client, Settings), Error> {
    let s = settings(g)?;
    tracing::debug!(settings = %s, "settings");
    let account_id = s.account_id.clone().ok_or_else(|| {
        usage("no account: set ARR_ACCOUNT_ID (and ARR_ACCOUNT_KEY, ARR_ACCOUNT_DOMAIN, ARR_ENDPOINT or ARR_REGION), pass --account-id, or write an arrconfig.json")
    })?;
    let key = s.account_key.clone().ok_or_else(|| {
        usage("no account key: set ARR_ACCOUNT_KEY or the config's arrAccountKey")
    })?;
    let mut b = Client::builder()
        .account_id(account_id)
        .account_key(key)
        .user_agent_suffix("arrctl");
    b = match &s.endpoint {
        Some(e) => b.endpoint(e),
        None => return Err(usage("no service endpoint: set ARR_ENDPOINT or ARR_REGION, --endpoint or --region, or the config's remoteRenderingDomain")),
    };
    if let Some(sts) = &s.sts_endpoint {
        b = b.sts_endpoint(sts);
    } else if let Some(d) = &s.account_domain {
        b = b.account_domain(d);
    }
    if let Some(p) = &g.ca_cert {
        let pem = std::fs::read(p).map_err(|e| usage(format!("--ca-cert {}: {e}", p.display())))?;
        b = b.add_root_certificate_pem(pem);
    }
    if let Some(p) = g.poll_interval {
        b = b.poll_interval(secs("--poll-interval", p)?);
    }
    Ok((b.build()?, s))
}

fn secs(flag: &str, v: f64) -> Result<Duration, Error> {
    if v.is_finite() && v > 0.0 {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(usage(format!(
            "{flag} takes a number of seconds above 0, got {v}"
        )))
    }
}

// ---------------------------------------------------------------------------------------------
// Printing

fn print_json(v: &impl serde::Serialize) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer_pretty(&mut out, v);
    let _ = writeln!(out);
}

fn show_session(g: &Global, s: &Session) {
    if g.output == Output::Json {
        return print_json(s);
    }
    let mut lines = vec![
        format!("session     {}", s.id),
        format!("status      {}", s.status),
        format!("size        {}", s.size),
    ];
    if let (Some(e), Some(l)) = (s.elapsed_time_minutes, s.max_lease_time_minutes) {
        lines.push(format!("lease       {e} of {l} minutes used"));
    }
    if let Some(h) = &s.hostname {
        lines.push(format!("hostname    {h}"));
    }
    if let Some(p) = s.handshake_port {
        lines.push(format!("handshake   {p}"));
    }
    if let Some(p) = s.arr_inspector_port {
        lines.push(format!("inspector   {p}"));
    }
    if let Some(t) = s.teraflops {
        lines.push(format!("teraflops   {t}"));
    }
    if let Some(c) = &s.creation_time {
        lines.push(format!("created     {c}"));
    }
    if let Some(e) = &s.error {
        lines.push(format!("error       {}: {}", e.code, e.message));
    }
    println!("{}", lines.join("\n"));
}

fn show_conversion(g: &Global, c: &Conversion) {
    if g.output == Output::Json {
        return print_json(c);
    }
    let i = &c.settings.input_location;
    let o = &c.settings.output_location;
    let mut lines = vec![
        format!("conversion  {}", c.id),
        format!("status      {}", c.status),
        format!(
            "input       {}/{}{}",
            i.storage_container_uri,
            i.blob_prefix.as_deref().unwrap_or(""),
            i.relative_input_asset_path
        ),
        format!(
            "output      {}/{}{}",
            o.storage_container_uri,
            o.blob_prefix.as_deref().unwrap_or(""),
            o.output_asset_filename.as_deref().unwrap_or("")
        ),
        format!("created     {}", c.creation_time),
    ];
    if let Some(out) = &c.output {
        lines.push(format!("asset       {}", out.output_asset_uri));
    }
    if let Some(e) = &c.error {
        lines.push(format!("error       {}: {}", e.code, e.message));
        for d in e.details.iter().flatten() {
            lines.push(format!("            {}", d.message));
        }
    }
    println!("{}", lines.join("\n"));
}

/// Progress of a wait on stderr: a spinner with status and elapsed time on a terminal, a plain
/// line per change otherwise.
struct Progress {
    what: String,
    started: Instant,
    status: Arc<Mutex<String>>,
    ticker: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    fn start(what: String) -> Progress {
        let status = Arc::new(Mutex::new(String::from("…")));
        let started = Instant::now();
        let ticker = std::io::stderr().is_terminal().then(|| {
            let (status, what) = (status.clone(), what.clone());
            tokio::spawn(async move {
                const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
                for i in 0.. {
                    let s = status.lock().unwrap().clone();
                    eprint!(
                        "\r\x1b[2K{} {what}: {s} ({}s)",
                        FRAMES[i % FRAMES.len()],
                        started.elapsed().as_secs()
                    );
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            })
        });
        Progress {
            what,
            started,
            status,
            ticker,
        }
    }

    fn callback<T: 'static>(&self, status_of: fn(&T) -> String) -> impl FnMut(&T) + Send + 'static {
        let (status, what, started, tty) = (
            self.status.clone(),
            self.what.clone(),
            self.started,
            self.ticker.is_some(),
        );
        move |r: &T| {
            let new = status_of(r);
            let mut cur = status.lock().unwrap();
            if *cur != new {
                if !tty {
                    eprintln!("{what}: {new} ({}s)", started.elapsed().as_secs());
                }
                *cur = new;
            }
        }
    }

    fn finish(self) {
        if let Some(t) = self.ticker {
            t.abort();
            eprint!("\r\x1b[2K");
        }
    }
}

fn wait_options<T: 'static>(
    g: &Global,
    progress: &Progress,
    status_of: fn(&T) -> String,
) -> Result<WaitOptions<T>, Error> {
    let mut o = WaitOptions::new().on_progress(progress.callback(status_of));
    if let Some(t) = g.timeout {
        o = o.timeout(secs("--timeout", t)?);
    }
    Ok(o)
}

async fn wait_session(g: &Global, client: &Client, id: &str) -> Result<Session, Error> {
    let progress = Progress::start(format!("session {id}"));
    let options = wait_options(g, &progress, |s: &Session| s.status.to_string())?;
    let r = client.wait_for_session(id, options).await;
    progress.finish();
    r
}

async fn wait_conversion(g: &Global, client: &Client, id: &str) -> Result<Conversion, Error> {
    let progress = Progress::start(format!("conversion {id}"));
    let options = wait_options(g, &progress, |c: &Conversion| c.status.to_string())?;
    let r = client.wait_for_conversion(id, options).await;
    progress.finish();
    r
}

/// The resource a failure-state error carries, printed before the error line.
fn show_failed(g: &Global, e: &Error) {
    if let Some(s) = e.session() {
        show_session(g, s);
    }
    if let Some(c) = e.conversion() {
        show_conversion(g, c);
    }
}

// ---------------------------------------------------------------------------------------------
// Sessions

async fn session(
    g: &Global,
    client: &Client,
    s: &Settings,
    cmd: SessionCommand,
    interrupt: &CancellationToken,
) -> Result<u8, Error> {
    match cmd {
        SessionCommand::Start {
            id,
            size,
            lease,
            wait,
            keep_alive,
        } => {
            let id = id.unwrap_or_else(new_session_id);
            let size =
                SessionSize::parse(size.as_deref().or(s.size.as_deref()).unwrap_or("standard"));
            let lease = lease.or(s.lease_minutes).unwrap_or(DEFAULT_LEASE_MINUTES);
            let started = tokio::select! {
                r = client.start_session(&id, size, lease) => r?,
                _ = interrupt.cancelled() => {
                    // The request may have reached the service: with --keep-alive the session
                    // is ours to stop, so stop it.
                    if keep_alive {
                        let _ = client.stop_session(&id).await;
                        eprintln!("interrupted: stopped session {id}");
                    } else {
                        eprintln!("interrupted: session {id} may have been started (arrctl session stop {id} stops it)");
                    }
                    return Ok(exit::INTERRUPTED);
                }
            };
            if g.output == Output::Text {
                eprintln!("started session {id} ({}, {lease} minutes)", started.status);
            }
            if !(wait || keep_alive) {
                show_session(g, &started);
                return Ok(exit::SUCCESS);
            }
            // Ctrl-C while waiting: with --keep-alive the session is ours to stop.
            let ready = tokio::select! {
                r = wait_session(g, client, &id) => r,
                _ = interrupt.cancelled() => {
                    if keep_alive {
                        client.stop_session(&id).await?;
                        eprintln!("interrupted: stopped session {id}");
                    } else {
                        eprintln!("interrupted: session {id} keeps starting (arrctl session stop {id} stops it)");
                    }
                    return Ok(exit::INTERRUPTED);
                }
            };
            let ready = match ready {
                Ok(r) => r,
                Err(e) => {
                    show_failed(g, &e);
                    if keep_alive && e.kind() != ErrorKind::SessionFailed {
                        let _ = client.stop_session(&id).await;
                    }
                    return Err(e);
                }
            };
            show_session(g, &ready);
            if !keep_alive {
                return Ok(exit::SUCCESS);
            }
            keep(client, &id, interrupt).await
        }
        SessionCommand::Show { id, watch } => {
            if watch {
                match wait_session(g, client, &id).await {
                    Ok(ready) => show_session(g, &ready),
                    Err(e) => {
                        show_failed(g, &e);
                        return Err(e);
                    }
                }
            } else {
                show_session(g, &*client.get_session(&id).await?);
            }
            Ok(exit::SUCCESS)
        }
        SessionCommand::List => {
            let sessions = client.list_sessions_all().await?;
            if g.output == Output::Json {
                print_json(&sessions);
            } else if sessions.is_empty() {
                println!("no sessions are starting or ready");
            } else {
                println!(
                    "{:<44} {:<9} {:<9} {:>14}  HOSTNAME",
                    "ID", "STATUS", "SIZE", "LEASE (USED)"
                );
                for x in &sessions {
                    println!(
                        "{:<44} {:<9} {:<9} {:>14}  {}",
                        x.id,
                        x.status.as_str(),
                        x.size.as_str(),
                        format!(
                            "{} ({})",
                            x.max_lease_time_minutes.unwrap_or(0),
                            x.elapsed_time_minutes.unwrap_or(0)
                        ),
                        x.hostname.as_deref().unwrap_or("-")
                    );
                }
            }
            Ok(exit::SUCCESS)
        }
        SessionCommand::Extend { id, lease } => {
            show_session(g, &*client.update_session(&id, lease).await?);
            Ok(exit::SUCCESS)
        }
        SessionCommand::Stop { id } => {
            client.stop_session(&id).await?;
            if g.output == Output::Json {
                print_json(&serde_json::json!({ "id": id, "stopped": true }));
            } else {
                println!("stopped session {id}");
            }
            Ok(exit::SUCCESS)
        }
    }
}

/// Keeps the session alive until Ctrl-C (then stops it: exit 130) or until it ends by itself
/// (exit 1).
async fn keep(client: &Client, id: &str, interrupt: &CancellationToken) -> Result<u8, Error> {
    let keeper = client.keep_alive(id, LeaseOptions::default())?;
    eprintln!("keeping session {id} alive; Ctrl-C stops it");
    loop {
        tokio::select! {
            _ = interrupt.cancelled() => {
                keeper.close().await?;
                eprintln!("stopped session {id}");
                return Ok(exit::INTERRUPTED);
            }
            _ = tokio::time::sleep(Duration::from_millis(250)) => {
                if keeper.is_finished() {
                    let status = keeper.latest().map(|s| s.status.to_string()).unwrap_or_else(|| "gone".into());
                    eprintln!("session {id} ended: {status}");
                    return Ok(exit::FAILED_STATE);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Conversions

/// `https://{account}.blob.core.windows.net/{container}/{path}` → (container URI, path).
fn split_blob_url(url: &str, what: &str) -> Result<(String, String), Error> {
    let bad = || {
        usage(format!(
            "{what} {url:?} is not https://{{account}}.blob.core.windows.net/{{container}}/…"
        ))
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    let (host, path) = rest.split_once('/').ok_or_else(bad)?;
    let mut segs = path.splitn(if host.contains(".blob.") { 2 } else { 3 }, '/');
    let container = if host.contains(".blob.") {
        segs.next()
            .filter(|c| !c.is_empty())
            .ok_or_else(bad)?
            .to_owned()
    } else {
        // Azurite style: http://host:port/{account}/{container}/…
        let account = segs.next().ok_or_else(bad)?;
        format!("{account}/{}", segs.next().ok_or_else(bad)?)
    };
    let rest = segs.next().unwrap_or("").trim_matches('/').to_owned();
    Ok((format!("{scheme}://{host}/{container}"), rest))
}

#[allow(clippy::too_many_arguments)]
fn conversion_settings(
    s: &Settings,
    input: Option<String>,
    output: Option<String>,
    input_sas: Option<String>,
    output_sas: Option<String>,
    output_name: Option<String>,
) -> Result<ConversionSettings, Error> {
    let blob = |account: &str, container: &str| {
        format!("https://{account}.blob.core.windows.net/{container}")
    };
    let folder = |f: &Option<String>| {
        f.as_deref()
            .map(|p| p.trim_matches('/').to_owned())
            .filter(|p| !p.is_empty())
    };
    let (in_container, in_prefix, in_path) = match input {
        Some(url) => {
            let (c, p) = split_blob_url(&url, "--input")?;
            if p.is_empty() {
                return Err(usage("--input must name the model file inside the container"));
            }
            (c, None, p)
        }
        None => match (&s.storage_account, &s.input_container, &s.input_asset) {
            (Some(a), Some(c), Some(asset)) => (blob(a, c), folder(&s.input_folder), asset.clone()),
            _ => return Err(usage("no input: pass --input https://{account}.blob.core.windows.net/{container}/{model}, or fill the config's assetConversionSettings")),
        },
    };
    let (out_container, out_prefix) = match output {
        Some(url) => {
            let (c, p) = split_blob_url(&url, "--output")?;
            (c, Some(p).filter(|p| !p.is_empty()))
        }
        None => match (&s.storage_account, &s.output_container) {
            (Some(a), Some(c)) => (blob(a, c), folder(&s.output_folder)),
            _ => return Err(usage("no output: pass --output-url https://{account}.blob.core.windows.net/{container}[/{prefix}], or fill the config")),
        },
    };
    let env = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
    Ok(ConversionSettings {
        input_location: ConversionInputSettings {
            storage_container_uri: in_container,
            storage_container_read_list_sas: input_sas
                .or_else(|| env("ARR_INPUT_SAS"))
                .map(Into::into),
            blob_prefix: in_prefix,
            relative_input_asset_path: in_path,
        },
        output_location: ConversionOutputSettings {
            storage_container_uri: out_container,
            storage_container_write_sas: output_sas
                .or_else(|| env("ARR_OUTPUT_SAS"))
                .map(Into::into),
            blob_prefix: out_prefix,
            output_asset_filename: output_name.or_else(|| s.output_asset.clone()),
        },
    })
}

async fn conversion(
    g: &Global,
    client: &Client,
    s: &Settings,
    cmd: ConversionCommand,
    interrupt: &CancellationToken,
) -> Result<u8, Error> {
    match cmd {
        ConversionCommand::Start {
            id,
            input,
            output_url,
            input_sas,
            output_sas,
            output_name,
            wait,
        } => {
            let settings =
                conversion_settings(s, input, output_url, input_sas, output_sas, output_name)?;
            let id = id.unwrap_or_else(new_conversion_id);
            let started = client.start_conversion(&id, settings).await?;
            if g.output == Output::Text {
                eprintln!("started conversion {id} ({})", started.status);
            }
            if !wait {
                show_conversion(g, &started);
                return Ok(exit::SUCCESS);
            }
            let done = tokio::select! {
                r = wait_conversion(g, client, &id) => r,
                _ = interrupt.cancelled() => {
                    eprintln!("interrupted: conversion {id} goes on (arrctl conversion show {id} --watch)");
                    return Ok(exit::INTERRUPTED);
                }
            };
            match done {
                Ok(c) => show_conversion(g, &c),
                Err(e) => {
                    show_failed(g, &e);
                    return Err(e);
                }
            }
            Ok(exit::SUCCESS)
        }
        ConversionCommand::Show { id, watch } => {
            if watch {
                match wait_conversion(g, client, &id).await {
                    Ok(c) => show_conversion(g, &c),
                    Err(e) => {
                        show_failed(g, &e);
                        return Err(e);
                    }
                }
            } else {
                show_conversion(g, &*client.get_conversion(&id).await?);
            }
            Ok(exit::SUCCESS)
        }
        ConversionCommand::List => {
            let all = client.list_conversions_all().await?;
            if g.output == Output::Json {
                print_json(&all);
            } else if all.is_empty() {
                println!("no conversions");
            } else {
                println!("{:<48} {:<10} OUTPUT", "ID", "STATUS");
                for c in &all {
                    let out = c
                        .output
                        .as_ref()
                        .map(|o| o.output_asset_uri.as_str())
                        .unwrap_or("-");
                    println!("{:<48} {:<10} {out}", c.id, c.status.as_str());
                }
            }
            Ok(exit::SUCCESS)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Demo

async fn demo(g: &Global) -> Result<u8, Error> {
    use remote_rendering_emulator::{Emulator, EmulatorConfig};
    let emu = Emulator::start(EmulatorConfig {
        startup_delay: Duration::from_secs(3),
        conversion_duration: Duration::from_secs(4),
        ..EmulatorConfig::default()
    })
    .await
    .map_err(|e| {
        Error::new(
            ErrorKind::Transport,
            format!("the emulator did not start: {e}"),
        )
    })?;
    eprintln!(
        "emulator running at {} (account {})",
        emu.endpoint(),
        emu.account_id()
    );
    eprintln!(
        "dashboard at {} while the demo runs (arrctl emulator --open keeps one up)",
        emu.dashboard_url()
    );
    let client = Client::builder()
        .endpoint(emu.endpoint())
        .sts_endpoint(emu.sts_endpoint())
        .account_id(emu.account_id())
        .account_key(emu.account_key())
        .poll_interval(Duration::from_millis(500))
        .user_agent_suffix("arrctl")
        .build()?;
    let id = new_session_id();
    client.start_session(&id, SessionSize::Standard, 10).await?;
    eprintln!("started session {id}");
    let outcome = async {
        let ready = wait_session(g, &client, &id).await?;
        if g.output == Output::Text {
            show_session(g, &ready);
        }
        let extended = client.update_session(&id, 20).await?;
        eprintln!(
            "extended the lease to {} minutes",
            extended.max_lease_time_minutes.unwrap_or(0)
        );
        let listed = client.list_sessions_all().await?;
        eprintln!("{} session(s) starting or ready", listed.len());
        Ok::<_, Error>(ready)
    }
    .await;
    client.stop_session(&id).await?;
    eprintln!(
        "stopped session {id}: {}",
        client.get_session(&id).await?.status
    );
    let ready = outcome?;
    let cid = new_conversion_id();
    let sas = Some(remote_rendering::SecretString::new(
        "sv=2021-01-01&sig=demo",
    ));
    let settings = ConversionSettings {
        input_location: ConversionInputSettings {
            storage_container_uri: "https://demo.blob.core.windows.net/input".into(),
            storage_container_read_list_sas: sas.clone(),
            blob_prefix: None,
            relative_input_asset_path: "models/engine.fbx".into(),
        },
        output_location: ConversionOutputSettings {
            storage_container_uri: "https://demo.blob.core.windows.net/output".into(),
            storage_container_write_sas: sas,
            blob_prefix: Some("converted".into()),
            output_asset_filename: None,
        },
    };
    client.start_conversion(&cid, settings).await?;
    eprintln!("started conversion {cid}");
    let done = wait_conversion(g, &client, &cid).await?;
    if g.output == Output::Json {
        // One document on stdout: the session as it was Ready, and the finished conversion.
        print_json(&serde_json::json!({ "session": ready, "conversion": done }));
    } else {
        show_conversion(g, &done);
    }
    emu.shutdown().await;
    Ok(exit::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_urls_split_into_container_and_path() {
        assert_eq!(
            split_blob_url(
                "https://acct.blob.core.windows.net/in/models/box.fbx",
                "--input"
            )
            .unwrap(),
            (
                "https://acct.blob.core.windows.net/in".into(),
                "models/box.fbx".into()
            )
        );
        assert_eq!(
            split_blob_url("https://acct.blob.core.windows.net/out", "--output").unwrap(),
            ("https://acct.blob.core.windows.net/out".into(), "".into())
        );
        assert_eq!(
            split_blob_url(
                "http://127.0.0.1:10000/devstoreaccount1/in/box.fbx",
                "--input"
            )
            .unwrap(),
            (
                "http://127.0.0.1:10000/devstoreaccount1/in".into(),
                "box.fbx".into()
            )
        );
        assert!(split_blob_url("box.fbx", "--input").is_err());
    }
}
