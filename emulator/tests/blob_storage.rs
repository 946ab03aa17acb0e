//! Conversions on blob storage (`blob_storage`) without a storage service: the blob work runs
//! in a task and the conversion stays `Running` until it ends, however long the emulated
//! conversion time is; a conversion saved while its task ran fails after a restart instead of
//! staying `Running` for ever. (With a real storage, Azurite, the core's tests/blob_storage.rs.)

mod common;

use common::Env;
use remote_rendering_emulator::EmulatorConfig;
use serde_json::json;
use std::time::Duration;

/// A storage that accepts connections and never answers: the blob work waits on it.
fn silent_storage() -> (std::net::TcpListener, u16) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

fn body(port: u16) -> serde_json::Value {
    json!({
        "settings": {
            "inputLocation": {
                "storageContainerUri": format!("http://127.0.0.1:{port}/devstoreaccount1/input"),
                "storageContainerReadListSas": "sv=2022-11-02&sp=rl&sig=READSECRET",
                "relativeInputAssetPath": "model.fbx"
            },
            "outputLocation": {
                "storageContainerUri": format!("http://127.0.0.1:{port}/devstoreaccount1/output"),
                "storageContainerWriteSas": "sv=2022-11-02&sp=cw&sig=WRITESECRET"
            }
        }
    })
}

fn config(state: &std::path::Path) -> EmulatorConfig {
    EmulatorConfig {
        blob_storage: true,
        conversion_duration: Duration::from_secs(1),
        state_file: Some(state.to_owned()),
        ..EmulatorConfig::default()
    }
}

#[tokio::test]
async fn a_conversion_waits_for_its_blob_work_and_a_lost_task_fails_it_after_a_restart() {
    let (_listener, port) = silent_storage();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let env = Env::with(config(&state)).await;
    assert_eq!(env.put_conversion("c1", body(port)).await.status, 201);
    // Its emulated time is long over; the storage has not answered: still Running.
    env.advance(600);
    let c = env.get_conversion("c1").await;
    assert_eq!(c.body["status"], "Running", "{}", c.text);
    assert!(!c.text.contains("SECRET"), "{}", c.text);
    env.emu.shutdown().await;

    // Saved while its task ran; the task is gone with that process.
    let env = Env::with(config(&state)).await;
    env.advance(600);
    let c = env.get_conversion("c1").await;
    assert_eq!(c.body["status"], "Failed", "{}", c.text);
    assert_eq!(c.body["error"]["code"], "InternalServerError", "{}", c.text);
    // Nothing of the SAS was saved.
    let saved = std::fs::read(&state).unwrap();
    assert!(!String::from_utf8_lossy(&saved).contains("SECRET"));
}

#[tokio::test]
async fn without_blob_storage_nothing_changes() {
    let (_listener, port) = silent_storage();
    let env = Env::with(EmulatorConfig {
        conversion_duration: Duration::from_secs(1),
        ..EmulatorConfig::default()
    })
    .await;
    assert_eq!(env.put_conversion("c1", body(port)).await.status, 201);
    env.advance(10);
    // No storage root and no blob storage: every conversion succeeds, as before.
    assert_eq!(env.get_conversion("c1").await.body["status"], "Succeeded");
}
