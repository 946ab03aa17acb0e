//! Conversions on real blob storage: uploads, SAS tokens, preflight and conversions against
//! Azurite (started per test on a free port, stopped by PID) and the embedded emulator with
//! `blob_storage` on. Without Azurite these tests skip with a note, or fail under `CI=true`
//! (run `make azurite`).

mod common;

use common::{builder_for, Env};
use remote_rendering::storage::{
    self, BlobContainer, SasPermissions, StorageAccount, UploadOptions, UploadProgress,
};
use remote_rendering::testing::azurite::{self, Azurite};
use remote_rendering::{
    Client, ConversionInputSettings, ConversionOutputSettings, ConversionSettings,
    ConversionStatus, ErrorKind, SecretString, WaitOptions,
};
use remote_rendering_emulator::EmulatorConfig;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn account(az: &Azurite) -> StorageAccount {
    StorageAccount::new(azurite::ACCOUNT, azurite::KEY, Some(&az.blob_endpoint())).unwrap()
}

/// A glTF model: the .gltf, its buffer and a texture in a subfolder.
fn model_dir(dir: &Path) {
    std::fs::create_dir_all(dir.join("textures")).unwrap();
    std::fs::write(
        dir.join("scene.gltf"),
        br#"{"asset":{"version":"2.0"},"buffers":[{"uri":"scene.bin","byteLength":1024}],"images":[{"uri":"textures/wood%20dark.png"}]}"#,
    )
    .unwrap();
    std::fs::write(dir.join("scene.bin"), vec![7u8; 1024]).unwrap();
    std::fs::write(dir.join("textures/wood dark.png"), vec![1u8; 300]).unwrap();
}

#[tokio::test]
async fn an_upload_reports_every_file_and_reaches_the_total() {
    let Some(az) = Azurite::for_test() else {
        return;
    };
    az.create_container("input").await.unwrap();
    let acct = account(&az);
    let dir = tempfile::tempdir().unwrap();
    model_dir(dir.path());
    // Write-only: what an upload needs, nothing more.
    let sas = acct
        .container_sas(
            "input",
            storage::SasPermissions::WRITE,
            std::time::Duration::from_secs(600),
        )
        .unwrap();
    let input = BlobContainer::with_sas(&acct.container_uri("input"), &sas).unwrap();
    let events: Arc<Mutex<Vec<UploadProgress>>> = Arc::default();
    let seen = events.clone();
    let report = input
        .upload(
            dir.path(),
            "model",
            UploadOptions::new()
                .concurrency(2)
                .on_progress(move |p| seen.lock().unwrap().push(p.clone())),
        )
        .await
        .unwrap();
    assert_eq!(
        report.uploaded,
        [
            "model/scene.bin",
            "model/scene.gltf",
            "model/textures/wood dark.png"
        ]
    );
    assert!(report.not_uploaded.is_empty());
    let total = 1024
        + 300
        + std::fs::metadata(dir.path().join("scene.gltf"))
            .unwrap()
            .len();
    assert_eq!(report.bytes, total);
    let events = events.lock().unwrap().clone();
    let last = events.iter().max_by_key(|e| e.bytes_done).unwrap();
    assert_eq!((last.bytes_done, last.bytes_total), (total, total));
    for blob in &report.uploaded {
        let done: Vec<_> = events
            .iter()
            .filter(|e| &e.blob == blob && e.file_done)
            .collect();
        assert_eq!(done.len(), 1, "one final event for {blob}");
        assert_eq!(done[0].file_bytes_done, done[0].file_bytes_total);
    }
    // Read back with the account key: the bytes are there.
    let keyed = acct.container("input").unwrap();
    let (bytes, cut) = keyed
        .read_bounded("model/scene.bin", 1 << 20)
        .await
        .unwrap()
        .unwrap();
    assert!(!cut);
    assert_eq!(&bytes[..], &[7u8; 1024][..]);
    assert!(keyed.exists("model/textures/wood dark.png").await.unwrap());
}

