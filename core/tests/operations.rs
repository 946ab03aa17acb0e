//! Every operation of the core against the embedded emulator, and every error kind.

mod common;

use common::*;
use futures_util::StreamExt;
use remote_rendering::*;
use remote_rendering_emulator::{Account, EmulatorConfig, FaultPlan};
use std::time::Duration;

#[tokio::test]
async fn a_session_lifecycle_through_every_session_operation() {
    let env = Env::start().await;
    let c = &env.client;
    let started = c
        .start_session("ops-1", SessionSize::Standard, 10)
        .await
        .unwrap();
    assert_eq!(started.status(), 201);
    assert_eq!(started.status, SessionStatus::Starting);
    assert_eq!(started.lease_minutes, Some(10));
    let cv = started.ms_cv().unwrap();
    assert!(cv.ends_with(".0") && cv.len() == 24, "{cv}");

    let again = c
        .start_session("ops-1", SessionSize::Standard, 10)
        .await
        .unwrap();
    assert_eq!(again.status(), 200, "same settings: the existing session");

    let got = c.get_session("ops-1").await.unwrap();
    assert_eq!(got.id, "ops-1");
    assert!(got.hostname.is_none());

    let updated = c.update_session("ops-1", 15).await.unwrap();
    assert_eq!(updated.lease_minutes, Some(15));

    env.advance(60);
    let ready = c.get_session("ops-1").await.unwrap();
    assert_eq!(ready.status, SessionStatus::Ready);
    assert!(ready
        .hostname
        .as_deref()
        .unwrap()
        .contains(".remoterendering."));
    assert!(ready.handshake_port.is_some() && ready.arr_inspector_port.is_some());
    assert_eq!(ready.teraflops, Some(8.1));

    let listed = c.list_sessions_all().await.unwrap();
    assert_eq!(
        listed.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["ops-1"]
    );

    let stopped = c.stop_session("ops-1").await.unwrap();
    assert_eq!(stopped.status(), 204);
    assert_eq!(
        c.get_session("ops-1").await.unwrap().status,
        SessionStatus::Stopped
    );
    assert!(c.list_sessions_all().await.unwrap().is_empty());
    // Stopping again is harmless.
    assert_eq!(c.stop_session("ops-1").await.unwrap().status(), 204);
}

#[tokio::test]
async fn a_conversion_through_every_conversion_operation() {
    let env = Env::start().await;
    let c = &env.client;
    let started = c
        .start_conversion("conv-1", conversion_settings("sdktest", "box.fbx"))
        .await
        .unwrap();
    assert_eq!(started.status(), 201);
    assert_eq!(started.status, ConversionStatus::NotStarted);
    assert_eq!(
        started.settings.input_location.blob_prefix.as_deref(),
        Some("Input/")
    );
    assert_eq!(
        started
            .settings
            .output_location
            .output_asset_filename
            .as_deref(),
        Some("box.arrAsset")
    );
    assert!(
        started
            .settings
            .input_location
            .storage_container_read_list_sas
            .is_none(),
        "SAS never echoed"
    );
    assert_eq!(
        c.get_conversion("conv-1").await.unwrap().status,
        ConversionStatus::Running
    );
    env.advance(121);
    let done = c
        .wait_for_conversion("conv-1", WaitOptions::new())
        .await
        .unwrap();
    assert_eq!(done.status, ConversionStatus::Succeeded);
    assert_eq!(
        done.output_asset_uri.unwrap(),
        "https://sdktest.blob.core.windows.net/output/Output/box.arrAsset"
    );
    let all = c.list_conversions_all().await.unwrap();
    assert_eq!(all.len(), 1);
}

