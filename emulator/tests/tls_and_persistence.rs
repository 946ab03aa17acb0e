//! https and the state file through the library API: `EmulatorConfig { tls, state_file }`,
//! restarts with `shutdown`, the emulated clock across restarts, and `start_blocking` for
//! callers without a runtime.

mod common;

use remote_rendering_emulator::{Emulator, EmulatorConfig, EmulatorError, TlsConfig};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

const STS_VERSION: &str = "2019-02-28-preview";
const API: &str = "api-version=2021-01-01";
const SESSION_BODY: &str = r#"{"maxLeaseTimeMinutes":10,"size":"Standard"}"#;
/// Longest any single request or start-up may take.
const TIMEOUT: Duration = Duration::from_secs(15);

fn conversion_body() -> Value {
    json!({"settings":{
        "inputLocation":{"storageContainerUri":"https://acct.blob.core.windows.net/in","storageContainerReadListSas":"sv=1","relativeInputAssetPath":"a.fbx"},
        "outputLocation":{"storageContainerUri":"https://acct.blob.core.windows.net/out","storageContainerWriteSas":"sv=2"}
    }})
}

async fn start(config: EmulatorConfig) -> Emulator {
    tokio::time::timeout(TIMEOUT, Emulator::start(config))
        .await
        .expect("the emulator starts in time")
        .expect("the emulator starts")
}

async fn stop(emu: Emulator) {
    tokio::time::timeout(TIMEOUT, emu.shutdown())
        .await
        .expect("shutdown finishes in time");
}

fn with_state(path: &Path) -> EmulatorConfig {
    EmulatorConfig {
        state_file: Some(path.to_owned()),
        ..Default::default()
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(TIMEOUT)
        .build()
        .expect("client")
}

/// A client that trusts exactly the CA in `pem_file` and nothing else.
fn client_trusting(pem_file: &Path) -> reqwest::Client {
    let pem = std::fs::read(pem_file).expect("the CA file is readable");
    let ca = reqwest::Certificate::from_pem(&pem).expect("the CA file is a PEM certificate");
    reqwest::Client::builder()
        .no_proxy()
        .timeout(TIMEOUT)
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca)
        .build()
        .expect("client")
}

fn sts_url(endpoint: &str, account: &str) -> String {
    format!("{endpoint}/Accounts/{account}/token?api-version={STS_VERSION}")
}

/// A token of the emulator's account, fetched from `base` (its endpoint unless overridden).
async fn token_from(c: &reqwest::Client, emu: &Emulator, base: &str) -> String {
    let res = c
        .get(sts_url(base, emu.account_id()))
        .header(
            "Authorization",
            format!("Bearer {}:{}", emu.account_id(), emu.account_key()),
        )
        .send()
        .await
        .expect("the STS answers");
    assert_eq!(res.status().as_u16(), 200, "STS over {base}");
    let body: Value = res.json().await.expect("the STS answers JSON");
    body["AccessToken"]
        .as_str()
        .expect("AccessToken is a string")
        .to_owned()
}

async fn token(c: &reqwest::Client, emu: &Emulator) -> String {
    token_from(c, emu, emu.endpoint()).await
}

fn session_url(emu: &Emulator, id: &str) -> String {
    format!(
        "{}/accounts/{}/sessions/{id}?{API}",
        emu.endpoint(),
        emu.account_id()
    )
}

fn conversion_url(emu: &Emulator, id: &str) -> String {
    format!(
        "{}/accounts/{}/conversions/{id}?{API}",
        emu.endpoint(),
        emu.account_id()
    )
}

