//! Shared fixtures for the core's tests: an embedded emulator on port 0 and a client of it.

#![allow(dead_code)]

use remote_rendering::{
    Client, ClientBuilder, ConversionInputSettings, ConversionOutputSettings, ConversionSettings,
    RetryPolicy,
};
use remote_rendering_emulator::{Emulator, EmulatorConfig};
use std::time::Duration;

pub struct Env {
    pub emu: Emulator,
    pub client: Client,
}

/// Emulated delays long enough that nothing changes unless a test moves the clock.
pub fn slow_config() -> EmulatorConfig {
    EmulatorConfig {
        startup_delay: Duration::from_secs(60),
        conversion_duration: Duration::from_secs(120),
        ..EmulatorConfig::default()
    }
}

/// Retries quick enough for tests.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 5,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_secs(5),
        max_elapsed: Duration::from_secs(30),
    }
}

/// A builder pointed at the emulator with its account key.
pub fn builder_for(emu: &Emulator) -> ClientBuilder {
    Client::builder()
        .endpoint(emu.endpoint())
        .sts_endpoint(emu.sts_endpoint())
        .account_id(emu.account_id())
        .account_key(emu.account_key())
        .poll_interval(Duration::from_millis(20))
        .retry_policy(quick_retries())
}

impl Env {
    pub async fn start() -> Env {
        Self::with(slow_config()).await
    }

    pub async fn with(config: EmulatorConfig) -> Env {
        let emu = Emulator::start(config).await.expect("emulator starts");
        let client = builder_for(&emu).build().expect("client builds");
        Env { emu, client }
    }

    pub fn advance(&self, secs: u64) {
        self.emu.advance_clock(Duration::from_secs(secs));
    }

    /// Requests the emulator has seen on one route.
    pub fn requests(&self, route: &str) -> u64 {
        self.emu.stats().route(route)
    }
}

pub fn conversion_settings(storage: &str, input: &str) -> ConversionSettings {
    ConversionSettings {
        input_location: ConversionInputSettings {
            storage_container_uri: format!("https://{storage}.blob.core.windows.net/input"),
            storage_container_read_list_sas: Some("sv=2024&sig=READSECRET".into()),
            blob_prefix: Some("Input".into()),
            relative_input_asset_path: input.into(),
        },
        output_location: ConversionOutputSettings {
            storage_container_uri: format!("https://{storage}.blob.core.windows.net/output"),
            storage_container_write_sas: Some("sv=2024&sig=WRITESECRET".into()),
            blob_prefix: Some("Output".into()),
            output_asset_filename: None,
        },
    }
}
