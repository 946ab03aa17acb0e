//! The whole life of a session and a conversion, printed as it happens.
//!
//! ```sh
//! cargo run --release --example quickstart -p remote-rendering
//! ```
//!
//! Without configuration it starts the embedded emulator in-process. With `ARR_ACCOUNT_ID`,
//! `ARR_ACCOUNT_KEY`, `ARR_ACCOUNT_DOMAIN` and `ARR_ENDPOINT` (or `ARR_REGION`) set it talks to
//! that service instead; the conversion step then also needs `ARR_INPUT_CONTAINER`,
//! `ARR_INPUT_ASSET` and `ARR_OUTPUT_CONTAINER` (container URIs with a linked storage account).

use remote_rendering::{
    new_conversion_id, new_session_id, Client, ClientBuilder, Conversion, ConversionInputSettings,
    ConversionOutputSettings, ConversionSettings, Session, SessionSize, WaitOptions,
};
use remote_rendering_emulator::{Emulator, EmulatorConfig};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error [{}]: {e}", e.code());
            ExitCode::FAILURE
        }
    }
}

async fn run() -> remote_rendering::Result<()> {
    // Keep the emulator alive for the whole run (dropping it stops it).
    let (client, _emulator, conversion) = connect().await?;
    let started = Instant::now();
    let t = move || format!("[{:>5.1}s]", started.elapsed().as_secs_f64());

    let id = new_session_id();
    let session = client.start_session(&id, SessionSize::Standard, 10).await?;
    println!(
        "{} started session {id}: {} (MS-CV {})",
        t(),
        session.status,
        session.ms_cv().unwrap_or("-")
    );

    // From here on the session costs money: stop it whatever happens next.
    let outcome = async {
        let ready = client
            .wait_for_session(
                &id,
                WaitOptions::new()
                    .poll_interval(Duration::from_secs(1))
                    .on_progress(move |s: &Session| {
                        println!("{} session is {}", t(), s.status);
                    }),
            )
            .await?;
        println!(
            "{} ready: {} (handshake port {}, {} teraflops)",
            t(),
            ready.hostname.as_deref().unwrap_or("?"),
            ready.handshake_port.unwrap_or(0),
            ready.teraflops.unwrap_or(0.0)
        );
        let extended = client.update_session(&id, 20).await?;
        println!(
            "{} lease extended to {} minutes",
            t(),
            extended.lease_minutes.unwrap_or(0)
        );
        for s in client.list_sessions_all().await? {
            println!(
                "{} listed: {} {} ({} of {} minutes used)",
                t(),
                s.id,
                s.status,
                s.elapsed_minutes.unwrap_or(0),
                s.lease_minutes.unwrap_or(0)
            );
        }
        Ok::<_, remote_rendering::Error>(())
    }
    .await;
    client.stop_session(&id).await?;
    println!(
        "{} stopped session {id}: {}",
        t(),
        client.get_session(&id).await?.status
    );
    outcome?;

    let Some(settings) = conversion else {
        println!(
            "{} no storage configured (ARR_INPUT_CONTAINER…): conversion skipped",
            t()
        );
        return Ok(());
    };
    let cid = new_conversion_id();
    let conv = client.start_conversion(&cid, settings).await?;
    println!("{} started conversion {cid}: {}", t(), conv.status);
    let done = client
        .wait_for_conversion(
            &cid,
            WaitOptions::new()
                .poll_interval(Duration::from_secs(1))
                .on_progress(move |c: &Conversion| {
                    println!("{} conversion is {}", t(), c.status);
                }),
        )
        .await?;
    println!(
        "{} converted: {}",
        t(),
        done.output_asset_uri.unwrap_or_default()
    );
    Ok(())
}

/// A client of the configured account, or of an embedded emulator.
async fn connect(
) -> remote_rendering::Result<(Client, Option<Emulator>, Option<ConversionSettings>)> {
    if std::env::var_os("ARR_ACCOUNT_ID").is_some() {
        println!("using the account configured in ARR_* environment variables");
        let client = ClientBuilder::from_env().build()?;
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
        let conversion = match (
            var("ARR_INPUT_CONTAINER"),
            var("ARR_INPUT_ASSET"),
            var("ARR_OUTPUT_CONTAINER"),
        ) {
            (Some(input), Some(asset), Some(output)) => {
                Some(settings(&input, &asset, &output, None))
            }
            _ => None,
        };
        return Ok((client, None, conversion));
    }
    let emulator = Emulator::start(EmulatorConfig {
        startup_delay: Duration::from_secs(3),
        conversion_duration: Duration::from_secs(4),
        ..EmulatorConfig::default()
    })
    .await
    .map_err(|e| {
        remote_rendering::Error::new(remote_rendering::ErrorKind::Transport, e.to_string())
    })?;
    println!(
        "no ARR_ACCOUNT_ID set: using the embedded emulator at {}",
        emulator.endpoint()
    );
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .sts_endpoint(emulator.sts_endpoint())
        .account_id(emulator.account_id())
        .account_key(emulator.account_key())
        .build()?;
    let conversion = settings(
        "https://quickstart.blob.core.windows.net/input",
        "models/engine.fbx",
        "https://quickstart.blob.core.windows.net/output",
        Some("sv=2021-01-01&sig=example"),
    );
    Ok((client, Some(emulator), Some(conversion)))
}

fn settings(input: &str, asset: &str, output: &str, sas: Option<&str>) -> ConversionSettings {
    ConversionSettings {
        input_location: ConversionInputSettings {
            storage_container_uri: input.into(),
            storage_container_read_list_sas: sas.map(Into::into),
            blob_prefix: None,
            relative_input_asset_path: asset.into(),
        },
        output_location: ConversionOutputSettings {
            storage_container_uri: output.into(),
            storage_container_write_sas: sas.map(Into::into),
            blob_prefix: Some("converted".into()),
            output_asset_filename: None,
        },
    }
}