/// Sends `req` and returns (status, JSON body or `Null`).
async fn call(req: reqwest::RequestBuilder) -> (u16, Value) {
    let res = req.send().await.expect("the emulator answers");
    let status = res.status().as_u16();
    let text = res.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn create_session(c: &reqwest::Client, emu: &Emulator, token: &str, id: &str) -> Value {
    let (status, body) = call(
        c.put(session_url(emu, id))
            .bearer_auth(token)
            .header("Content-Type", "application/json")
            .body(SESSION_BODY),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body
}

async fn get_session(c: &reqwest::Client, emu: &Emulator, token: &str, id: &str) -> Value {
    let (status, body) = call(c.get(session_url(emu, id)).bearer_auth(token)).await;
    assert_eq!(status, 200, "GET session {id}: {body}");
    body
}

// ---------------------------------------------------------------------------------------- TLS

#[tokio::test]
async fn tls_serves_https_trusted_through_the_written_ca_only() {
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    let emu = start(EmulatorConfig {
        tls: Some(TlsConfig {
            cert_out: Some(ca_file.clone()),
        }),
        ..Default::default()
    })
    .await;
    let port: u16 = emu
        .endpoint()
        .strip_prefix("https://127.0.0.1:")
        .unwrap_or_else(|| panic!("{} is not https://127.0.0.1:PORT", emu.endpoint()))
        .parse()
        .expect("numeric port");
    assert_ne!(port, 0);
    assert_eq!(emu.sts_endpoint(), emu.endpoint());
    assert_eq!(emu.ca_cert_path(), Some(ca_file.as_path()));
    let line: Value =
        serde_json::from_str(&emu.info().to_json_line()).expect("the ready line is JSON");
    assert_eq!(line["caCert"], json!(ca_file.to_str().unwrap()));
    assert_eq!(line["endpoint"], json!(emu.endpoint()));
    let pem = std::fs::read_to_string(&ca_file).expect("the CA file is written at start");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    assert!(
        pem.trim_end().ends_with("-----END CERTIFICATE-----"),
        "{pem}"
    );

    let trusting = client_trusting(&ca_file);
    let t = token(&trusting, &emu).await;
    // The certificate names localhost too.
    token_from(&trusting, &emu, &format!("https://localhost:{port}")).await;
    // The ARR API is on the same https port.
    let (status, body) = call(
        trusting
            .get(format!(
                "{}/accounts/{}/sessions?{API}",
                emu.endpoint(),
                emu.account_id()
            ))
            .bearer_auth(&t),
    )
    .await;
    assert_eq!((status, body), (200, json!({"sessions": []})));

    let err = client()
        .get(sts_url(emu.endpoint(), emu.account_id()))
        .send()
        .await
        .expect_err("a client without the emulator's CA cannot connect");
    assert!(err.is_connect(), "a connect (TLS) error: {err:?}");
    assert!(
        format!("{err:?}")
            .to_ascii_lowercase()
            .contains("certificate"),
        "{err:?}"
    );

    stop(emu).await;
}

#[tokio::test]
async fn next_links_over_tls_use_https() {
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    let emu = start(EmulatorConfig {
        tls: Some(TlsConfig {
            cert_out: Some(ca_file.clone()),
        }),
        page_size: 1,
        ..Default::default()
    })
    .await;
    let c = client_trusting(&ca_file);
    let t = token(&c, &emu).await;
    create_session(&c, &emu, &t, "s1").await;
    create_session(&c, &emu, &t, "s2").await;
    let (status, page) = call(
        c.get(format!(
            "{}/accounts/{}/sessions?{API}",
            emu.endpoint(),
            emu.account_id()
        ))
        .bearer_auth(&t),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(page["sessions"][0]["id"], "s1");
    let next = page["@nextLink"].as_str().expect("a next link");
    assert!(
        next.starts_with(&format!("{}/accounts/", emu.endpoint())),
        "{next}"
    );
    let (status, page) = call(c.get(next).bearer_auth(&t)).await;
    assert_eq!(status, 200);
    assert_eq!(page["sessions"][0]["id"], "s2");
    assert_eq!(page.get("@nextLink"), None);
    stop(emu).await;
}

#[tokio::test]
async fn tls_cert_out_in_a_missing_folder_is_a_tls_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("no-such-folder").join("ca.pem");
    let err = Emulator::start(EmulatorConfig {
        tls: Some(TlsConfig {
            cert_out: Some(ca_file.clone()),
        }),
        ..Default::default()
    })
    .await
    .expect_err("the CA cannot be written");
    match &err {
        EmulatorError::Tls(m) => assert!(m.contains(ca_file.to_str().unwrap()), "{m}"),
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

// -------------------------------------------------------------------------------- persistence

#[tokio::test]
async fn sessions_conversions_and_tokens_survive_a_restart_and_no_sas_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let c = client();

    let emu = start(with_state(&state)).await;
    let old_token = token(&c, &emu).await;
    let session = create_session(&c, &emu, &old_token, "s1").await;
    let (status, conversion) = call(
        c.put(conversion_url(&emu, "c1"))
            .bearer_auth(&old_token)
            .json(&conversion_body()),
    )
    .await;
    assert_eq!(status, 201, "{conversion}");
    stop(emu).await;

    assert!(state.exists(), "the state database is written");
    assert!(
        !common::stored_bytes_contain(&state, b"sv=1"),
        "the read SAS is not persisted"
    );
    assert!(
        !common::stored_bytes_contain(&state, b"sv=2"),
        "the write SAS is not persisted"
    );

    let emu = start(with_state(&state)).await;
    let again = get_session(&c, &emu, &old_token, "s1").await;
    assert_eq!(again["creationTime"], session["creationTime"]);
    assert_eq!(again["size"], "Standard");
    assert_eq!(again["maxLeaseTimeMinutes"], 10);

    let (status, again) = call(c.get(conversion_url(&emu, "c1")).bearer_auth(&old_token)).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["creationTime"], conversion["creationTime"]);
    assert_eq!(
        again["settings"], conversion["settings"],
        "the normalised settings are kept"
    );
    assert_eq!(
        again["settings"]["outputLocation"]["outputAssetFilename"],
        "a.arrAsset"
    );

    // A re-PUT with the same settings (and a different SAS) is the same conversion: 200.
    let mut same = conversion_body();
    same["settings"]["inputLocation"]["storageContainerReadListSas"] = json!("sv=3");
    let (status, body) = call(
        c.put(conversion_url(&emu, "c1"))
            .bearer_auth(&old_token)
            .json(&same),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["creationTime"], conversion["creationTime"]);

    stop(emu).await;
    assert!(
        !common::stored_bytes_contain(&state, b"sv="),
        "no SAS after the second run either"
    );
}

#[tokio::test]
async fn an_acknowledged_create_is_on_disk_before_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("nested").join("state.json");
    let emu = start(with_state(&state)).await;
    let c = client();
    let t = token(&c, &emu).await;
    create_session(&c, &emu, &t, "on-disk").await;
    // No shutdown yet: the 201 is only sent once the transaction that includes it is
    // committed, so another reader of the database sees it now.
    assert_eq!(common::stored_ids(&state, "sessions"), ["on-disk"]);
    stop(emu).await;
    // Stopped: one database file, nothing else (the WAL is folded back in).
    let files: Vec<PathBuf> = std::fs::read_dir(state.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p != &state)
        .collect();
    assert!(files.is_empty(), "no other files left: {files:?}");
}

#[tokio::test]
async fn a_starting_session_keeps_progressing_on_the_emulated_clock_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let config = EmulatorConfig {
        startup_delay: Duration::from_secs(60),
        ..with_state(&state)
    };
    let c = client();

    let emu = start(config.clone()).await;
    let t = token(&c, &emu).await;
    let created = create_session(&c, &emu, &t, "s1").await;
    assert_eq!(created["status"], "Starting");
    stop(emu).await;

    let emu = start(config).await;
    let before = get_session(&c, &emu, &t, "s1").await;
    assert_eq!(before["status"], "Starting", "{before}");
    assert_eq!(before.get("hostname"), None);

    emu.advance_clock(Duration::from_secs(61));
    let ready = get_session(&c, &emu, &t, "s1").await;
    assert_eq!(ready["status"], "Ready", "{ready}");
    assert_eq!(ready["creationTime"], created["creationTime"]);
    let hostname = ready["hostname"]
        .as_str()
        .expect("a Ready session has a hostname");
    assert!(
        hostname.ends_with(".remoterendering.vm.local.mixedreality.azure.com"),
        "{hostname}"
    );
    for port in ["handshakePort", "arrInspectorPort"] {
        let p = ready[port]
            .as_u64()
            .unwrap_or_else(|| panic!("{port} in {ready}"));
        assert!((49152..=65534).contains(&p), "{port} {p}");
    }
    assert_ne!(ready["handshakePort"], ready["arrInspectorPort"]);
    stop(emu).await;
}