/// Azurite with `input` and `output` containers, the emulator on blob storage, a client.
struct World {
    _az: Azurite,
    acct: StorageAccount,
    env: Env,
    model: tempfile::TempDir,
}

impl World {
    async fn start() -> Option<World> {
        World::with(EmulatorConfig::default()).await
    }

    async fn with(config: EmulatorConfig) -> Option<World> {
        let az = Azurite::for_test()?;
        az.create_container("input").await.unwrap();
        az.create_container("output").await.unwrap();
        let acct = account(&az);
        let env = Env::with(EmulatorConfig {
            blob_storage: true,
            conversion_duration: Duration::from_millis(200),
            ..config
        })
        .await;
        let model = tempfile::tempdir().unwrap();
        model_dir(model.path());
        Some(World {
            _az: az,
            acct,
            env,
            model,
        })
    }

    fn input(&self) -> BlobContainer {
        self.acct.container("input").unwrap()
    }

    fn output(&self) -> BlobContainer {
        self.acct.container("output").unwrap()
    }

    async fn upload(&self, skip: &[&str]) {
        for s in skip {
            std::fs::remove_file(self.model.path().join(s)).unwrap();
        }
        self.input()
            .upload(self.model.path(), "model", UploadOptions::new())
            .await
            .unwrap();
    }

    fn settings(
        &self,
        input_sas: Option<SecretString>,
        output_sas: Option<SecretString>,
    ) -> ConversionSettings {
        ConversionSettings {
            input_location: ConversionInputSettings {
                storage_container_uri: self.acct.container_uri("input"),
                storage_container_read_list_sas: input_sas,
                blob_prefix: Some("model".into()),
                relative_input_asset_path: "scene.gltf".into(),
            },
            output_location: ConversionOutputSettings {
                storage_container_uri: self.acct.container_uri("output"),
                storage_container_write_sas: output_sas,
                blob_prefix: Some("converted".into()),
                output_asset_filename: None,
            },
        }
    }

    fn least_privilege(&self) -> ConversionSettings {
        self.settings(
            Some(self.acct.input_sas("input").unwrap()),
            Some(self.acct.output_sas("output").unwrap()),
        )
    }

    fn client(&self) -> &Client {
        &self.env.client
    }

    async fn run(
        &self,
        id: &str,
        settings: ConversionSettings,
    ) -> remote_rendering::Result<remote_rendering::Conversion> {
        self.client().start_conversion(id, settings).await?;
        self.client()
            .wait_for_conversion_with_report(
                id,
                WaitOptions::new()
                    .poll_interval(Duration::from_millis(50))
                    .timeout(Duration::from_secs(60)),
                &self.output(),
            )
            .await
    }
}

