//! Where the account and defaults come from: an arrconfig.json in the PowerShell scripts'
//! format (in the working directory or `--config FILE`), the environment over the file, flags
//! over both; `<…>` placeholders count as unset.

mod common;

use common::*;
use remote_rendering::{ConversionStatus, SessionSize};
use remote_rendering_emulator::Emulator;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

const WRONG_KEY: &str = "d3Jvbmcga2V5IGZyb20gc29tZXdoZXJl";

/// The scripts' arrconfig.json for `emu`, its URLs as the domains (full URLs pass through).
fn scripts_config(emu: &Emulator) -> Value {
    json!({
        "accountSettings": {
            "arrAccountId": emu.account_id(),
            "arrAccountKey": emu.account_key(),
            "arrAccountDomain": emu.sts_endpoint()
        },
        "renderingSessionSettings": {
            "remoteRenderingDomain": emu.endpoint(),
            "vmSize": "premium",
            "maxLeaseTime": "0:30:00"
        },
        "assetConversionSettings": {
            "resourceGroup": "<resource group>",
            "storageAccountName": "acct",
            "blobInputContainerName": "in",
            "inputFolderPath": "<optional: base folder path in the input container>",
            "inputAssetPath": "models/box.fbx",
            "blobOutputContainerName": "out",
            "outputFolderPath": "converted",
            "outputAssetFileName": "<optional: filename for the converted asset>"
        }
    })
}

/// The template as downloaded: every account value a placeholder.
fn template() -> Value {
    json!({
        "accountSettings": {
            "arrAccountId": "<Your account id>",
            "arrAccountKey": "<Your account key>",
            "arrAccountDomain": "<Your account domain>"
        },
        "renderingSessionSettings": {
            "remoteRenderingDomain": "<Your region>",
            "vmSize": "<standard or premium>",
            "maxLeaseTime": "<hh:mm:ss>"
        },
        "assetConversionSettings": {
            "resourceGroup": "<resource group>",
            "storageAccountName": "<storage account name>",
            "blobInputContainerName": "<input container>",
            "blobOutputContainerName": "<output container>"
        }
    })
}

fn cwd_config(dir: &Path, value: &Value) {
    write_config(&dir.join("arrconfig.json"), value);
}

