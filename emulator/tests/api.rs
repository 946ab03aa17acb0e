//! Every operation and every error path over real HTTP against a running emulator.

mod common;

use common::*;
use remote_rendering_emulator::{Account, EmulatorConfig};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

const SESSION_STARTING_KEYS: &[&str] = &[
    "id",
    "creationTime",
    "elapsedTimeMinutes",
    "maxLeaseTimeMinutes",
    "size",
    "status",
];
const SESSION_READY_KEYS: &[&str] = &[
    "id",
    "creationTime",
    "arrInspectorPort",
    "handshakePort",
    "elapsedTimeMinutes",
    "hostname",
    "maxLeaseTimeMinutes",
    "size",
    "status",
    "teraflops",
];

#[tokio::test]
async fn session_lifecycle_starting_ready_stopped() {
    let env = Env::start().await;
    let a = env.put_session("life-1", 4, "Standard").await;
    assert_eq!(a.status, 201);
    assert_eq!(keys(&a.body), SESSION_STARTING_KEYS);
    assert_eq!(a.body["status"], "Starting");
    assert_eq!(a.body["elapsedTimeMinutes"], 0);
    assert_eq!(
        a.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert!(
        a.header("cache-control").is_none(),
        "PUT carries no cache headers"
    );
    let created = a.body["creationTime"].as_str().unwrap().to_owned();
    assert!(created.ends_with("+00:00"), "{created}");

    let g = env.get_session("life-1").await;
    assert_eq!(g.body["status"], "Starting");
    assert_eq!(g.header("cache-control"), Some("no-store, no-cache"));
    assert_eq!(g.header("pragma"), Some("no-cache"));

    env.advance(60);
    let g = env.get_session("life-1").await;
    assert_eq!(g.body["status"], "Ready");
    assert_eq!(keys(&g.body), SESSION_READY_KEYS);
    assert_eq!(g.body["teraflops"], 8.1);
    assert_eq!(g.body["creationTime"], created.as_str());
    let hs = g.body["handshakePort"].as_u64().unwrap();
    let insp = g.body["arrInspectorPort"].as_u64().unwrap();
    assert!((49152..=65534).contains(&hs) && (49152..=65534).contains(&insp) && hs != insp);
    let host = g.body["hostname"].as_str().unwrap();
    assert!(
        host.starts_with("lb")
            && host.ends_with(".remoterendering.vm.local.mixedreality.azure.com"),
        "{host}"
    );

    env.advance(150);
    assert_eq!(
        env.get_session("life-1").await.body["elapsedTimeMinutes"],
        2
    );

    let s = env.stop_session("life-1").await;
    assert_eq!(s.status, 204);
    assert!(s.text.is_empty());
    let g = env.get_session("life-1").await;
    assert_eq!(g.body["status"], "Stopped");
    assert_eq!(
        g.body["elapsedTimeMinutes"], 2,
        "elapsed time freezes at the stop"
    );
    assert_eq!(
        keys(&g.body),
        [
            "id",
            "creationTime",
            "elapsedTimeMinutes",
            "maxLeaseTimeMinutes",
            "size",
            "status",
            "teraflops"
        ],
        "stopped sessions drop hostname and ports, keep teraflops"
    );
}

#[tokio::test]
async fn lease_runs_out_on_the_scaled_clock_and_the_session_expires() {
    // 600x: a 1-minute lease is a tenth of a second of real time.
    let env = Env::with(EmulatorConfig {
        startup_delay: Duration::from_secs(6),
        time_scale: 600.0,
        ..EmulatorConfig::default()
    })
    .await;
    let put = env.put_session("short", 1, "Standard").await;
    assert_eq!(put.status, 201);
    // The PUT's answer is the first state (a GET may come after the 10 ms of start-up on a
    // loaded machine).
    let mut seen = vec![put.body["status"].as_str().unwrap().to_owned()];
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let status = env.get_session("short").await.body["status"]
            .as_str()
            .unwrap()
            .to_owned();
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if status == "Expired" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never expired: {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(seen.first().map(String::as_str), Some("Starting"));
    assert!(seen.contains(&"Ready".to_owned()), "{seen:?}");
    let g = env.get_session("short").await;
    assert_eq!(g.body["elapsedTimeMinutes"], 1);
    assert!(g.body.get("hostname").is_none());
    // An expired session cannot be extended; stopping it changes nothing.
    assert_eq!(env.patch_session("short", 30).await.status, 422);
    assert_eq!(env.stop_session("short").await.status, 204);
    assert_eq!(env.get_session("short").await.body["status"], "Expired");
}

#[tokio::test]
async fn lease_update_must_grow_and_stay_within_1440() {
    let env = Env::start().await;
    env.put_session("lease", 4, "Standard").await;
    // Allowed while Starting, and effective at once (recordings).
    let p = env.patch_session("lease", 5).await;
    assert_eq!(p.status, 200);
    assert_eq!(p.body["maxLeaseTimeMinutes"], 5);
    assert_eq!(p.body["status"], "Starting");
    for (lease, why) in [(5, "equal"), (3, "smaller"), (1441, "above 1440")] {
        let p = env.patch_session("lease", lease).await;
        assert_eq!(p.status, 422, "{why}");
        assert_eq!(p.body["error"]["code"], "UnprocessableEntity", "{why}");
    }
    let p = env
        .call(Method::PATCH, "/sessions/lease", Some(json!({})))
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("maxLeaseTimeMinutes"));
    assert_eq!(env.patch_session("lease", 1440).await.status, 200);
    // The extension keeps a Ready session alive past its first lease.
    env.advance(60 + 5 * 60);
    assert_eq!(env.get_session("lease").await.body["status"], "Ready");
    assert_eq!(env.patch_session("missing", 10).await.status, 404);
}

#[tokio::test]
async fn create_is_idempotent_for_the_same_settings_and_conflicts_otherwise() {
    let env = Env::start().await;
    let first = env.put_session("same", 10, "Standard").await;
    assert_eq!(first.status, 201);
    env.advance(60);
    let again = env.put_session("same", 10, "standard").await;
    assert_eq!(
        again.status, 200,
        "same settings (size matched case-insensitively)"
    );
    assert_eq!(
        again.body["status"], "Ready",
        "the stored object in its current state"
    );
    assert_eq!(again.body["creationTime"], first.body["creationTime"]);
    let clash = env.put_session("same", 11, "Standard").await;
    assert_eq!(clash.status, 409);
    assert_eq!(
        clash.text,
        r#"{"error":{"code":"Conflict","message":"A resource already exists under the given ID."}}"#
    );
    assert_eq!(env.put_session("same", 10, "Premium").await.status, 409);
    // A patched lease does not change what a re-PUT is compared with.
    assert_eq!(env.patch_session("same", 20).await.status, 200);
    assert_eq!(env.put_session("same", 10, "Standard").await.status, 200);
}

#[tokio::test]
async fn bad_session_requests_get_400_with_the_field_named() {
    let env = Env::start().await;
    let neg = env.put_session("neg", -4, "Standard").await;
    assert_eq!(neg.status, 400);
    assert_eq!(
        neg.text,
        r#"{"error":{"code":"BadRequest","message":"The maxLeaseTimeMinutes value cannot be negative."}}"#
    );
    let cases = [
        (json!({"size": "Standard"}), "maxLeaseTimeMinutes"),
        (json!({"maxLeaseTimeMinutes": 5}), "size"),
        (
            json!({"maxLeaseTimeMinutes": "5", "size": "Standard"}),
            "maxLeaseTimeMinutes",
        ),
        (
            json!({"maxLeaseTimeMinutes": 1441, "size": "Standard"}),
            "1440",
        ),
        (json!({"maxLeaseTimeMinutes": 5, "size": "Huge"}), "Huge"),
    ];
    for (body, named) in cases {
        let a = env
            .call(Method::PUT, "/sessions/bad", Some(body.clone()))
            .await;
        assert_eq!(a.status, 400, "{body}");
        assert_eq!(a.body["error"]["code"], "BadRequest");
        let msg = a.body["error"]["message"].as_str().unwrap();
        assert!(msg.contains(named), "{body}: {msg}");
    }
    let url = env.url("/sessions/bad");
    let a = env
        .http
        .put(&url)
        .bearer_auth(&env.token)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(a.status(), 400);
    // Ids: letters, digits, '-', '_', at most 256.
    for id in ["has%20space", "dot.ted", &"x".repeat(257)] {
        let a = env.put_session(id, 5, "Standard").await;
        assert_eq!(a.status, 400, "{id}");
        assert!(a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("session id"));
    }
    assert_eq!(
        env.put_session(&"x".repeat(256), 5, "Standard")
            .await
            .status,
        201
    );
    // Nothing was created by the refused requests.
    assert_eq!(env.get_session("bad").await.status, 404);
    assert_eq!(env.get_session("neg").await.status, 404);
}

#[tokio::test]
async fn unknown_ids_are_404_without_a_body() {
    let env = Env::start().await;
    for a in [
        env.get_session("nope").await,
        env.stop_session("nope").await,
        env.patch_session("nope", 9).await,
        env.get_conversion("nope").await,
    ] {
        assert_eq!(a.status, 404);
        assert!(a.text.is_empty());
        assert!(a.header("ms-cv").unwrap().ends_with(".0"));
    }
}

#[tokio::test]
async fn every_answer_carries_the_service_headers() {
    let env = Env::start().await;
    let a = env.put_session("hdr", 5, "Standard").await;
    assert_eq!(
        a.header("api-supported-versions"),
        Some("2021-01-01-preview, 2021-01-01")
    );
    assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
    assert!(a.header("date").is_some());
    let cv = a.header("ms-cv").unwrap();
    assert_eq!(cv.len(), 24, "{cv}");
    assert!(cv.ends_with(".0"));
    assert!(cv[..22]
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/'));
}

#[tokio::test]
async fn api_version_is_required_and_checked() {
    let env = Env::start().await;
    let base = format!("{}/accounts/{}/sessions", env.emu.endpoint(), env.account());
    let a = env
        .call_with(Method::GET, &base, None, Some(&env.token))
        .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.body["error"]["code"], "ApiVersionUnspecified");
    let a = env
        .call_with(
            Method::GET,
            &format!("{base}?api-version=2099-01-01"),
            None,
            Some(&env.token),
        )
        .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.body["error"]["code"], "UnsupportedApiVersion");
    let a = env
        .call_with(
            Method::GET,
            &format!("{base}?api-version=2021-01-01-preview"),
            None,
            Some(&env.token),
        )
        .await;
    assert_eq!(a.status, 200);
}