#[tokio::test]
async fn a_conversion_reads_the_uploaded_input_and_writes_its_outputs() {
    let Some(w) = World::start().await else {
        return;
    };
    w.upload(&[]).await;
    storage::preflight(&w.input(), &w.least_privilege())
        .await
        .unwrap();
    let done = w.run("conv-ok", w.least_privilege()).await.unwrap();
    assert_eq!(done.status, ConversionStatus::Succeeded);
    let uri = done.output_asset_uri.clone().unwrap();
    assert_eq!(
        uri,
        format!(
            "{}/converted/scene.arrAsset",
            w.acct.container_uri("output")
        )
    );
    // The output blobs, read back through the blob client.
    let out = w.output();
    let (asset, _) = out
        .read_bounded("converted/scene.arrAsset", 1 << 20)
        .await
        .unwrap()
        .unwrap();
    let asset = String::from_utf8(asset.to_vec()).unwrap();
    let gltf_len = std::fs::metadata(w.model.path().join("scene.gltf"))
        .unwrap()
        .len();
    assert!(asset.contains("input: model/scene.gltf"), "{asset}");
    assert!(
        asset.contains(&format!("input-bytes: {gltf_len}")),
        "{asset}"
    );
    let (result, _) = out
        .read_bounded(&storage::conversion_result_name(&done.settings), 1 << 20)
        .await
        .unwrap()
        .unwrap();
    let result: serde_json::Value = serde_json::from_slice(&result).unwrap();
    assert_eq!(result["status"], "Succeeded");
    assert_eq!(result["conversionId"], "conv-ok");
    assert_eq!(
        result["referencedFiles"],
        serde_json::json!(["model/scene.bin", "model/textures/wood dark.png"])
    );
    let (log, _) = out
        .read_bounded(&storage::conversion_log_name(&done.settings), 1 << 20)
        .await
        .unwrap()
        .unwrap();
    let log = String::from_utf8(log.to_vec()).unwrap();
    assert!(log.contains("wrote converted/scene.arrAsset"), "{log}");
    assert!(!log.contains("sig="), "{log}");
    // A read link to the asset works without any other credential.
    let link = w
        .acct
        .asset_read_url(&uri, Duration::from_secs(300))
        .unwrap();
    let got = reqwest::get(link.expose()).await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.text().await.unwrap(), asset);
    // And one for another blob is refused: the link grants that one blob only.
    let other = link.expose().replace("scene.arrAsset", "scene.result.json");
    assert_eq!(reqwest::get(other).await.unwrap().status(), 403);
}

#[tokio::test]
async fn a_conversion_succeeds_only_once_its_outputs_are_written() {
    // The emulated conversion time is over at once: only the blob work keeps it `Running`.
    let config = EmulatorConfig::default();
    let Some(w) = World::with(config).await else {
        return;
    };
    w.upload(&[]).await;
    let mut env_config = EmulatorConfig {
        blob_storage: true,
        ..EmulatorConfig::default()
    };
    env_config.conversion_duration = Duration::ZERO;
    let env = Env::with(env_config).await;
    let created = env
        .client
        .start_conversion("conv-run", w.least_privilege())
        .await
        .unwrap();
    assert_eq!(created.status, ConversionStatus::NotStarted);
    loop {
        let c = env.client.get_conversion("conv-run").await.unwrap();
        match c.status.clone() {
            ConversionStatus::Running => tokio::time::sleep(Duration::from_millis(2)).await,
            ConversionStatus::Succeeded => {
                // Seen as done: every output is there already.
                assert!(w.output().exists("converted/scene.arrAsset").await.unwrap());
                assert!(w
                    .output()
                    .exists("converted/scene.result.json")
                    .await
                    .unwrap());
                assert!(w
                    .output()
                    .exists("converted/scene.conversion.log")
                    .await
                    .unwrap());
                break;
            }
            other => panic!("{other:?}: {:?}", c.error),
        }
    }
}

#[tokio::test]
async fn a_sas_without_write_fails_the_conversion_as_the_service_did() {
    let Some(w) = World::start().await else {
        return;
    };
    w.upload(&[]).await;
    // Read and list on the output: no write.
    let read_only = w
        .acct
        .container_sas(
            "output",
            SasPermissions::READ_LIST,
            Duration::from_secs(600),
        )
        .unwrap();
    let settings = w.settings(Some(w.acct.input_sas("input").unwrap()), Some(read_only));
    let e = w.run("conv-nowrite", settings).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConversionFailed);
    let service = e.service_error().unwrap();
    assert_eq!(service.code, "OutputContainerError");
    assert_eq!(e.conversion().unwrap().status, ConversionStatus::Failed);
    assert!(!w.output().exists("converted/scene.arrAsset").await.unwrap());
}