#[tokio::test]
async fn a_stopped_session_stays_stopped_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let c = client();

    let emu = start(with_state(&state)).await;
    let t = token(&c, &emu).await;
    create_session(&c, &emu, &t, "s1").await;
    let stop_url = format!(
        "{}/accounts/{}/sessions/s1/:stop?{API}",
        emu.endpoint(),
        emu.account_id()
    );
    let (status, _) = call(c.post(&stop_url).bearer_auth(&t)).await;
    assert_eq!(status, 204);
    assert_eq!(get_session(&c, &emu, &t, "s1").await["status"], "Stopped");
    stop(emu).await;

    let emu = start(with_state(&state)).await;
    let after = get_session(&c, &emu, &t, "s1").await;
    assert_eq!(after["status"], "Stopped", "{after}");
    // Not revived or expired later either, and not listed (the list has live sessions only).
    emu.advance_clock(Duration::from_secs(3 * 3600));
    assert_eq!(get_session(&c, &emu, &t, "s1").await["status"], "Stopped");
    let (status, list) = call(
        c.get(format!(
            "{}/accounts/{}/sessions?{API}",
            emu.endpoint(),
            emu.account_id()
        ))
        .bearer_auth(&t),
    )
    .await;
    assert_eq!((status, list), (200, json!({"sessions": []})));
    let (status, _) = call(
        c.patch(session_url(&emu, "s1"))
            .bearer_auth(&t)
            .json(&json!({"maxLeaseTimeMinutes": 20})),
    )
    .await;
    assert_eq!(status, 422, "a stopped session cannot be extended");
    stop(emu).await;
}

