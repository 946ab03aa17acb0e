//! `arrctl demo`: the emulator in-process and a whole session and conversion lifecycle against
//! it, to see arrctl work without an account.

use crate::args::{Global, Output};
use crate::exit;
use crate::output::{print_json, show_conversion, show_session};
use remote_rendering::{
    new_conversion_id, new_session_id, CancellationToken, Client, ConversionInputSettings,
    ConversionOutputSettings, ConversionSettings, CostRates, Error, ErrorKind, SessionSize,
};
use std::time::Duration;

pub async fn run(g: &Global, interrupt: &CancellationToken) -> Result<u8, Error> {
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
        let ready = crate::waits::session(g, &client, &id, interrupt).await?;
        if g.output == Output::Text {
            show_session(g, &CostRates::default(), &ready);
        }
        let extended = client.update_session(&id, 20).await?;
        eprintln!(
            "extended the lease to {} minutes",
            extended.lease_minutes.unwrap_or(0)
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
    let done = crate::waits::conversion(g, &client, &cid, interrupt).await?;
    if g.output == Output::Json {
        // One document on stdout: the session as it was Ready, and the finished conversion.
        print_json(&serde_json::json!({ "session": ready, "conversion": done }));
    } else {
        show_conversion(g, &done);
    }
    emu.shutdown().await;
    Ok(exit::SUCCESS)
}