#[tokio::test]
async fn a_sas_without_list_fails_reading_the_input() {
    let Some(w) = World::start().await else {
        return;
    };
    w.upload(&[]).await;
    let read_only = w
        .acct
        .container_sas("input", SasPermissions::READ, Duration::from_secs(600))
        .unwrap();
    let settings = w.settings(Some(read_only), Some(w.acct.output_sas("output").unwrap()));
    let e = w.run("conv-nolist", settings).await.unwrap_err();
    let service = e.service_error().unwrap();
    assert_eq!(service.code, "InputContainerError");
    assert!(
        service.message.contains("read and list"),
        "{}",
        service.message
    );
}

/// The recording of the service's answer to a conversion of a missing input.
fn recorded_missing_input() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/recordings/dotnet/TestFailedConversionsMissingAsset.json"
    );
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    rec["Entries"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["ResponseBody"]["status"] == "Failed")
        .map(|e| e["ResponseBody"]["error"].clone())
        .unwrap()
}

#[tokio::test]
async fn a_missing_input_fails_with_the_recorded_error_and_details() {
    let Some(w) = World::start().await else {
        return;
    };
    let mut settings = w.least_privilege();
    settings.input_location.relative_input_asset_path = "boxWhichDoesNotExist.fbx".into();
    let e = w.run("conv-missing", settings).await.unwrap_err();
    let service = e.service_error().unwrap();
    let recorded = recorded_missing_input();
    assert_eq!(service.code, recorded["code"]);
    assert_eq!(service.message, recorded["message"]);
    let details: Vec<_> = service
        .details
        .iter()
        .map(|d| (d.code.as_str(), d.message.as_str()))
        .collect();
    let uri = format!(
        "InputStorageContainerUri: {}",
        w.acct.container_uri("input")
    );
    assert_eq!(
        details,
        [
            ("AdditionalInfo", uri.as_str()),
            (
                "AdditionalInfo",
                "InputRelativeInputAssetPath: boxWhichDoesNotExist.fbx"
            ),
            ("AdditionalInfo", "InputBlobPrefix: model/"),
        ]
    );
}

#[tokio::test]
async fn a_missing_referenced_file_is_caught_before_anything_is_started() {
    let Some(w) = World::start().await else {
        return;
    };
    w.upload(&["scene.bin"]).await;
    let e = storage::preflight(&w.input(), &w.least_privilege())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.field(), Some("input.relative_input_asset_path"));
    assert!(e.message().contains("\"model/scene.bin\""), "{e}");
    assert!(e.message().contains("buffers[0].uri"), "{e}");
    // Nothing was started.
    assert_eq!(w.env.requests("create_conversion"), 0);
    assert!(w.client().list_conversions_all().await.unwrap().is_empty());
    // A missing texture too, and a missing input.
    let w2 = w;
    let mut s = w2.least_privilege();
    s.input_location.relative_input_asset_path = "nothing.gltf".into();
    let e = storage::preflight(&w2.input(), &s).await.unwrap_err();
    assert!(
        e.message()
            .contains("\"model/nothing.gltf\" does not exist"),
        "{e}"
    );
    let mut s = w2.least_privilege();
    s.input_location.relative_input_asset_path = "R&D.fbx".into();
    assert_eq!(
        storage::preflight(&w2.input(), &s)
            .await
            .unwrap_err()
            .field(),
        Some("input.relative_input_asset_path")
    );
}

#[tokio::test]
async fn a_failed_conversion_carries_its_result_file_and_log() {
    let Some(w) = World::start().await else {
        return;
    };
    w.upload(&["textures/wood dark.png"]).await;
    // No preflight: the service finds the missing texture and writes why.
    let e = w.run("conv-notex", w.least_privilege()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConversionFailed);
    assert_eq!(e.service_error().unwrap().code, "InputAssetError");
    let report = e.conversion_report().expect("the report is read back");
    assert!(
        report.contains("--- converted/scene.result.json"),
        "{report}"
    );
    assert!(report.contains("\"status\": \"Failed\""), "{report}");
    assert!(
        report.contains("--- converted/scene.conversion.log"),
        "{report}"
    );
    assert!(
        report.contains("found referenced file model/scene.bin"),
        "{report}"
    );
    assert!(!report.contains("sig="), "{report}");
}

