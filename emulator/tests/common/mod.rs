//! Shared test fixtures: an emulator on port 0 and a small raw HTTP client for the API.
//! (The project's own client comes with the core crate; these tests speak HTTP directly.)

#![allow(dead_code)]

use remote_rendering_emulator::{Emulator, EmulatorConfig};
use reqwest::{header::HeaderMap, Method, StatusCode};
use serde_json::Value;
use std::time::Duration;

pub const V: &str = "api-version=2021-01-01";

/// An emulator with short delays, and a client holding a token for its account.
pub struct Env {
    pub emu: Emulator,
    pub http: reqwest::Client,
    pub token: String,
}

/// An answer: status, headers and the JSON body (`Null` when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub fn fast_config() -> EmulatorConfig {
    EmulatorConfig {
        startup_delay: Duration::from_secs(60),
        conversion_duration: Duration::from_secs(120),
        ..EmulatorConfig::default()
    }
}

impl Env {
    pub async fn start() -> Env {
        Self::with(fast_config()).await
    }

    pub async fn with(config: EmulatorConfig) -> Env {
        let emu = Emulator::start(config).await.expect("emulator starts");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let token = token_for(
            &http,
            emu.sts_endpoint(),
            emu.account_id(),
            emu.account_key(),
        )
        .await;
        Env { emu, http, token }
    }

    pub fn account(&self) -> &str {
        self.emu.account_id()
    }

    pub fn url(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!(
            "{}/accounts/{}{path}{sep}{V}",
            self.emu.endpoint(),
            self.account()
        )
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.call_with(method, &self.url(path), body, Some(&self.token))
            .await
    }

    pub async fn call_with(
        &self,
        method: Method,
        url: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> Answer {
        send(&self.http, method, url, body, token).await
    }

    pub async fn put_session(&self, id: &str, lease: i64, size: &str) -> Answer {
        self.call(
            Method::PUT,
            &format!("/sessions/{id}"),
            Some(serde_json::json!({"maxLeaseTimeMinutes": lease, "size": size})),
        )
        .await
    }

    pub async fn get_session(&self, id: &str) -> Answer {
        self.call(Method::GET, &format!("/sessions/{id}"), None)
            .await
    }

    pub async fn patch_session(&self, id: &str, lease: i64) -> Answer {
        self.call(
            Method::PATCH,
            &format!("/sessions/{id}"),
            Some(serde_json::json!({"maxLeaseTimeMinutes": lease})),
        )
        .await
    }

    pub async fn stop_session(&self, id: &str) -> Answer {
        self.call(Method::POST, &format!("/sessions/{id}/:stop"), None)
            .await
    }

    pub async fn put_conversion(&self, id: &str, body: Value) -> Answer {
        self.call(Method::PUT, &format!("/conversions/{id}"), Some(body))
            .await
    }

    pub async fn get_conversion(&self, id: &str) -> Answer {
        self.call(Method::GET, &format!("/conversions/{id}"), None)
            .await
    }

    /// Every page of a list, following `@nextLink`.
    pub async fn list_all(&self, what: &str) -> (Vec<Value>, usize) {
        let mut url = self.url(&format!("/{what}"));
        let mut items = Vec::new();
        let mut pages = 0;
        loop {
            let a = self
                .call_with(Method::GET, &url, None, Some(&self.token))
                .await;
            assert_eq!(a.status, 200, "{}", a.text);
            pages += 1;
            items.extend(a.body[what].as_array().unwrap().iter().cloned());
            match a.body["@nextLink"].as_str() {
                Some(next) => url = next.to_owned(),
                None => break,
            }
            assert!(pages < 10_000, "paging never ends");
        }
        (items, pages)
    }

    pub fn advance(&self, secs: u64) {
        self.emu.advance_clock(Duration::from_secs(secs));
    }
}

pub async fn send(
    http: &reqwest::Client,
    method: Method,
    url: &str,
    body: Option<Value>,
    token: Option<&str>,
) -> Answer {
    let mut req = http.request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request reaches the emulator");
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    Answer {
        status,
        headers,
        body,
        text,
    }
}

pub async fn token_for(http: &reqwest::Client, sts: &str, account: &str, key: &str) -> String {
    let resp = http
        .get(format!(
            "{sts}/Accounts/{account}/token?api-version=2019-02-28-preview"
        ))
        .header("Authorization", format!("Bearer {account}:{key}"))
        .send()
        .await
        .expect("STS answers");
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.unwrap();
    v["AccessToken"].as_str().unwrap().to_owned()
}

/// A conversion body with SAS for both containers.
pub fn conversion_body(storage: &str, input: &str) -> Value {
    serde_json::json!({
        "settings": {
            "inputLocation": {
                "storageContainerUri": format!("https://{storage}.blob.core.windows.net/input"),
                "storageContainerReadListSas": "sv=2024&sig=READSECRET",
                "blobPrefix": "Input",
                "relativeInputAssetPath": input
            },
            "outputLocation": {
                "storageContainerUri": format!("https://{storage}.blob.core.windows.net/output"),
                "storageContainerWriteSas": "sv=2024&sig=WRITESECRET",
                "blobPrefix": "Output"
            }
        }
    })
}

/// Keys of a JSON object, in order.
pub fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// Whether the state database at `path` (with its WAL, if any) holds `needle` anywhere.
pub fn stored_bytes_contain(path: &std::path::Path, needle: &[u8]) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    [path.to_path_buf(), std::path::PathBuf::from(wal)]
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .any(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
}

/// The ids stored in `table` of the state database, in creation order (read as another
/// process would, while the emulator runs).
pub fn stored_ids(path: &std::path::Path, table: &str) -> Vec<String> {
    let db =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("the state database opens");
    let mut stmt = db
        .prepare(&format!("SELECT id FROM {table} ORDER BY account, seq"))
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}
