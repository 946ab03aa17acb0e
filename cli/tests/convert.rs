//! `arrctl convert PATH --wait` and `conversion start --upload --generate-sas` against Azurite
//! and the emulator on blob storage: the upload, the conversion, the asset's read URL, and no
//! key or container SAS on stdout or stderr, also with `--verbose`. Without Azurite the tests
//! skip with a note (fail under `CI=true`: run `make azurite`).

mod common;

use common::*;
use remote_rendering::storage::StorageAccount;
use remote_rendering::testing::azurite::{self, Azurite};
use remote_rendering_emulator::{Emulator, EmulatorConfig};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

async fn world() -> Option<(Azurite, Emulator)> {
    let az = Azurite::for_test()?;
    az.create_container("input").await.unwrap();
    az.create_container("output").await.unwrap();
    let emu = emulator_with(EmulatorConfig {
        blob_storage: true,
        conversion_duration: Duration::from_millis(100),
        ..EmulatorConfig::default()
    })
    .await;
    Some((az, emu))
}

fn model(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("engine.gltf"),
        br#"{"asset":{"version":"2.0"},"buffers":[{"uri":"engine.bin","byteLength":64}]}"#,
    )
    .unwrap();
    std::fs::write(dir.join("engine.bin"), [3u8; 64]).unwrap();
}

fn storage_env(cmd: &mut Command, az: &Azurite) {
    cmd.env("ARR_STORAGE_ACCOUNT", azurite::ACCOUNT)
        .env("ARR_STORAGE_ACCOUNT_KEY", azurite::KEY)
        .env("ARR_BLOB_ENDPOINT", az.blob_endpoint());
}