#[tokio::test]
async fn auth_requires_a_valid_token_of_the_same_account() {
    let other = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    let env = Env::with(EmulatorConfig {
        accounts: vec![Account::dev(), Account::new(other, "other-key")],
        ..fast_config()
    })
    .await;
    env.put_session("mine", 5, "Standard").await;
    let url = env.url("/sessions/mine");

    let none = env.call_with(Method::GET, &url, None, None).await;
    assert_eq!(none.status, 401);
    assert_eq!(
        none.header("www-authenticate"),
        Some(r#"Bearer error="invalid_token""#)
    );
    assert!(none.text.is_empty());
    let forged = env
        .call_with(Method::GET, &url, None, Some("eyJ.eyJ.sig"))
        .await;
    assert_eq!(forged.status, 401);
    // The account key itself is not an access token.
    let key_as_token = format!("{}:{}", env.account(), env.emu.account_key());
    assert_eq!(
        env.call_with(Method::GET, &url, None, Some(&key_as_token))
            .await
            .status,
        401
    );

    // The other account's token: 403 on our account, and it sees none of our sessions.
    let other_token = token_for(&env.http, env.emu.sts_endpoint(), other, "other-key").await;
    let cross = env
        .call_with(Method::GET, &url, None, Some(&other_token))
        .await;
    assert_eq!(cross.status, 403);
    assert!(cross.text.is_empty());
    let theirs = format!("{}/accounts/{other}/sessions?{V}", env.emu.endpoint());
    let list = env
        .call_with(Method::GET, &theirs, None, Some(&other_token))
        .await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["sessions"].as_array().unwrap().len(), 0);
    let their_get = format!("{}/accounts/{other}/sessions/mine?{V}", env.emu.endpoint());
    assert_eq!(
        env.call_with(Method::GET, &their_get, None, Some(&other_token))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn sts_issues_tokens_for_the_key_and_refuses_anything_else() {
    let env = Env::start().await;
    let acct = env.account();
    let key = env.emu.account_key();
    let sts = env.emu.sts_endpoint();
    for path in [
        format!("/Accounts/{acct}/token?api-version=2019-02-28-preview"),
        format!("/accounts/{acct}/token"),
    ] {
        let r = env
            .http
            .get(format!("{sts}{path}"))
            .header("Authorization", format!("Bearer {acct}:{key}"))
            .header("X-MRC-CV", "rYMXram6J3KCsUkTE9Jqwq")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let h = r.headers().clone();
        assert_eq!(h["ms-cv"], "rYMXram6J3KCsUkTE9Jqwq.0");
        assert_eq!(h["cache-control"], "no-store, no-cache");
        assert_eq!(h["pragma"], "no-cache");
        assert_eq!(h["content-type"], "application/json; charset=utf-8");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(keys(&body), ["AccessToken"]);
    }
    let bad = env
        .http
        .get(format!(
            "{sts}/Accounts/{acct}/token?api-version=2019-02-28-preview"
        ))
        .header("Authorization", format!("Bearer {acct}:wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    assert_eq!(bad.headers()["content-length"], "0");
    assert!(
        bad.headers().get("www-authenticate").is_none(),
        "as recorded"
    );
    let missing = env
        .http
        .get(format!("{sts}/Accounts/{acct}/token"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 401);
    let unknown = env
        .http
        .get(format!(
            "{sts}/Accounts/ffffffff-0000-0000-0000-000000000000/token"
        ))
        .header("Authorization", format!("Bearer {acct}:{key}"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 401);
}

#[tokio::test]
async fn entra_tokens_configured_for_an_account_are_exchanged() {
    let mut account = Account::dev();
    account.entra_tokens.push("entra-token-for-tests".into());
    let env = Env::with(EmulatorConfig {
        accounts: vec![account],
        ..fast_config()
    })
    .await;
    let r = env
        .http
        .get(format!(
            "{}/Accounts/{}/token",
            env.emu.sts_endpoint(),
            env.account()
        ))
        .bearer_auth("entra-token-for-tests")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let token = r.json::<serde_json::Value>().await.unwrap()["AccessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let a = env
        .call_with(Method::GET, &env.url("/sessions"), None, Some(&token))
        .await;
    assert_eq!(a.status, 200);
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let env = Env::with(EmulatorConfig {
        token_lifetime: Duration::from_secs(1),
        ..fast_config()
    })
    .await;
    assert_eq!(env.call(Method::GET, "/sessions", None).await.status, 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(env.call(Method::GET, "/sessions", None).await.status, 401);
}

#[tokio::test]
async fn list_shows_only_starting_and_ready_sessions_oldest_first() {
    let env = Env::start().await;
    for id in ["l1", "l2", "l3", "l4"] {
        env.put_session(id, 10, "Standard").await;
        env.advance(1);
    }
    env.stop_session("l2").await;
    env.advance(60);
    env.emu.fail_session(env.account(), "l4", None).unwrap();
    let a = env.call(Method::GET, "/sessions", None).await;
    assert_eq!(a.status, 200);
    assert_eq!(
        keys(&a.body),
        ["sessions"],
        "no @nextLink key on the last page"
    );
    let ids: Vec<&str> = a.body["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["l1", "l3"]);
    assert_eq!(a.header("cache-control"), Some("no-store, no-cache"));
}

#[tokio::test]
async fn lists_page_with_next_link_past_the_page_size() {
    let env = Env::with(EmulatorConfig {
        page_size: 3,
        ..fast_config()
    })
    .await;
    for i in 0..8 {
        env.put_session(&format!("p{i}"), 10, "Standard").await;
        env.put_conversion(&format!("c{i}"), conversion_body("acct", "m.fbx"))
            .await;
    }
    let (sessions, pages) = env.list_all("sessions").await;
    assert_eq!(pages, 3);
    let ids: Vec<String> = sessions
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, (0..8).map(|i| format!("p{i}")).collect::<Vec<_>>());
    let (conversions, pages) = env.list_all("conversions").await;
    assert_eq!(pages, 3);
    assert_eq!(conversions.len(), 8);

    let first = env.call(Method::GET, "/sessions", None).await;
    let next = first.body["@nextLink"].as_str().unwrap();
    assert!(
        next.starts_with(&format!(
            "{}/accounts/{}/sessions?api-version=2021-01-01&",
            env.emu.endpoint(),
            env.account()
        )),
        "{next}"
    );
    // The conversion list's last page says "@nextLink": null.
    let one_page = Env::start().await;
    one_page
        .put_conversion("only", conversion_body("acct", "m.fbx"))
        .await;
    let a = one_page.call(Method::GET, "/conversions", None).await;
    assert_eq!(keys(&a.body), ["conversions", "@nextLink"]);
    assert!(a.body["@nextLink"].is_null());
    assert!(
        a.header("cache-control").is_none(),
        "the conversion list carries no cache headers"
    );
    let bad = env
        .call(Method::GET, "/sessions?$skipToken=abc", None)
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn conversion_is_normalised_never_echoes_sas_and_succeeds() {
    let env = Env::start().await;
    let a = env
        .put_conversion("conv-1", conversion_body("sdktest", "testBox.fbx"))
        .await;
    assert_eq!(a.status, 201);
    assert!(
        !a.text.contains("SECRET") && !a.text.contains("Sas"),
        "{}",
        a.text
    );
    assert_eq!(
        keys(&a.body),
        ["id", "creationTime", "settings", "error", "status"]
    );
    assert_eq!(a.body["status"], "NotStarted");
    assert!(a.body["error"].is_null());
    let s = &a.body["settings"];
    assert_eq!(
        keys(&s["inputLocation"]),
        [
            "storageContainerUri",
            "blobPrefix",
            "relativeInputAssetPath"
        ]
    );
    assert_eq!(
        keys(&s["outputLocation"]),
        ["storageContainerUri", "blobPrefix", "outputAssetFilename"]
    );
    assert_eq!(s["inputLocation"]["blobPrefix"], "Input/");
    assert_eq!(s["outputLocation"]["blobPrefix"], "Output/");
    assert_eq!(
        s["outputLocation"]["outputAssetFilename"],
        "testBox.arrAsset"
    );
    let created = a.body["creationTime"].as_str().unwrap();
    assert!(created.ends_with('Z'), "{created}");

    let g = env.get_conversion("conv-1").await;
    assert_eq!(g.body["status"], "Running", "Running from the first GET on");
    assert_eq!(g.header("cache-control"), Some("no-store, no-cache"));
    env.advance(120);
    let g = env.get_conversion("conv-1").await;
    assert_eq!(g.body["status"], "Succeeded");
    assert_eq!(
        keys(&g.body),
        [
            "id",
            "creationTime",
            "settings",
            "output",
            "error",
            "status"
        ]
    );
    assert_eq!(
        g.body["output"]["outputAssetUri"],
        "https://sdktest.blob.core.windows.net/output/Output/testBox.arrAsset"
    );
    // Re-PUT with the same settings: 200 and the stored, finished conversion.
    let again = env
        .put_conversion("conv-1", conversion_body("sdktest", "testBox.fbx"))
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["status"], "Succeeded");
    let clash = env
        .put_conversion("conv-1", conversion_body("sdktest", "other.fbx"))
        .await;
    assert_eq!(clash.status, 409);
}

#[tokio::test]
async fn conversion_without_sas_needs_linked_storage() {
    let mut body = conversion_body("sdktest", "testBox.fbx");
    body["settings"]["inputLocation"]
        .as_object_mut()
        .unwrap()
        .remove("storageContainerReadListSas");
    body["settings"]["outputLocation"]
        .as_object_mut()
        .unwrap()
        .remove("storageContainerWriteSas");
    let env = Env::start().await;
    let a = env.put_conversion("nolink", body.clone()).await;
    assert_eq!(a.status, 403);
    assert_eq!(a.body["error"]["code"], "LinkedStorageAccessFailure");
    assert_eq!(
        env.get_conversion("nolink").await.status,
        404,
        "nothing was created"
    );
    let linked = Env::with(EmulatorConfig {
        linked_storage: vec!["sdktest".into()],
        ..fast_config()
    })
    .await;
    assert_eq!(linked.put_conversion("link", body).await.status, 201);
}

#[tokio::test]
async fn bad_conversion_requests_get_400_with_the_field_named() {
    let env = Env::start().await;
    let mut cases = Vec::new();
    cases.push((json!({}), "settings"));
    cases.push((json!({"settings": {"inputLocation": {}}}), "outputLocation"));
    let mut b = conversion_body("acct", "m.fbx");
    b["settings"]["inputLocation"]
        .as_object_mut()
        .unwrap()
        .remove("relativeInputAssetPath");
    cases.push((b, "relativeInputAssetPath"));
    let mut b = conversion_body("acct", "m.fbx");
    b["settings"]["outputLocation"]["outputAssetFilename"] = json!("out.glb");
    cases.push((b, ".arrAsset"));
    let mut b = conversion_body("acct", "m.fbx");
    b["settings"]["inputLocation"]["storageContainerUri"] = json!("not a uri");
    cases.push((b, "storageContainerUri"));
    let mut b = conversion_body("acct", "m.fbx");
    b["settings"]["inputLocation"]["blobPrefix"] = json!(7);
    cases.push((b, "blobPrefix"));
    for (body, named) in cases {
        let a = env.put_conversion("bad", body.clone()).await;
        assert_eq!(a.status, 400, "{body}");
        let msg = a.body["error"]["message"].as_str().unwrap();
        assert!(msg.contains(named), "{named}: {msg}");
    }
    // Empty strings are accepted, as the PowerShell scripts send them for unset fields.
    let mut b = conversion_body("acct", "dir/m.gltf");
    b["settings"]["inputLocation"]["blobPrefix"] = json!("");
    b["settings"]["outputLocation"]["outputAssetFilename"] = json!("");
    let a = env.put_conversion("empty", b).await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(a.body["settings"]["inputLocation"]["blobPrefix"], "");
    assert_eq!(
        a.body["settings"]["outputLocation"]["outputAssetFilename"],
        "m.arrAsset"
    );
}

#[tokio::test]
async fn with_a_storage_root_a_missing_input_fails_and_a_present_one_is_converted() {
    let root = tempfile::tempdir().unwrap();
    let input_dir = root.path().join("sdktest/input/Input");
    std::fs::create_dir_all(&input_dir).unwrap();
    std::fs::write(input_dir.join("testBox.fbx"), b"fbx bytes").unwrap();
    let env = Env::with(EmulatorConfig {
        storage_root: Some(root.path().into()),
        ..fast_config()
    })
    .await;

    assert_eq!(
        env.put_conversion("ok", conversion_body("sdktest", "testBox.fbx"))
            .await
            .status,
        201
    );
    assert_eq!(
        env.put_conversion(
            "missing",
            conversion_body("sdktest", "boxWhichDoesNotExist.fbx")
        )
        .await
        .status,
        201,
        "not rejected at create time"
    );
    assert_eq!(
        env.get_conversion("missing").await.body["status"],
        "Running"
    );
    env.advance(120);

    let ok = env.get_conversion("ok").await;
    assert_eq!(ok.body["status"], "Succeeded");
    let out = root.path().join("sdktest/output/Output/testBox.arrAsset");
    let written = std::fs::read_to_string(&out).expect("output file written");
    assert!(written.contains("input-bytes: 9"), "{written}");

    let failed = env.get_conversion("missing").await;
    assert_eq!(failed.body["status"], "Failed");
    assert!(failed.body.get("output").is_none());
    let err = &failed.body["error"];
    assert_eq!(err["code"], "InputContainerError");
    assert_eq!(
        err["message"],
        "Could not find the asset file in the storage account. Please make sure all paths and names are correct and the file is uploaded to storage."
    );
    let details: Vec<&str> = err["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        details,
        [
            "InputStorageContainerUri: https://sdktest.blob.core.windows.net/input",
            "InputRelativeInputAssetPath: boxWhichDoesNotExist.fbx",
            "InputBlobPrefix: Input/",
        ]
    );
    // A path that tries to leave the container fails the same way, and writes nothing.
    env.put_conversion("escape", conversion_body("sdktest", "../../../etc/passwd"))
        .await;
    env.advance(120);
    assert_eq!(env.get_conversion("escape").await.body["status"], "Failed");
}

#[tokio::test]
async fn conversion_list_has_every_status_oldest_first() {
    let env = Env::start().await;
    for id in ["a", "b", "c"] {
        env.put_conversion(id, conversion_body("acct", "m.fbx"))
            .await;
        env.advance(50);
    }
    env.emu.cancel_conversion(env.account(), "c").unwrap();
    // a: 150 s old (done), b: 100 s (running), c: cancelled.
    let (items, _) = env.list_all("conversions").await;
    let got: Vec<(&str, &str)> = items
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [("a", "Succeeded"), ("b", "Running"), ("c", "Cancelled")]
    );
}

#[tokio::test]
async fn admin_endpoints_steer_failures_clock_and_faults() {
    let env = Env::start().await;
    let admin = format!("{}/_emulator", env.emu.endpoint());
    let health = send(
        &env.http,
        Method::GET,
        &format!("{admin}/health"),
        None,
        None,
    )
    .await;
    assert_eq!(health.body, json!({"status": "ok"}));

    env.put_session("doomed", 10, "Standard").await;
    let f = send(
        &env.http,
        Method::POST,
        &format!("{admin}/accounts/{}/sessions/doomed/fail", env.account()),
        Some(json!({"code": "OutOfCapacity", "message": "No VM available."})),
        None,
    )
    .await;
    assert_eq!(f.status, 200);
    let g = env.get_session("doomed").await;
    assert_eq!(g.body["status"], "Error");
    assert_eq!(
        g.body["error"],
        json!({"code": "OutOfCapacity", "message": "No VM available."})
    );

    env.put_conversion("conv", conversion_body("acct", "m.fbx"))
        .await;
    let f = send(
        &env.http,
        Method::POST,
        &format!("{admin}/accounts/{}/conversions/conv/fail", env.account()),
        None,
        None,
    )
    .await;
    assert_eq!(f.status, 200);
    let c = env.get_conversion("conv").await;
    assert_eq!(c.body["status"], "Failed");
    assert_eq!(c.body["error"]["code"], "ConversionFailed");
    let again = send(
        &env.http,
        Method::POST,
        &format!("{admin}/accounts/{}/conversions/conv/cancel", env.account()),
        None,
        None,
    )
    .await;
    assert_eq!(
        again.status, 422,
        "a finished conversion cannot be cancelled"
    );

    env.put_session("clock", 10, "Standard").await;
    let adv = send(
        &env.http,
        Method::POST,
        &format!("{admin}/clock/advance"),
        Some(json!({"seconds": 61})),
        None,
    )
    .await;
    assert_eq!(adv.status, 200);
    assert_eq!(env.get_session("clock").await.body["status"], "Ready");

    let set = send(
        &env.http,
        Method::PUT,
        &format!("{admin}/faults"),
        Some(json!({"spec": "500=1@get_session", "seed": 3})),
        None,
    )
    .await;
    assert_eq!(set.status, 204);
    assert_eq!(env.get_session("clock").await.status, 500);
    assert_eq!(
        env.call(Method::GET, "/sessions", None).await.status,
        200,
        "other routes unaffected"
    );
    let got = send(
        &env.http,
        Method::GET,
        &format!("{admin}/faults"),
        None,
        None,
    )
    .await;
    assert_eq!(got.body, json!({"spec": "500=1@get_session", "seed": 3}));
    let bad = send(
        &env.http,
        Method::PUT,
        &format!("{admin}/faults"),
        Some(json!({"spec": "teapot=1"})),
        None,
    )
    .await;
    assert_eq!(bad.status, 400);
    send(
        &env.http,
        Method::DELETE,
        &format!("{admin}/faults"),
        None,
        None,
    )
    .await;
    assert_eq!(env.get_session("clock").await.status, 200);

    let stats = send(
        &env.http,
        Method::GET,
        &format!("{admin}/stats"),
        None,
        None,
    )
    .await;
    assert_eq!(stats.body["byRoute"]["get_session"]["statuses"]["500"], 1);
    assert_eq!(stats.body["faults"]["500"], 1);
    assert_eq!(stats.body["resources"]["sessions"]["Error"], 1);
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let env = Env::start().await;
    let a = env
        .call_with(
            Method::GET,
            &format!("{}/nothing", env.emu.endpoint()),
            None,
            None,
        )
        .await;
    assert_eq!(a.status, 404);
    let a = env.call(Method::DELETE, "/sessions/x", None).await;
    assert_eq!(a.status, 405);
    assert_eq!(a.header("allow"), Some("GET, PUT, PATCH"));
}

#[tokio::test]
async fn premium_sessions_report_more_teraflops() {
    let env = Env::start().await;
    env.put_session("big", 10, "Premium").await;
    env.advance(60);
    let g = env.get_session("big").await;
    assert_eq!(g.body["size"], "Premium");
    assert!(g.body["teraflops"].as_f64().unwrap() > 8.1);
}

#[tokio::test]
async fn debug_output_never_shows_account_keys() {
    let mut account = Account::new("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "super-secret-key");
    account.entra_tokens.push("secret-entra-token".into());
    let config = EmulatorConfig {
        accounts: vec![account],
        ..fast_config()
    };
    let config_debug = format!("{config:?}");
    let env = Env::with(config).await;
    for text in [
        config_debug,
        format!("{:?}", env.emu),
        format!("{:?}", env.emu.info()),
    ] {
        assert!(!text.contains("super-secret-key"), "{text}");
        assert!(!text.contains("secret-entra-token"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
    }
    // The ready line does carry the key: it is how a local client learns it.
    assert!(env.emu.info().to_json_line().contains("super-secret-key"));
}

#[tokio::test]
async fn revoked_tokens_get_401_and_a_fresh_token_works() {
    let env = Env::start().await;
    assert_eq!(env.call(Method::GET, "/sessions", None).await.status, 200);
    let admin = format!(
        "{}/_emulator/accounts/{}/revoke-tokens",
        env.emu.endpoint(),
        env.account()
    );
    assert_eq!(
        send(&env.http, Method::POST, &admin, None, None)
            .await
            .status,
        204
    );
    assert_eq!(env.call(Method::GET, "/sessions", None).await.status, 401);
    let fresh = token_for(
        &env.http,
        env.emu.sts_endpoint(),
        env.account(),
        env.emu.account_key(),
    )
    .await;
    let a = env
        .call_with(Method::GET, &env.url("/sessions"), None, Some(&fresh))
        .await;
    assert_eq!(a.status, 200);
    env.emu.revoke_tokens(env.account()).unwrap();
    assert_eq!(
        env.call_with(Method::GET, &env.url("/sessions"), None, Some(&fresh))
            .await
            .status,
        401
    );
}