#[tokio::test]
async fn the_emulated_clock_resumes_where_the_saved_state_left_it() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let emu = start(with_state(&state)).await;
    emu.advance_clock(Duration::from_secs(3600));
    let saved_at = emu.now();
    stop(emu).await;

    let emu = start(with_state(&state)).await;
    let resumed = emu.now();
    let gap = resumed - saved_at;
    assert!(
        gap >= time::Duration::ZERO && gap < time::Duration::seconds(30),
        "resumed at {resumed}, saved at {saved_at}"
    );
    let ahead = resumed - time::OffsetDateTime::now_utc();
    assert!(
        ahead > time::Duration::seconds(3500),
        "the hour advanced before the restart is kept: {ahead}"
    );
    stop(emu).await;
}

#[tokio::test]
async fn a_corrupted_state_file_is_a_state_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    std::fs::write(&state, "not json").unwrap();
    let err = Emulator::start(with_state(&state))
        .await
        .expect_err("a corrupted state file must not start empty");
    match &err {
        EmulatorError::State(m) => assert!(m.contains(state.to_str().unwrap()), "{m}"),
        other => panic!("expected a state error, got {other:?}"),
    }
    assert!(err.to_string().contains(state.to_str().unwrap()), "{err}");
    assert_eq!(
        std::fs::read_to_string(&state).unwrap(),
        "not json",
        "the file is left alone"
    );
}