/// Neither the key nor any container SAS in what arrctl printed: the one `sig=` allowed is
/// the asset's read URL on stdout, the result asked for.
fn assert_no_secrets(out: &Out) {
    for text in [&out.stdout, &out.stderr] {
        assert!(!text.contains(azurite::KEY), "the key in:\n{text}");
        assert!(
            !text.contains(&azurite::KEY[..16]),
            "part of the key in:\n{text}"
        );
    }
    assert_eq!(out.stderr.matches("sig=").count(), 0, "{}", out.stderr);
    let sigs: Vec<&str> = out.stdout.lines().filter(|l| l.contains("sig=")).collect();
    assert!(
        sigs.len() <= 1
            && sigs
                .iter()
                .all(|l| l.contains("read url") || l.contains("assetReadUrl")),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn convert_uploads_converts_and_prints_a_read_url_of_the_asset() {
    let Some((az, emu)) = world().await else {
        return;
    };
    let dir = workdir();
    model(&dir.path().join("engine"));
    let mut cmd = arrctl_at(
        &emu,
        dir.path(),
        &[
            "convert",
            "./engine",
            "--wait",
            "--verbose",
            "--poll-interval",
            "0.05",
            "--input-container",
            "input",
            "--output-container",
            "output",
            "--id",
            "c-convert",
        ],
    );
    storage_env(&mut cmd, &az);
    let out = run(cmd);
    out.expect_code(0);
    // --verbose traced the requests (where a leak would show).
    assert!(out.stderr.contains("DEBUG"), "{}", out.stderr);
    assert_no_secrets(&out);
    assert!(
        out.stderr.contains("uploaded engine/engine.bin (64 bytes"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("uploaded 2 files"), "{}", out.stderr);
    assert!(
        out.stdout.contains("status      Succeeded"),
        "{}",
        out.stdout
    );
    let url = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("read url    "))
        .expect("a read url line");
    assert!(
        url.starts_with(&format!("{}/output/engine.arrAsset?", az.blob_endpoint())),
        "{url}"
    );
    let asset = reqwest::get(url).await.unwrap();
    assert_eq!(asset.status(), 200);
    assert!(asset
        .text()
        .await
        .unwrap()
        .contains("input: engine/engine.gltf"));
    // The conversion used least-privilege tokens: the emulator saw the input under its folder.
    let c = conversion(&emu, "c-convert").await;
    assert_eq!(
        c.settings.input_location.blob_prefix.as_deref(),
        Some("engine/")
    );
    assert_eq!(
        c.settings.input_location.relative_input_asset_path,
        "engine.gltf"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn convert_stops_at_a_missing_referenced_file_before_starting() {
    let Some((az, emu)) = world().await else {
        return;
    };
    let dir = workdir();
    model(&dir.path().join("engine"));
    std::fs::remove_file(dir.path().join("engine/engine.bin")).unwrap();
    let mut cmd = arrctl_at(
        &emu,
        dir.path(),
        &[
            "convert",
            "engine",
            "--input-container",
            "input",
            "--output-container",
            "output",
            "--output",
            "json",
        ],
    );
    storage_env(&mut cmd, &az);
    let out = run(cmd);
    out.expect_code(2);
    assert!(out.stderr.contains("engine/engine.bin"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("\"field\":\"input.relative_input_asset_path\""),
        "{}",
        out.stderr
    );
    assert_no_secrets(&out);
    assert_eq!(emu.stats().route("create_conversion"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn convert_without_a_storage_key_says_where_to_set_it() {
    let Some((az, emu)) = world().await else {
        return;
    };
    let dir = workdir();
    model(&dir.path().join("engine"));
    let mut cmd = arrctl_at(
        &emu,
        dir.path(),
        &[
            "convert",
            "engine",
            "--input-container",
            "input",
            "--output-container",
            "output",
        ],
    );
    storage_env(&mut cmd, &az);
    cmd.env_remove("ARR_STORAGE_ACCOUNT_KEY");
    let out = run(cmd);
    out.expect_code(2);
    assert!(
        out.stderr.contains("ARR_STORAGE_ACCOUNT_KEY"),
        "{}",
        out.stderr
    );
    // A key that is not base64: named, not repeated.
    let mut cmd = arrctl_at(
        &emu,
        dir.path(),
        &[
            "convert",
            "engine",
            "--input-container",
            "input",
            "--output-container",
            "output",
        ],
    );
    storage_env(&mut cmd, &az);
    cmd.env("ARR_STORAGE_ACCOUNT_KEY", "not-a-key!!");
    let out = run(cmd);
    out.expect_code(2);
    assert!(out.stderr.contains("storage.account_key"), "{}", out.stderr);
    assert!(!out.stderr.contains("not-a-key!!"), "{}", out.stderr);
    // A path that is neither a file nor a folder.
    let mut cmd = arrctl_at(
        &emu,
        dir.path(),
        &[
            "convert",
            "nothing-here",
            "--input-asset",
            "a.fbx",
            "--input-container",
            "input",
            "--output-container",
            "output",
        ],
    );
    storage_env(&mut cmd, &az);
    let out = run(cmd);
    out.expect_code(2);
    assert!(out.stderr.contains("path"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversion_start_uploads_and_generates_sas_like_the_script() {
    let Some((az, emu)) = world().await else {
        return;
    };
    let dir = workdir();
    model(&dir.path().join("local"));
    // Conversion.ps1's config, with the key and the endpoint this project adds.
    write_config(
        &dir.path().join("arrconfig.json"),
        &serde_json::json!({
            "assetConversionSettings": {
                "storageAccountName": azurite::ACCOUNT,
                "storageAccountKey": azurite::KEY,
                "blobEndpoint": az.blob_endpoint(),
                "localAssetDirectoryPath": "local",
                "blobInputContainerName": "input",
                "inputFolderPath": "script",
                "inputAssetPath": "engine.gltf",
                "blobOutputContainerName": "output",
                "outputFolderPath": "converted"
            }
        }),
    );
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "conversion",
            "start",
            "--upload",
            "--generate-sas",
            "--wait",
            "--verbose",
            "--poll-interval",
            "0.05",
            "--id",
            "c-script",
        ],
    ));
    out.expect_code(0);
    assert_no_secrets(&out);
    assert!(
        out.stdout.contains("status      Succeeded"),
        "{}",
        out.stdout
    );
    let acct =
        StorageAccount::new(azurite::ACCOUNT, azurite::KEY, Some(&az.blob_endpoint())).unwrap();
    let output = acct.container("output").unwrap();
    assert!(output.exists("converted/engine.arrAsset").await.unwrap());
    assert!(acct
        .container("input")
        .unwrap()
        .exists("script/engine.bin")
        .await
        .unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn convert_json_prints_the_conversion_with_its_read_url_only() {
    let Some((az, emu)) = world().await else {
        return;
    };
    let dir = workdir();
    model(&dir.path().join("engine"));
    let mut cmd = arrctl_at(
        &emu,
        dir.path(),
        &[
            "convert",
            "engine",
            "--wait",
            "--output",
            "json",
            "--poll-interval",
            "0.05",
            "--content-id",
            "--input-container",
            "input",
            "--output-container",
            "output",
            "--output-folder",
            "out",
        ],
    );
    storage_env(&mut cmd, &az);
    let out = run(cmd);
    out.expect_code(0);
    assert_no_secrets(&out);
    let v = out.json();
    assert_eq!(v["status"], "Succeeded");
    assert!(
        v["id"].as_str().unwrap().starts_with("conversion-sha256-"),
        "{v}"
    );
    let url = v["assetReadUrl"].as_str().unwrap();
    assert!(
        url.starts_with(&format!(
            "{}/output/out/engine.arrAsset?",
            az.blob_endpoint()
        )),
        "{url}"
    );
    assert_eq!(reqwest::get(url).await.unwrap().status(), 200);
}