#[tokio::test]
async fn linked_storage_with_a_configured_key_needs_no_sas() {
    let config = EmulatorConfig {
        storage_account_keys: vec![(azurite::ACCOUNT.into(), SecretString::new(azurite::KEY))],
        ..EmulatorConfig::default()
    };
    let Some(w) = World::with(config).await else {
        return;
    };
    w.upload(&[]).await;
    let done = w.run("conv-linked", w.settings(None, None)).await.unwrap();
    assert_eq!(done.status, ConversionStatus::Succeeded);
    assert!(w.output().exists("converted/scene.arrAsset").await.unwrap());
}

#[tokio::test]
async fn without_a_sas_or_link_the_create_is_refused_with_403() {
    let Some(w) = World::start().await else {
        return;
    };
    let e = w
        .client()
        .start_conversion("conv-403", w.settings(None, None))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    assert_eq!(
        e.service_error().unwrap().code,
        "LinkedStorageAccessFailure"
    );
}

#[tokio::test]
async fn a_content_id_converts_an_identical_input_once() {
    let Some(w) = World::start().await else {
        return;
    };
    w.upload(&[]).await;
    let id = storage::content_conversion_id(w.model.path(), &w.least_privilege())
        .await
        .unwrap();
    let first = w.run(&id, w.least_privilege()).await.unwrap();
    // A new SAS, the same input and settings: the same id, the same conversion (200).
    let again = storage::content_conversion_id(w.model.path(), &w.least_privilege())
        .await
        .unwrap();
    assert_eq!(again, id);
    let second = w
        .client()
        .start_conversion(&again, w.least_privilege())
        .await
        .unwrap();
    assert_eq!(second.status(), 200);
    assert_eq!(second.created_on, first.created_on);
    assert_eq!(w.client().list_conversions_all().await.unwrap().len(), 1);
}