#[tokio::test]
async fn lists_follow_next_link_across_pages() {
    let env = Env::with(EmulatorConfig {
        page_size: 3,
        ..slow_config()
    })
    .await;
    for i in 0..8 {
        env.client
            .start_session(&format!("page-{i}"), SessionSize::Standard, 5)
            .await
            .unwrap();
        env.client
            .start_conversion(&format!("conv-{i}"), conversion_settings("acct", "m.fbx"))
            .await
            .unwrap();
    }
    let before = env.requests("list_sessions");
    let ids: Vec<String> = env
        .client
        .list_sessions()
        .map(|s| s.unwrap().id)
        .collect()
        .await;
    assert_eq!(ids, (0..8).map(|i| format!("page-{i}")).collect::<Vec<_>>());
    assert_eq!(
        env.requests("list_sessions") - before,
        3,
        "three pages of three"
    );
    assert_eq!(env.client.list_conversions_all().await.unwrap().len(), 8);
    // The stream is lazy: taking two items reads one page.
    let before = env.requests("list_sessions");
    let first_two: Vec<_> = env.client.list_sessions().take(2).collect().await;
    assert_eq!(first_two.len(), 2);
    assert_eq!(env.requests("list_sessions") - before, 1);
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let env = Env::start().await;
    let c = &env.client;
    let cases: Vec<(Error, &str)> = vec![
        (
            c.start_session("has space", SessionSize::Standard, 5)
                .await
                .unwrap_err(),
            "session_id",
        ),
        (
            c.start_session(&"x".repeat(257), SessionSize::Standard, 5)
                .await
                .unwrap_err(),
            "session_id",
        ),
        (
            c.start_session("ok", SessionSize::Standard, 1441)
                .await
                .unwrap_err(),
            "lease_minutes",
        ),
        (
            c.start_session("ok", SessionSize::Unknown(String::new()), 5)
                .await
                .unwrap_err(),
            "size",
        ),
        (
            c.update_session("ok", 5000).await.unwrap_err(),
            "lease_minutes",
        ),
        (c.get_session("").await.unwrap_err(), "session_id"),
        (c.stop_session("a/b").await.unwrap_err(), "session_id"),
        (
            c.get_conversion("dot.ted").await.unwrap_err(),
            "conversion_id",
        ),
        (
            c.start_conversion("c", {
                let mut s = conversion_settings("a", "m.fbx");
                s.output_location.output_asset_filename = Some("out.glb".into());
                s
            })
            .await
            .unwrap_err(),
            "output.output_asset_filename",
        ),
        (
            c.start_conversion("c", {
                let mut s = conversion_settings("a", "m.fbx");
                s.input_location.storage_container_uri = "not a url".into();
                s
            })
            .await
            .unwrap_err(),
            "input.storage_container_uri",
        ),
        (
            c.start_conversion("c", {
                let mut s = conversion_settings("a", "m.fbx");
                s.input_location.storage_container_read_list_sas = Some("?sv=1".into());
                s
            })
            .await
            .unwrap_err(),
            "input.storage_container_read_list_sas",
        ),
        (
            c.wait_for_sessions(&["a".into(), "a".into()], WaitOptions::new())
                .await
                .unwrap_err(),
            "session_ids",
        ),
    ];
    for (e, field) in cases {
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        assert_eq!(e.code(), "INVALID_INPUT");
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(e.to_string().starts_with(field), "{e}");
    }
    assert_eq!(
        env.emu.stats().requests,
        0,
        "nothing was sent, not even to the STS"
    );
}

#[tokio::test]
async fn service_errors_map_to_their_kinds_with_status_code_and_ms_cv() {
    let env = Env::start().await;
    let c = &env.client;
    c.start_session("neg", SessionSize::Standard, 5)
        .await
        .unwrap();

    let e = c
        .start_session("huge", SessionSize::Unknown("Huge".into()), 5)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.status(), Some(400));
    assert_eq!(e.service_error().unwrap().code, "BadRequest");
    assert!(
        e.field().is_none(),
        "refused by the service, not the client"
    );

    let e = c.get_session("missing").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.code(), "NOT_FOUND");
    assert_eq!(e.status(), Some(404));
    assert!(e.ms_cv().is_some());
    assert!(
        e.to_string().contains("missing") && e.to_string().contains("MS-CV"),
        "{e}"
    );

    let e = c
        .start_session("neg", SessionSize::Premium, 5)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(
        e.service_error().unwrap().message,
        "A resource already exists under the given ID."
    );

    let e = c.update_session("neg", 3).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unprocessable, "a lease must grow");
    assert_eq!(e.status(), Some(422));
    // Asking for the lease it already has is success: a retried PATCH whose first attempt was
    // applied (the service then answers 422) must not fail.
    assert_eq!(
        c.update_session("neg", 5).await.unwrap().lease_minutes,
        Some(5)
    );

    let mut s = conversion_settings("sdktest", "m.fbx");
    s.input_location.storage_container_read_list_sas = None;
    let e = c.start_conversion("nolink", s).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    assert_eq!(
        e.service_error().unwrap().code,
        "LinkedStorageAccessFailure"
    );
}