#[tokio::test]
async fn a_state_file_of_another_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    {
        let db = rusqlite::Connection::open(&state).unwrap();
        db.pragma_update(None, "user_version", 99).unwrap();
    }
    let err = Emulator::start(with_state(&state))
        .await
        .expect_err("a newer schema is refused");
    let message = err.to_string();
    assert!(matches!(err, EmulatorError::State(_)), "{err:?}");
    assert!(message.contains("schema version 99"), "{message}");
    assert!(message.contains(state.to_str().unwrap()), "{message}");
    // The JSON state file of an older emulator is named as such and left alone.
    let old = dir.path().join("old.json");
    let json =
        r#"{"format":1,"saved_at_wall":0,"emulated_now":0,"store":{"next_seq":0,"accounts":{}}}"#;
    std::fs::write(&old, json).unwrap();
    let err = Emulator::start(with_state(&old))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("not a SQLite database") && err.contains("older emulator"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&old).unwrap(), json);
}

// ------------------------------------------------------------------ start_blocking, no runtime

/// One HTTP/1.1 request over a plain socket (no runtime): (status, body).
fn http(
    addr: &str,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    body: Option<&str>,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s.set_write_timeout(Some(TIMEOUT)).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(t) = bearer {
        head += &format!("Authorization: Bearer {t}\r\n");
    }
    let body = body.unwrap_or("");
    if !body.is_empty() || method == "PUT" {
        head += &format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        );
    }
    head += "\r\n";
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body.as_bytes()).unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response)
        .expect("a complete response");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {response:?}"));
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn blocking_token(addr: &str, emu: &Emulator) -> String {
    let credential = format!("{}:{}", emu.account_id(), emu.account_key());
    let path = format!(
        "/Accounts/{}/token?api-version={STS_VERSION}",
        emu.account_id()
    );
    let (status, body) = http(addr, "GET", &path, Some(&credential), None);
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    v["AccessToken"].as_str().unwrap().to_owned()
}

fn addr_of(emu: &Emulator) -> String {
    emu.endpoint()
        .strip_prefix("http://")
        .expect("plain http")
        .to_owned()
}

#[test]
fn start_blocking_serves_without_a_runtime_and_drop_frees_the_port() {
    let emu =
        Emulator::start_blocking(EmulatorConfig::default()).expect("starts without a runtime");
    let addr = addr_of(&emu);
    assert_eq!(emu.account_domain(), addr);
    assert_eq!(
        http(&addr, "GET", "/_emulator/health", None, None),
        (200, r#"{"status":"ok"}"#.to_owned())
    );
    let t = blocking_token(&addr, &emu);
    let list = format!("/accounts/{}/sessions?{API}", emu.account_id());
    assert_eq!(
        http(&addr, "GET", &list, Some(&t), None),
        (200, r#"{"sessions":[]}"#.to_owned())
    );

    drop(emu);
    // The listener is closed once the handle is dropped: the port can be bound again.
    let again = std::net::TcpListener::bind(&addr);
    assert!(
        again.is_ok(),
        "binding {addr} after drop: {:?}",
        again.err()
    );
}

#[test]
fn start_blocking_reports_configuration_errors() {
    let err = Emulator::start_blocking(EmulatorConfig {
        time_scale: 0.0,
        ..Default::default()
    })
    .expect_err("time scale 0 is invalid");
    assert!(
        matches!(&err, EmulatorError::Config(m) if m.contains("time scale")),
        "{err:?}"
    );
}

#[test]
fn start_blocking_with_a_state_file_keeps_sessions_across_shutdown_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");

    let emu = Emulator::start_blocking(with_state(&state)).expect("starts");
    let addr = addr_of(&emu);
    let t = blocking_token(&addr, &emu);
    let path = format!("/accounts/{}/sessions/s1?{API}", emu.account_id());
    let (status, created) = http(&addr, "PUT", &path, Some(&t), Some(SESSION_BODY));
    assert_eq!(status, 201, "{created}");
    let created: Value = serde_json::from_str(&created).unwrap();
    emu.shutdown_blocking();

    let emu = Emulator::start_blocking(with_state(&state)).expect("starts again");
    let addr = addr_of(&emu);
    let (status, body) = http(&addr, "GET", &path, Some(&t), None);
    assert_eq!(status, 200, "{body}");
    let again: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(again["creationTime"], created["creationTime"]);
    emu.shutdown_blocking();
}