#[tokio::test]
async fn azurite_checks_the_signature_of_the_sas() {
    let Some(az) = Azurite::for_test() else {
        return;
    };
    az.create_container("input").await.unwrap();
    let acct = account(&az);
    let good = acct
        .container_sas("input", SasPermissions::WRITE, Duration::from_secs(60))
        .unwrap();
    let c = BlobContainer::with_sas(&acct.container_uri("input"), &good).unwrap();
    c.put("a.txt", "a".into()).await.unwrap();
    // One character of the signature changed: refused.
    let sig_at = good.expose().find("sig=").unwrap() + 4;
    let mut bad = good.expose().to_owned();
    let flipped = if &bad[sig_at..sig_at + 1] == "A" {
        "B"
    } else {
        "A"
    };
    bad.replace_range(sig_at..sig_at + 1, flipped);
    let c = BlobContainer::with_sas(
        &acct.container_uri("input"),
        &SecretString::new(bad.clone()),
    )
    .unwrap();
    let e = c.put("b.txt", "b".into()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
    assert!(!e.to_string().contains(&bad[sig_at..]), "{e}");
    // Read-list cannot write; write cannot read.
    let rl = BlobContainer::with_sas(
        &acct.container_uri("input"),
        &acct.input_sas("input").unwrap(),
    )
    .unwrap();
    assert_eq!(
        rl.put("c.txt", "c".into()).await.unwrap_err().kind(),
        ErrorKind::Forbidden
    );
    assert!(rl.exists("a.txt").await.unwrap());
    let w = BlobContainer::with_sas(&acct.container_uri("input"), &good).unwrap();
    assert_eq!(
        w.exists("a.txt").await.unwrap_err().kind(),
        ErrorKind::Forbidden
    );
}

#[tokio::test]
async fn an_upload_stopped_part_way_reports_what_was_and_was_not_uploaded() {
    let Some(az) = Azurite::for_test() else {
        return;
    };
    az.create_container("input").await.unwrap();
    let acct = account(&az);
    let dir = tempfile::tempdir().unwrap();
    model_dir(dir.path());
    let cancel = remote_rendering::CancellationToken::new();
    let stop = cancel.clone();
    let options = UploadOptions::new()
        .concurrency(1)
        .cancel(cancel)
        .on_progress(move |p| {
            if p.file_done {
                stop.cancel();
            }
        });
    let e = acct
        .container("input")
        .unwrap()
        .upload(dir.path(), "", options)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    let report = e.upload_report().unwrap();
    assert_eq!(report.uploaded, ["scene.bin"]);
    assert_eq!(
        report.not_uploaded,
        ["scene.gltf", "textures/wood dark.png"]
    );
    assert!(e.message().contains("uploaded 1 of 3 files"), "{e}");
    assert!(
        e.message()
            .contains("not uploaded: scene.gltf, textures/wood dark.png"),
        "{e}"
    );
    // Without write permission nothing is uploaded, and the report says so.
    let rl = BlobContainer::with_sas(
        &acct.container_uri("input"),
        &acct.input_sas("input").unwrap(),
    )
    .unwrap();
    let e = rl
        .upload(dir.path(), "x", UploadOptions::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    assert!(e.upload_report().unwrap().uploaded.is_empty());
    assert_eq!(e.upload_report().unwrap().not_uploaded.len(), 3);
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_transport_error_naming_the_endpoint() {
    // A port nothing listens on (bound, then closed).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let acct = StorageAccount::new(
        azurite::ACCOUNT,
        azurite::KEY,
        Some(&format!("http://127.0.0.1:{port}/{}", azurite::ACCOUNT)),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    model_dir(dir.path());
    let e = acct
        .container("input")
        .unwrap()
        .upload(dir.path(), "", UploadOptions::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert!(e.message().contains("storage.blob_endpoint"), "{e}");
    assert_eq!(e.upload_report().unwrap().not_uploaded.len(), 3);
}

#[tokio::test]
async fn no_key_or_sas_is_ever_in_debug_errors_or_the_service_answers() {
    let Some(w) = World::start().await else {
        return;
    };
    w.upload(&["scene.bin"]).await;
    let settings = w.least_privilege();
    let in_sas = settings
        .input_location
        .storage_container_read_list_sas
        .clone()
        .unwrap();
    let out_sas = settings
        .output_location
        .storage_container_write_sas
        .clone()
        .unwrap();
    let sig = |s: &SecretString| s.expose().split("sig=").nth(1).unwrap().to_owned();
    let secrets = [azurite::KEY.to_owned(), sig(&in_sas), sig(&out_sas)];
    let mut shown = vec![
        format!("{:?}", w.acct),
        format!("{:?}", w.input()),
        format!(
            "{:?}",
            BlobContainer::with_sas(&w.acct.container_uri("input"), &in_sas).unwrap()
        ),
        format!("{settings:?}"),
        format!("{:?}", UploadOptions::new().on_progress(|_| {})),
        format!(
            "{:?}",
            w.acct
                .blob_read_url("output", "a.arrAsset", Duration::from_secs(60))
                .unwrap()
        ),
    ];
    let e = storage::preflight(&w.input(), &settings).await.unwrap_err();
    shown.push(format!("{e} {e:?}"));
    let bad = BlobContainer::with_sas(&w.acct.container_uri("output"), &out_sas).unwrap();
    let e = bad.list("").await.unwrap_err();
    shown.push(format!("{e} {e:?}"));
    let e = w.run("conv-secrets", settings.clone()).await.unwrap_err();
    shown.push(format!("{e} {e:?}"));
    let got = w.client().get_conversion("conv-secrets").await.unwrap();
    shown.push(format!("{got:?} {}", serde_json::to_string(&*got).unwrap()));
    let raw = reqwest::Client::new()
        .get(format!(
            "{}/accounts/{}/conversions?api-version=2021-01-01",
            w.env.emu.endpoint(),
            w.env.emu.account_id()
        ))
        .bearer_auth(
            builder_for(&w.env.emu)
                .build()
                .unwrap()
                .config()
                .account_id(),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    shown.push(raw);
    for text in &shown {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "a secret in: {text}");
        }
    }
}

#[tokio::test]
async fn azurite_is_stopped_and_its_data_removed_on_drop() {
    let Some(az) = Azurite::for_test() else {
        return;
    };
    let (pid, dir) = (az.pid(), az.data_dir().to_owned());
    assert!(dir.exists());
    drop(az);
    assert!(!dir.exists());
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists()
            || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .map_or(true, |s| s.contains(") Z "))
    );
}

#[tokio::test]
async fn a_large_file_goes_in_blocks_with_progress_after_each() {
    let Some(az) = Azurite::for_test() else {
        return;
    };
    az.create_container("input").await.unwrap();
    let acct = account(&az);
    let dir = tempfile::tempdir().unwrap();
    // Two blocks and a bit: 8 MiB + 8 MiB + 1 KiB.
    let size = 16 * 1024 * 1024 + 1024;
    let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.path().join("big.fbx"), &data).unwrap();
    let events: Arc<Mutex<Vec<UploadProgress>>> = Arc::default();
    let seen = events.clone();
    let report = acct
        .container("input")
        .unwrap()
        .upload(
            &dir.path().join("big.fbx"),
            "m",
            UploadOptions::new().on_progress(move |p| seen.lock().unwrap().push(p.clone())),
        )
        .await
        .unwrap();
    assert_eq!(report.uploaded, ["m/big.fbx"]);
    let done: Vec<u64> = events
        .lock()
        .unwrap()
        .iter()
        .map(|e| e.file_bytes_done)
        .collect();
    assert_eq!(
        done,
        [0, 8 << 20, 16 << 20, size as u64, size as u64],
        "after each block, then done"
    );
    let (back, cut) = acct
        .container("input")
        .unwrap()
        .read_bounded("m/big.fbx", 64 << 20)
        .await
        .unwrap()
        .unwrap();
    assert!(!cut);
    assert_eq!(back.len(), data.len());
    assert!(
        back[..] == data[..],
        "the blocks were put together in order"
    );
}

#[tokio::test]
async fn a_container_is_created_once_and_then_found() {
    let Some(az) = Azurite::for_test() else {
        return;
    };
    let acct = account(&az);
    assert!(acct.create_container("made-here").await.unwrap());
    assert!(!acct.create_container("made-here").await.unwrap());
    let e = acct.create_container("Not_A_Name").await.unwrap_err();
    assert_eq!(e.field(), Some("container"));
    // A wrong key is refused by the storage, and the error names no key.
    let wrong = StorageAccount::new(
        azurite::ACCOUNT,
        "d3Jvbmcga2V5IHdyb25nIGtleQ==",
        Some(&az.blob_endpoint()),
    )
    .unwrap();
    let e = wrong.create_container("other").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
    assert!(!e.to_string().contains("d3Jvbmcg"), "{e}");
}

#[tokio::test]
async fn listing_with_a_write_only_sas_is_forbidden() {
    let Some(az) = Azurite::for_test() else {
        return;
    };
    az.create_container("input").await.unwrap();
    let acct = account(&az);
    let sas = acct
        .container_sas("input", SasPermissions::WRITE, Duration::from_secs(600))
        .unwrap();
    let input = BlobContainer::with_sas(&acct.container_uri("input"), &sas).unwrap();
    let e = input.list("").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
    assert_eq!(e.status(), Some(403));
    assert!(!e.to_string().contains(sas.expose()), "{e}");
}