#[tokio::test]
async fn throttling_and_server_errors_are_retried_then_reported() {
    let env = Env::start().await;
    env.client
        .start_session("t", SessionSize::Standard, 5)
        .await
        .unwrap();
    env.emu
        .set_faults(FaultPlan::parse("429:1=1@get_session").unwrap(), 1);
    let client = builder_for(&env.emu)
        .retry_policy(RetryPolicy {
            max_attempts: 3,
            ..quick_retries()
        })
        .build()
        .unwrap();
    let t = std::time::Instant::now();
    let e = client.get_session("t").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Throttled);
    assert_eq!(e.retry_after(), Some(Duration::from_secs(1)));
    assert!(e.is_retriable());
    assert!(
        t.elapsed() >= Duration::from_secs(2),
        "two waits of Retry-After: {:?}",
        t.elapsed()
    );
    assert_eq!(env.requests("get_session"), 3);

    env.emu
        .set_faults(FaultPlan::parse("500=1@get_session").unwrap(), 1);
    let e = client.get_session("t").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Service);
    assert_eq!(e.status(), Some(500));
    assert_eq!(e.service_error().unwrap().code, "InternalServerError");

    // A third of the answers fail, some by a reset connection: the retries get through.
    env.emu.set_faults(
        FaultPlan::parse("503:0=0.3@get_session,reset=0.1@get_session").unwrap(),
        4,
    );
    let patient = builder_for(&env.emu)
        .retry_policy(RetryPolicy {
            max_attempts: 10,
            ..quick_retries()
        })
        .build()
        .unwrap();
    for _ in 0..20 {
        assert_eq!(patient.get_session("t").await.unwrap().id, "t");
    }
    assert!(env.emu.stats().faults["503"] > 0 && env.emu.stats().faults["reset"] > 0);
}

#[tokio::test]
async fn a_server_that_is_not_there_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .sts_endpoint(format!("http://127.0.0.1:{port}"))
        .account_id("00000000-1111-2222-3333-444455556666")
        .account_key("k")
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            ..quick_retries()
        })
        .build()
        .unwrap();
    let e = client.get_session("s").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert!(e.is_retriable());
    assert!(e.to_string().contains("after 2 attempts"), "{e}");
}

#[tokio::test]
async fn a_wrong_key_is_unauthorized_and_another_accounts_token_is_forbidden() {
    let other = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    let env = Env::with(EmulatorConfig {
        accounts: vec![Account::dev(), Account::new(other, "other-key")],
        ..slow_config()
    })
    .await;
    let wrong = builder_for(&env.emu).account_key("wrong").build().unwrap();
    let e = wrong.get_session("s").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert!(e.to_string().contains("refused the account key"), "{e}");
    assert!(
        !e.to_string().contains("wrong"),
        "the key is not in the message: {e}"
    );

    // A token of the other account, used as a static access token on ours.
    let theirs = builder_for(&env.emu)
        .account_id(other)
        .account_key("other-key")
        .build()
        .unwrap();
    theirs.list_sessions_all().await.unwrap();
    let token = fetch_token(&env, other, "other-key").await;
    let c = builder_for(&env.emu)
        .credential(Credential::access_token(token))
        .build()
        .unwrap();
    let e = c.get_session("s").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    assert_eq!(e.status(), Some(403));
}

async fn fetch_token(env: &Env, account: &str, key: &str) -> String {
    let r = reqwest::Client::new()
        .get(format!(
            "{}/Accounts/{account}/token",
            env.emu.sts_endpoint()
        ))
        .header("Authorization", format!("Bearer {account}:{key}"))
        .send()
        .await
        .unwrap();
    r.json::<serde_json::Value>().await.unwrap()["AccessToken"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_static_access_token_is_used_as_is() {
    let env = Env::start().await;
    let token = fetch_token(&env, env.emu.account_id(), env.emu.account_key()).await;
    let c = builder_for(&env.emu)
        .credential(Credential::access_token(token))
        .build()
        .unwrap();
    c.start_session("static", SessionSize::Standard, 5)
        .await
        .unwrap();
    assert_eq!(env.requests("sts"), 1, "only the test's own exchange");
}

#[tokio::test]
async fn an_entra_token_provider_is_exchanged_at_the_sts() {
    let mut account = Account::dev();
    account.entra_tokens.push("entra-for-tests".into());
    let env = Env::with(EmulatorConfig {
        accounts: vec![account],
        ..slow_config()
    })
    .await;
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let counted = calls.clone();
    let provider = move || {
        counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async { Ok(SecretString::new("entra-for-tests")) }
    };
    let c = builder_for(&env.emu)
        .credential(Credential::entra(provider))
        .build()
        .unwrap();
    c.start_session("entra", SessionSize::Standard, 5)
        .await
        .unwrap();
    c.get_session("entra").await.unwrap();
    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one exchange, then the cached token"
    );

    let refused = builder_for(&env.emu)
        .credential(Credential::entra(|| async {
            Ok(SecretString::new("not-accepted"))
        }))
        .build()
        .unwrap();
    let e = refused.get_session("entra").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    let failing = builder_for(&env.emu)
        .credential(Credential::entra(|| async {
            Err(Error::new(ErrorKind::Unauthorized, "no identity available"))
        }))
        .build()
        .unwrap();
    let e = failing.get_session("entra").await.unwrap_err();
    assert_eq!(e.message(), "no identity available");
}

#[tokio::test]
async fn requests_carry_the_api_version_a_request_id_and_the_user_agent() {
    // A raw server that records the request line and headers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 8192];
        let n = sock.read(&mut buf).await.unwrap();
        let body = r#"{"id":"s","size":"Standard","status":"Hibernating","elapsedTimeMinutes":0}"#;
        let resp = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nms-cv: abc.0\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        sock.write_all(resp.as_bytes()).await.unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    });
    let c = Client::builder()
        .endpoint(format!("http://{addr}/prefix"))
        .sts_endpoint(format!("http://{addr}"))
        .account_id("00000000-1111-2222-3333-444455556666")
        .credential(Credential::access_token("static-token"))
        .user_agent_suffix("python/3.11")
        .build()
        .unwrap();
    let s = c.get_session("s").await.unwrap();
    assert_eq!(
        s.status,
        SessionStatus::Unknown("Hibernating".into()),
        "unknown states are kept"
    );
    assert_eq!(s.ms_cv(), Some("abc.0"));
    let request = server.await.unwrap().to_ascii_lowercase();
    assert!(
        request.starts_with("get /prefix/accounts/00000000-1111-2222-3333-444455556666/sessions/s?api-version=2021-01-01 http/1.1"),
        "{request}"
    );
    assert!(
        request.contains("\r\nx-ms-client-request-id: "),
        "{request}"
    );
    assert!(
        request.contains("\r\nauthorization: bearer static-token"),
        "{request}"
    );
    assert!(
        request.contains(&format!(
            "\r\nuser-agent: remote-rendering/{} (rust) python/3.11",
            env!("CARGO_PKG_VERSION")
        )),
        "{request}"
    );
}