async fn started(emu: &Emulator, dir: &Path, id: &str, extra: &[&str], env: &[(&str, &str)]) {
    let mut args = vec!["session", "start", "--id", id];
    args.extend_from_slice(extra);
    let mut cmd = arrctl(dir, &args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(cmd).expect_code(0);
    let _ = session(emu, id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scripts_config_in_the_working_directory_is_read() {
    let emu = emulator().await;
    let dir = workdir();
    cwd_config(dir.path(), &scripts_config(&emu));
    let out = run(arrctl(dir.path(), &["session", "start", "--id", "s-cfg"]));
    out.expect_code(0);
    assert!(
        out.stderr.contains("(Starting, 30 minutes)"),
        "{}",
        out.stderr
    );
    // vmSize and maxLeaseTime are the defaults of `session start`.
    let s = session(&emu, "s-cfg").await;
    assert_eq!(s.size, SessionSize::Premium);
    assert_eq!(s.lease_minutes, Some(30));
    let out = run(arrctl(dir.path(), &["session", "list", "--output", "json"]));
    out.expect_code(0);
    assert_eq!(out.json()[0]["id"], "s-cfg");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_override_the_configs_size_and_lease() {
    let emu = emulator().await;
    let dir = workdir();
    cwd_config(dir.path(), &scripts_config(&emu));
    started(
        &emu,
        dir.path(),
        "s-flags",
        &["--size", "standard", "--lease", "1:00:00"],
        &[],
    )
    .await;
    let s = session(&emu, "s-flags").await;
    assert_eq!(s.size, SessionSize::Standard);
    assert_eq!(s.lease_minutes, Some(60));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_config_file_given_with_config_is_read() {
    let emu = emulator().await;
    let dir = workdir();
    let elsewhere = workdir();
    let file = elsewhere.path().join("my-arr.json");
    write_config(&file, &scripts_config(&emu));
    let out = run(arrctl(
        dir.path(),
        &[
            "--config",
            file.to_str().unwrap(),
            "session",
            "start",
            "--id",
            "s-file",
        ],
    ));
    out.expect_code(0);
    let s = session(&emu, "s-file").await;
    assert_eq!(s.size, SessionSize::Premium);
    assert_eq!(s.lease_minutes, Some(30));

    // --config wins over ./arrconfig.json, which is not even read then.
    std::fs::write(dir.path().join("arrconfig.json"), "this is not json").unwrap();
    let out = run(arrctl(
        dir.path(),
        &["session", "list", "--config", file.to_str().unwrap()],
    ));
    out.expect_code(0);
    // Without --config the broken ./arrconfig.json is read, and refused as usage.
    let out = run(arrctl_at(&emu, dir.path(), &["session", "list"]));
    out.expect_code(2);
    assert!(out.stderr.contains("arrconfig.json"), "{}", out.stderr);
    assert!(out.stderr.contains("not valid JSON"), "{}", out.stderr);
    // A --config file that is not there is a usage error naming it.
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "list", "--config", "nowhere.json"],
    ));
    out.expect_code(2);
    assert!(out.stderr.contains("nowhere.json"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_byte_order_mark_is_fine() {
    // PowerShell's Set-Content writes one.
    let emu = emulator().await;
    let dir = workdir();
    let text = format!("\u{feff}{}", scripts_config(&emu));
    std::fs::write(dir.path().join("arrconfig.json"), text).unwrap();
    run(arrctl(dir.path(), &["session", "list"])).expect_code(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn placeholders_count_as_unset() {
    let emu = emulator().await;
    let dir = workdir();
    // The template alone: the error says what is missing, not that "<Your account id>" was refused.
    cwd_config(dir.path(), &template());
    let out = run(arrctl(dir.path(), &["session", "list"]));
    out.expect_code(2);
    assert!(out.stderr.contains("no account"), "{}", out.stderr);
    assert!(out.stderr.contains("ARR_ACCOUNT_ID"), "{}", out.stderr);
    assert!(!out.stderr.contains("<Your"), "{}", out.stderr);
    assert_eq!(emu.stats().requests, 0);

    // The template and the account from the environment: the environment's values are used.
    let mut cmd = arrctl(dir.path(), &["session", "start", "--id", "s-env"]);
    account_env(&mut cmd, &emu);
    run(cmd).expect_code(0);
    // The template's `<standard or premium>` and `<hh:mm:ss>` are unset too: the defaults apply
    // (the core's lease, the same in every language).
    let s = session(&emu, "s-env").await;
    assert_eq!(s.size, SessionSize::Standard);
    assert_eq!(
        s.lease_minutes,
        Some(i64::from(
            remote_rendering::SessionOptions::default().lease_minutes
        ))
    );

    // A placeholder id with everything else filled in, and ARR_ACCOUNT_ID from the environment.
    let mut cfg = scripts_config(&emu);
    cfg["accountSettings"]["arrAccountId"] = json!("<Your account id>");
    cwd_config(dir.path(), &cfg);
    let out = run(arrctl(dir.path(), &["session", "list"]));
    out.expect_code(2);
    assert!(out.stderr.contains("ARR_ACCOUNT_ID"), "{}", out.stderr);
    started(
        &emu,
        dir.path(),
        "s-id-env",
        &[],
        &[("ARR_ACCOUNT_ID", emu.account_id())],
    )
    .await;

    // A placeholder key: the error names the key.
    let mut cfg = scripts_config(&emu);
    cfg["accountSettings"]["arrAccountKey"] = json!("<Your account key>");
    cwd_config(dir.path(), &cfg);
    let out = run(arrctl(dir.path(), &["session", "list"]));
    out.expect_code(2);
    assert!(out.stderr.contains("ARR_ACCOUNT_KEY"), "{}", out.stderr);
    // Placeholders in the environment count as unset as well.
    let mut cmd = arrctl(dir.path(), &["session", "list"]);
    cmd.env("ARR_ACCOUNT_KEY", "<Your account key>");
    run(cmd).expect_code(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environment_overrides_the_file() {
    let emu = emulator().await;
    let dir = workdir();
    // The file's key is wrong: ARR_ACCOUNT_KEY makes it work.
    let mut cfg = scripts_config(&emu);
    cfg["accountSettings"]["arrAccountKey"] = json!(WRONG_KEY);
    cwd_config(dir.path(), &cfg);
    run(arrctl(dir.path(), &["session", "list"])).expect_code(3);
    let mut cmd = arrctl(dir.path(), &["session", "list"]);
    cmd.env("ARR_ACCOUNT_KEY", emu.account_key());
    run(cmd).expect_code(0);

    // The file is right, the environment's key is wrong: the environment wins, and fails.
    cwd_config(dir.path(), &scripts_config(&emu));
    let mut cmd = arrctl(dir.path(), &["session", "list"]);
    cmd.env("ARR_ACCOUNT_KEY", WRONG_KEY);
    run(cmd).expect_code(3);

    // The file's endpoints lead nowhere: ARR_ENDPOINT and ARR_STS_ENDPOINT win.
    let mut cfg = scripts_config(&emu);
    cfg["accountSettings"]["arrAccountDomain"] = json!("http://127.0.0.1:9");
    cfg["renderingSessionSettings"]["remoteRenderingDomain"] = json!("http://127.0.0.1:9");
    cwd_config(dir.path(), &cfg);
    started(
        &emu,
        dir.path(),
        "s-env-urls",
        &[],
        &[
            ("ARR_ENDPOINT", emu.endpoint()),
            ("ARR_STS_ENDPOINT", emu.sts_endpoint()),
        ],
    )
    .await;
    // And the file's defaults still apply.
    let s = session(&emu, "s-env-urls").await;
    assert_eq!(s.size, SessionSize::Premium);
    assert_eq!(s.lease_minutes, Some(30));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_override_the_environment_and_the_file() {
    let emu = emulator().await;
    let dir = workdir();
    let mut cfg = scripts_config(&emu);
    cfg["accountSettings"]["arrAccountKey"] = json!(WRONG_KEY);
    cfg["accountSettings"]["arrAccountId"] = json!("99999999-9999-9999-9999-999999999999");
    cfg["renderingSessionSettings"]["remoteRenderingDomain"] = json!("http://127.0.0.1:9");
    cwd_config(dir.path(), &cfg);
    let mut cmd = arrctl(
        dir.path(),
        &[
            "session",
            "start",
            "--id",
            "s-flag",
            "--account-id",
            emu.account_id(),
            "--account-key",
            emu.account_key(),
            "--endpoint",
            emu.endpoint(),
            "--sts-endpoint",
            emu.sts_endpoint(),
        ],
    );
    cmd.env("ARR_ACCOUNT_KEY", WRONG_KEY)
        .env("ARR_ACCOUNT_ID", "88888888-8888-8888-8888-888888888888")
        .env("ARR_ENDPOINT", "http://127.0.0.1:9")
        .env("ARR_STS_ENDPOINT", "http://127.0.0.1:9");
    run(cmd).expect_code(0);
    let _ = session(&emu, "s-flag").await;

    // A wrong key flag over a right environment: the flag is used, and refused.
    let mut cmd = arrctl_at(
        &emu,
        dir.path(),
        &["session", "list", "--account-key", WRONG_KEY],
    );
    cmd.env("ARR_ACCOUNT_KEY", emu.account_key());
    run(cmd).expect_code(3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_flags_are_enough() {
    let emu = emulator().await;
    let dir = workdir();
    let out = run(arrctl(
        dir.path(),
        &[
            "--account-id",
            emu.account_id(),
            "--account-key",
            emu.account_key(),
            "--endpoint",
            emu.endpoint(),
            "--sts-endpoint",
            emu.sts_endpoint(),
            "session",
            "list",
            "--output",
            "json",
        ],
    ));
    out.expect_code(0);
    assert_eq!(out.json(), json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_domain_from_the_environment_overrides_the_files_sts_url() {
    let emu = emulator().await;
    let dir = workdir();
    // The file's arrAccountDomain is the emulator (a URL: the STS endpoint).
    cwd_config(dir.path(), &scripts_config(&emu));
    // ARR_ACCOUNT_DOMAIN overrides it: the STS is then https://sts.nowhere.invalid, and
    // nothing reaches the emulator's STS.
    let mut cmd = arrctl(dir.path(), &["session", "list"]);
    cmd.env("ARR_ACCOUNT_DOMAIN", "nowhere.invalid");
    let out = run(cmd);
    assert_ne!(out.code, Some(0), "{out:?}");
    assert_eq!(emu.stats().route("sts"), 0);
    // The same with the flag.
    let out = run(arrctl(
        dir.path(),
        &["session", "list", "--account-domain", "nowhere.invalid"],
    ));
    assert_ne!(out.code, Some(0), "{out:?}");
    assert_eq!(emu.stats().route("sts"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configs_conversion_settings_give_input_and_output() {
    let emu = emulator().await;
    let dir = workdir();
    cwd_config(dir.path(), &scripts_config(&emu));
    let out = run(arrctl(
        dir.path(),
        &[
            "conversion",
            "start",
            "--id",
            "c-cfg",
            "--input-sas",
            "sv=1",
            "--output-sas",
            "sv=2",
        ],
    ));
    out.expect_code(0);
    let c = conversion(&emu, "c-cfg").await;
    let i = &c.settings.input_location;
    assert_eq!(
        i.storage_container_uri,
        "https://acct.blob.core.windows.net/in"
    );
    assert_eq!(i.relative_input_asset_path, "models/box.fbx");
    // `<optional: …>` placeholders count as unset.
    assert_eq!(i.blob_prefix, None);
    let o = &c.settings.output_location;
    assert_eq!(
        o.storage_container_uri,
        "https://acct.blob.core.windows.net/out"
    );
    assert!(o.blob_prefix.as_deref().unwrap().starts_with("converted"));
    // (the service names the asset after the input when no name is given)
    assert!(
        !o.output_asset_filename
            .as_deref()
            .unwrap_or("")
            .contains('<'),
        "{o:?}"
    );
    emu.advance_clock(Duration::from_secs(61));
    assert_eq!(
        conversion(&emu, "c-cfg").await.status,
        ConversionStatus::Succeeded
    );

    // --input and --output override the config's.
    let out = run(arrctl(
        dir.path(),
        &[
            "conversion",
            "start",
            "--id",
            "c-cfg-flags",
            "--input",
            "https://other.blob.core.windows.net/src/a/b.glb",
            "--output-url",
            "https://other.blob.core.windows.net/dst",
            "--input-sas",
            "sv=1",
            "--output-sas",
            "sv=2",
        ],
    ));
    out.expect_code(0);
    let c = conversion(&emu, "c-cfg-flags").await;
    assert_eq!(
        c.settings.input_location.storage_container_uri,
        "https://other.blob.core.windows.net/src"
    );
    // The folder is the blob prefix, the file the relative path (as the SDKs sent them).
    assert_eq!(c.settings.input_location.relative_input_asset_path, "b.glb");
    assert_eq!(c.settings.input_location.blob_prefix.as_deref(), Some("a/"));
    assert_eq!(
        c.settings.output_location.storage_container_uri,
        "https://other.blob.core.windows.net/dst"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ca_cert_trusts_the_emulators_https() {
    let certs = workdir();
    let pem = certs.path().join("ca.pem");
    let emu = emulator_with(remote_rendering_emulator::EmulatorConfig {
        tls: Some(remote_rendering_emulator::TlsConfig {
            cert_out: Some(pem.clone()),
        }),
        ..remote_rendering_emulator::EmulatorConfig::default()
    })
    .await;
    assert!(emu.endpoint().starts_with("https://"), "{}", emu.endpoint());
    let dir = workdir();
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "list", "--ca-cert", pem.to_str().unwrap()],
    ));
    out.expect_code(0);
    assert_eq!(out.stdout.trim(), "no sessions are starting or ready");
    // A --ca-cert that is not there is a usage error naming the flag.
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "list", "--ca-cert", "missing.pem"],
    ));
    out.expect_code(2);
    assert!(out.stderr.contains("--ca-cert"), "{}", out.stderr);
    assert_eq!(emu.stats().route("list_sessions"), 1);
}

/// The older arrconfig.json that `ARRUtils.ps1` read: a region (or one URL) in
/// `accountSettings.region`, and optional `serviceEndpoint` / `authenticationEndpoint` URLs.
fn older_config(emu: &Emulator) -> Value {
    json!({
        "accountSettings": {
            "arrAccountId": emu.account_id(),
            "arrAccountKey": emu.account_key(),
            "region": "<select from available regions>",
            "serviceEndpoint": emu.endpoint(),
            "authenticationEndpoint": emu.sts_endpoint()
        },
        "renderingSessionSettings": {
            "vmSize": "premium",
            "maxLeaseTime": "0:45:00"
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_older_format_of_the_scripts_is_read() {
    let emu = emulator().await;
    let dir = workdir();
    cwd_config(dir.path(), &older_config(&emu));
    started(&emu, dir.path(), "s-older", &[], &[]).await;
    let s = session(&emu, "s-older").await;
    assert_eq!(s.size, SessionSize::Premium);
    assert_eq!(s.lease_minutes, Some(45));

    // (A region alone expanding to both URLs is checked without the network in settings.rs.)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unfilled_field_is_named_with_the_file() {
    let emu = emulator().await;
    let dir = workdir();
    let file = dir.path().join("my-arrconfig.json");
    // The current template untouched, given with --config.
    write_config(&file, &template());
    let out = run(arrctl(
        dir.path(),
        &["session", "list", "--config", file.to_str().unwrap()],
    ));
    out.expect_code(2);
    assert!(
        out.stderr
            .contains("my-arrconfig.json: accountSettings.arrAccountId is not filled in"),
        "{}",
        out.stderr
    );
    // Only the key left: the key's field.
    let mut cfg = scripts_config(&emu);
    cfg["accountSettings"]["arrAccountKey"] = json!("<Your account key>");
    write_config(&file, &cfg);
    let out = run(arrctl(
        dir.path(),
        &["session", "list", "--config", file.to_str().unwrap()],
    ));
    out.expect_code(2);
    assert!(
        out.stderr
            .contains("my-arrconfig.json: accountSettings.arrAccountKey is not filled in"),
        "{}",
        out.stderr
    );
    // The endpoint: the current format's field, or the older one's region.
    let mut cfg = scripts_config(&emu);
    cfg["renderingSessionSettings"]["remoteRenderingDomain"] = json!("<Your region>");
    write_config(&file, &cfg);
    let out = run(arrctl(
        dir.path(),
        &["session", "list", "--config", file.to_str().unwrap()],
    ));
    out.expect_code(2);
    assert!(
        out.stderr.contains(
            "my-arrconfig.json: renderingSessionSettings.remoteRenderingDomain is not filled in"
        ),
        "{}",
        out.stderr
    );
    let mut cfg = older_config(&emu);
    cfg["accountSettings"]
        .as_object_mut()
        .unwrap()
        .remove("serviceEndpoint");
    write_config(&file, &cfg);
    let out = run(arrctl(
        dir.path(),
        &["session", "list", "--config", file.to_str().unwrap()],
    ));
    out.expect_code(2);
    assert!(
        out.stderr
            .contains("my-arrconfig.json: accountSettings.region is not filled in"),
        "{}",
        out.stderr
    );
    // A lease the scripts would refuse names its field too.
    let mut cfg = scripts_config(&emu);
    cfg["renderingSessionSettings"]["maxLeaseTime"] = json!("soon");
    write_config(&file, &cfg);
    let out = run(arrctl(
        dir.path(),
        &["session", "list", "--config", file.to_str().unwrap()],
    ));
    out.expect_code(2);
    assert!(
        out.stderr
            .contains("my-arrconfig.json: renderingSessionSettings.maxLeaseTime"),
        "{}",
        out.stderr
    );
    assert_eq!(emu.stats().requests, 0);
}