#[tokio::test]
async fn an_unreadable_answer_is_a_protocol_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 8192];
        let _ = sock.read(&mut buf).await.unwrap();
        let body = "<html>gateway</html>";
        let resp = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        sock.write_all(resp.as_bytes()).await.unwrap();
    });
    let c = Client::builder()
        .endpoint(format!("http://{addr}"))
        .sts_endpoint(format!("http://{addr}"))
        .account_id("00000000-1111-2222-3333-444455556666")
        .credential(Credential::access_token("t"))
        .build()
        .unwrap();
    let e = c.get_session("s").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol);
    assert_eq!(e.code(), "PROTOCOL_ERROR");
}

#[tokio::test]
async fn the_emulators_https_certificate_can_be_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("ca.pem");
    let env = Env::with(EmulatorConfig {
        tls: Some(remote_rendering_emulator::TlsConfig {
            cert_out: Some(cert.clone()),
        }),
        ..slow_config()
    })
    .await;
    assert!(env.emu.endpoint().starts_with("https://"));
    let pem = std::fs::read(&cert).unwrap();
    let c = builder_for(&env.emu)
        .add_root_certificate_pem(pem)
        .build()
        .unwrap();
    c.start_session("tls", SessionSize::Standard, 5)
        .await
        .unwrap();
    // Without the CA the connection is refused (a transport error, after the retries).
    let untrusting = builder_for(&env.emu)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(
        untrusting.get_session("tls").await.unwrap_err().kind(),
        ErrorKind::Transport
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_concurrent_requests_bounds_the_requests_on_the_wire() {
    let env = Env::start().await;
    env.client
        .start_session("wire", SessionSize::Standard, 5)
        .await
        .unwrap();
    // Every get_session answer takes 100 ms: 8 calls with 2 on the wire take 4 turns.
    env.emu.set_faults(
        remote_rendering_emulator::FaultPlan::parse("delay:100ms=1@get_session").unwrap(),
        1,
    );
    let timed = |client: Client| async move {
        let started = std::time::Instant::now();
        let mut calls = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let c = client.clone();
            calls.spawn(async move { c.get_session("wire").await.map(drop) });
        }
        while let Some(r) = calls.join_next().await {
            r.unwrap().unwrap();
        }
        started.elapsed()
    };
    let narrow = builder_for(&env.emu)
        .max_concurrent_requests(2)
        .build()
        .unwrap();
    narrow.get_session("wire").await.unwrap(); // the token, outside the timing
    let took = timed(narrow).await;
    assert!(
        took >= Duration::from_millis(390),
        "2 at a time took {took:?}"
    );
    let wide = env.client.clone(); // the default, 64
    let took = timed(wide).await;
    assert!(
        took < Duration::from_millis(390),
        "64 at a time took {took:?}"
    );
}

#[test]
fn max_concurrent_requests_is_checked() {
    for bad in [0, u64::from(MAX_CONCURRENT_REQUESTS) + 1] {
        let e = Client::builder()
            .endpoint("https://remoterendering.eastus.mixedreality.azure.com")
            .account_id("00000000-0000-0000-0000-000000000000")
            .account_domain("eastus.mixedreality.azure.com")
            .account_key("a2V5")
            .max_concurrent_requests(bad)
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(e.field(), Some("max_concurrent_requests"), "{e}");
        assert!(e.to_string().contains("from 1 to 4096"), "{e}");
    }
}
