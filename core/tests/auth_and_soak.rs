//! Authentication (token cache, single flight, refresh before expiry, re-authentication after
//! a 401), secrets kept out of logs and messages, https enforcement, and a soak of many session
//! lifecycles against an emulator that injects faults.

mod common;

use common::*;
use futures_util::StreamExt;
use remote_rendering::*;
use remote_rendering_emulator::{Account, Emulator, EmulatorConfig, FaultPlan};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Anything that could hang ends within this.
const LIMIT: Duration = Duration::from_secs(30);

async fn within<F: Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(LIMIT, f)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {LIMIT:?}"))
}

/// The answers the emulator gave on one route, by status.
fn statuses(emu: &Emulator, route: &str) -> BTreeMap<u16, u64> {
    emu.stats()
        .by_route
        .get(route)
        .map(|r| r.statuses.clone())
        .unwrap_or_default()
}

/// Routes on which the emulator answered 401, with how many.
fn unauthorized_answers(emu: &Emulator) -> BTreeMap<String, u64> {
    emu.stats()
        .by_route
        .into_iter()
        .filter_map(|(route, r)| r.statuses.get(&401).map(|n| (route, *n)))
        .collect()
}

/// An access token straight from the emulator's STS, as a caller's own backend would get one.
async fn raw_sts_token(emu: &Emulator) -> String {
    let url = format!(
        "{}/Accounts/{}/token?api-version={}",
        emu.sts_endpoint(),
        emu.account_id(),
        remote_rendering_models::STS_API_VERSION
    );
    let answer: serde_json::Value = within("raw STS call", async {
        reqwest::Client::new()
            .get(url)
            .header(
                "Authorization",
                format!("Bearer {}:{}", emu.account_id(), emu.account_key()),
            )
            .send()
            .await
            .expect("STS answers")
            .error_for_status()
            .expect("STS accepts the key")
            .json()
            .await
            .expect("STS answers JSON")
    })
    .await;
    answer["AccessToken"]
        .as_str()
        .expect("an AccessToken")
        .to_owned()
}

// ---------------------------------------------------------------------------------------------
// 1. The token cache
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn sequential_calls_reuse_one_cached_token() {
    let env = Env::start().await;
    let c = &env.client;
    assert_eq!(env.requests("sts"), 0, "no token before the first call");
    within(
        "start",
        c.start_session("cache-1", SessionSize::Standard, 10),
    )
    .await
    .unwrap();
    for i in 0..9 {
        match i % 3 {
            0 => {
                within("get", c.get_session("cache-1")).await.unwrap();
            }
            1 => {
                assert_eq!(
                    within("list", c.list_sessions_all()).await.unwrap().len(),
                    1
                );
            }
            _ => {
                within("update", c.update_session("cache-1", 11 + i))
                    .await
                    .unwrap();
            }
        }
    }
    assert_eq!(env.requests("sts"), 1, "ten calls, one token exchange");
    assert_eq!(env.requests("create_session"), 1);
    assert_eq!(env.requests("get_session"), 3);
    assert_eq!(env.requests("list_sessions"), 3);
    assert_eq!(env.requests("update_session"), 3);
    // A clone shares the cache.
    within("get on a clone", c.clone().get_session("cache-1"))
        .await
        .unwrap();
    assert_eq!(env.requests("sts"), 1, "clones share the token cache");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_calls_share_a_single_token_exchange() {
    let env = Env::start().await;
    within(
        "start",
        env.client
            .start_session("flight-1", SessionSize::Standard, 10),
    )
    .await
    .unwrap();
    assert_eq!(env.requests("sts"), 1);
    // A slow STS keeps the exchange in flight while every call arrives.
    env.emu
        .set_faults(FaultPlan::parse("delay:300ms=1@sts").unwrap(), 1);

    let fresh = builder_for(&env.emu).build().unwrap();
    let barrier = Arc::new(tokio::sync::Barrier::new(50));
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..50 {
        let c = fresh.clone();
        let barrier = barrier.clone();
        calls.spawn(async move {
            barrier.wait().await;
            if i % 2 == 0 {
                c.get_session("flight-1").await.map(|s| s.id.clone())
            } else {
                c.list_sessions_all()
                    .await
                    .map(|l| l.iter().map(|s| s.id.clone()).collect::<Vec<_>>().join(","))
            }
        });
    }
    let mut ok = 0;
    while let Some(done) = within("50 concurrent calls", calls.join_next()).await {
        assert_eq!(done.expect("no panic").expect("call succeeds"), "flight-1");
        ok += 1;
    }
    assert_eq!(ok, 50);
    assert_eq!(
        env.requests("sts"),
        2,
        "fifty concurrent calls of a fresh client: exactly one more STS exchange"
    );
    assert_eq!(env.emu.stats().faults.get("delay"), Some(&1));
    assert_eq!(env.requests("get_session"), 25);
    assert_eq!(env.requests("list_sessions"), 25);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_failed_token_exchange() {
    let env = Env::start().await;
    // The STS answers slowly, so every call arrives while the one exchange runs (a call that
    // arrives after a failure rightly tries again).
    env.emu
        .set_faults(FaultPlan::parse("delay:300ms=1@sts").unwrap(), 1);
    let refused = builder_for(&env.emu)
        .account_key("not-the-key")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let barrier = Arc::new(tokio::sync::Barrier::new(50));
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let c = refused.clone();
        let barrier = barrier.clone();
        calls.spawn(async move {
            barrier.wait().await;
            c.list_sessions_all().await.map(|_| ())
        });
    }
    while let Some(done) = within("50 concurrent calls", calls.join_next()).await {
        let e = done.expect("no panic").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unauthorized, "{e}");
    }
    assert_eq!(
        env.requests("sts"),
        1,
        "the calls waiting for the exchange share its failure instead of each repeating it"
    );
    assert_eq!(env.requests("list_sessions"), 0);
}

#[tokio::test]
async fn a_failed_refresh_ahead_of_expiry_keeps_using_the_current_token() {
    let env = Env::with(EmulatorConfig {
        token_lifetime: Duration::from_secs(6),
        ..slow_config()
    })
    .await;
    let c = builder_for(&env.emu)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    within(
        "start",
        c.start_session("refresh-fails", SessionSize::Standard, 10),
    )
    .await
    .unwrap();
    // Past half its life (2.5 to 3 s), the refresh is due; the STS is down.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    env.emu
        .set_faults(FaultPlan::parse("503=1@sts").unwrap(), 1);
    let s = within("get while the STS is down", c.get_session("refresh-fails"))
        .await
        .expect("the still-valid token is used");
    assert_eq!(s.id, "refresh-fails");
    assert_eq!(env.requests("sts"), 2, "the refresh was tried");
    // Once the STS is back, the next due refresh succeeds.
    env.emu.clear_faults();
    within("get after the STS is back", c.get_session("refresh-fails"))
        .await
        .unwrap();
    assert_eq!(env.requests("sts"), 3);
}

#[tokio::test]
async fn a_short_lived_token_is_refreshed_at_half_life_before_it_expires() {
    let env = Env::with(EmulatorConfig {
        token_lifetime: Duration::from_secs(4),
        ..slow_config()
    })
    .await;
    let c = &env.client;
    // The token's `exp` is in whole seconds, so it lives 3 to 4 s from its issue and the
    // client refreshes it half-way: 1.5 to 2 s after the first exchange.
    let first = Instant::now();
    within(
        "start",
        c.start_session("fresh-1", SessionSize::Standard, 10),
    )
    .await
    .unwrap();
    for _ in 0..4 {
        within("get", c.get_session("fresh-1")).await.unwrap();
    }
    assert!(
        first.elapsed() < Duration::from_millis(1500),
        "the immediate calls took {:?}",
        first.elapsed()
    );
    assert_eq!(env.requests("sts"), 1, "immediate calls reuse the token");

    tokio::time::sleep_until((first + Duration::from_millis(2500)).into()).await;
    within("get after 2.5 s", c.get_session("fresh-1"))
        .await
        .unwrap();
    assert_eq!(
        env.requests("sts"),
        2,
        "past half its life the token is exchanged again"
    );
    within("get right after", c.get_session("fresh-1"))
        .await
        .unwrap();
    within("list right after", c.list_sessions_all())
        .await
        .unwrap();
    assert_eq!(env.requests("sts"), 2, "and the new one is reused");
    assert_eq!(
        unauthorized_answers(&env.emu),
        BTreeMap::new(),
        "no call ever carried an expired token"
    );
    assert_eq!(
        statuses(&env.emu, "get_session"),
        BTreeMap::from([(200, 6)])
    );
}

#[tokio::test]
async fn a_revoked_token_is_replaced_once_after_a_401() {
    let env = Env::start().await;
    let c = &env.client;
    within(
        "start",
        c.start_session("revoke-1", SessionSize::Standard, 10),
    )
    .await
    .unwrap();
    within("get", c.get_session("revoke-1")).await.unwrap();
    assert_eq!(env.requests("sts"), 1);

    env.emu.revoke_tokens(env.emu.account_id()).unwrap();
    let got = within("get with a revoked token", c.get_session("revoke-1"))
        .await
        .expect("the client re-authenticates and succeeds");
    assert_eq!(got.id, "revoke-1");
    assert_eq!(env.requests("sts"), 2, "exactly one extra exchange");
    assert_eq!(
        statuses(&env.emu, "get_session"),
        BTreeMap::from([(200, 2), (401, 1)]),
        "one 401, then the same call with the new token"
    );
    within("get again", c.get_session("revoke-1"))
        .await
        .unwrap();
    within("list", c.list_sessions_all()).await.unwrap();
    assert_eq!(env.requests("sts"), 2, "the new token is cached");
    assert_eq!(
        unauthorized_answers(&env.emu),
        BTreeMap::from([("get_session".to_owned(), 1)])
    );
}

#[tokio::test]
async fn a_revoked_static_access_token_is_unauthorized_without_sts_or_a_second_attempt() {
    let env = Env::start().await;
    let token = raw_sts_token(&env.emu).await;
    assert_eq!(env.requests("sts"), 1, "the raw exchange");
    let c = Client::builder()
        .endpoint(env.emu.endpoint())
        .sts_endpoint(env.emu.sts_endpoint())
        .account_id(env.emu.account_id())
        .credential(Credential::access_token(token.clone()))
        .retry_policy(quick_retries())
        .build()
        .unwrap();
    assert!(within("list", c.list_sessions_all())
        .await
        .unwrap()
        .is_empty());

    env.emu.revoke_tokens(env.emu.account_id()).unwrap();
    let e = within("list with the revoked token", c.list_sessions_all())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized, "{e}");
    assert_eq!(e.status(), Some(401));
    assert!(!e.is_retriable());
    assert!(!e.to_string().contains(&token) && !format!("{e:?}").contains(&token));
    assert_eq!(env.requests("sts"), 1, "a static token is never exchanged");
    assert_eq!(
        statuses(&env.emu, "list_sessions"),
        BTreeMap::from([(200, 1), (401, 1)]),
        "no second attempt after the 401"
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Secrets stay secret
// ---------------------------------------------------------------------------------------------

/// A `tracing` writer into memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn assert_no_secret(what: &str, text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(
            !text.contains(s),
            "{what} contains the secret {s:?}:\n{text}"
        );
    }
    assert!(
        !text.contains("eyJhbGciOi"),
        "{what} contains an access token:\n{text}"
    );
}

// Current-thread runtime: the subscriber guard covers every task of the test.
#[tokio::test]
async fn secrets_never_reach_logs_debug_output_or_errors() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let unique = format!(
        "{:x}{:x}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let key = format!("KEY-{unique}");
    let wrong_key = format!("KEY-WRONG-{unique}");
    let read_sas = format!("sv=2024&sig=SAS-READ-{unique}");
    let write_sas = format!("sv=2024&sig=SAS-WRITE-{unique}");
    let secrets = [
        key.as_str(),
        wrong_key.as_str(),
        read_sas.as_str(),
        write_sas.as_str(),
        unique.as_str(),
    ];
    let account = "5ec2e700-0000-4000-8000-00000000000a";
    let env = Env::with(EmulatorConfig {
        accounts: vec![Account::new(account, key.clone())],
        ..slow_config()
    })
    .await;
    let c = &env.client;
    let mut errors: Vec<Error> = Vec::new();
    let mut debug_outputs: Vec<String> = Vec::new();

    // Every session operation.
    let started = within("start", c.start_session("red-1", SessionSize::Standard, 10))
        .await
        .unwrap();
    debug_outputs.push(format!("{started:?}"));
    within("get", c.get_session("red-1")).await.unwrap();
    within("update", c.update_session("red-1", 20))
        .await
        .unwrap();
    assert_eq!(
        within("list", c.list_sessions_all()).await.unwrap().len(),
        1
    );

    // A conversion with SAS tokens.
    let mut settings = conversion_settings("redact", "box.fbx");
    settings.input_location.storage_container_read_list_sas = Some(read_sas.as_str().into());
    settings.output_location.storage_container_write_sas = Some(write_sas.as_str().into());
    debug_outputs.push(format!("{settings:?}"));
    let conversion = within("start conversion", c.start_conversion("red-conv", settings))
        .await
        .unwrap();
    debug_outputs.push(format!("{conversion:?}"));
    within("get conversion", c.get_conversion("red-conv"))
        .await
        .unwrap();

    // Calls that fail.
    let wrong = builder_for(&env.emu)
        .account_key(wrong_key.clone())
        .build()
        .unwrap();
    debug_outputs.push(format!("{wrong:?}"));
    let e = within("wrong key", wrong.get_session("red-1"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized, "{e}");
    errors.push(e);
    errors.push(
        within("missing", c.get_session("no-such-session"))
            .await
            .unwrap_err(),
    );
    errors.push(
        within("shrink", c.update_session("red-1", 5))
            .await
            .unwrap_err(),
    );

    // Retried calls: half the answers are 503 (Retry-After 0), in a fixed sequence.
    env.emu
        .set_faults(FaultPlan::parse("503:0=0.5").unwrap(), 7);
    let retrying = builder_for(&env.emu)
        .retry_policy(RetryPolicy {
            max_attempts: 12,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_secs(1),
            max_elapsed: Duration::from_secs(20),
        })
        .build()
        .unwrap();
    for _ in 0..6 {
        within("retried get", retrying.get_session("red-1"))
            .await
            .unwrap();
    }
    assert!(env.emu.stats().faults.get("503").copied().unwrap_or(0) > 0);
    // With retries off the 503 surfaces as an error (its message and details are checked).
    env.emu
        .set_faults(FaultPlan::parse("503:0=1@get_session").unwrap(), 7);
    errors.push(
        within(
            "503",
            builder_for(&env.emu)
                .retry_policy(RetryPolicy::none())
                .build()
                .unwrap()
                .get_session("red-1"),
        )
        .await
        .unwrap_err(),
    );
    env.emu.clear_faults();

    // A revoked token: one 401, a new exchange, success.
    env.emu.revoke_tokens(account).unwrap();
    within("get after revoke", c.get_session("red-1"))
        .await
        .unwrap();
    assert_eq!(statuses(&env.emu, "get_session").get(&401), Some(&1));
    // A static token that is revoked: an error.
    let token = raw_sts_token(&env.emu).await;
    let fixed = builder_for(&env.emu)
        .credential(Credential::access_token(token.clone()))
        .build()
        .unwrap();
    debug_outputs.push(format!("{fixed:?}"));
    env.emu.revoke_tokens(account).unwrap();
    errors.push(
        within("static revoked", fixed.list_sessions_all())
            .await
            .unwrap_err(),
    );

    within("stop", c.stop_session("red-1")).await.unwrap();
    assert!(within("list", c.list_sessions_all())
        .await
        .unwrap()
        .is_empty());

    drop(_guard);
    let log = captured.text();
    assert!(!log.trim().is_empty(), "something was logged");
    assert!(log.contains("retrying"), "retries are logged:\n{log}");
    assert!(
        log.contains("access token refused"),
        "the re-authentication is logged:\n{log}"
    );
    assert_no_secret("the log", &log, &secrets);
    assert!(!log.contains(&token), "the log contains an access token");

    debug_outputs.push(format!("{c:?}"));
    debug_outputs.push(format!("{:?}", builder_for(&env.emu)));
    debug_outputs.push(format!("{:?}", c.config()));
    debug_outputs.push(format!("{:?}", Credential::account_key(key.clone())));
    debug_outputs.push(format!("{:?}", Credential::access_token(token.clone())));
    debug_outputs.push(format!("{:?}", SecretString::new(key.clone())));
    for (i, d) in debug_outputs.iter().enumerate() {
        assert_no_secret(&format!("debug output #{i}"), d, &secrets);
        assert!(!d.contains(&token));
    }
    assert!(debug_outputs.iter().any(|d| d.contains("<redacted>")));

    let kinds: Vec<ErrorKind> = errors.iter().map(Error::kind).collect();
    assert_eq!(
        kinds,
        [
            ErrorKind::Unauthorized,
            ErrorKind::NotFound,
            ErrorKind::Unprocessable,
            ErrorKind::Service,
            ErrorKind::Unauthorized,
        ]
    );
    for e in &errors {
        let shown = format!("{e}\n{e:?}");
        assert_no_secret("an error", &shown, &secrets);
        assert!(!shown.contains(&token));
    }
}

// ---------------------------------------------------------------------------------------------
// 3. https enforcement
// ---------------------------------------------------------------------------------------------

fn build_with(endpoint: &str, sts: &str) -> Result<Client> {
    Client::builder()
        .endpoint(endpoint)
        .sts_endpoint(sts)
        .account_id("00000000-1111-2222-3333-444455556666")
        .account_key("k")
        .build()
}

#[tokio::test]
async fn plain_http_is_refused_except_to_loopback() {
    let refused = [
        ("http://example.com", "https://sts.example.com", "endpoint"),
        ("https://example.com", "http://10.1.2.3", "sts_endpoint"),
        (
            "http://localhost.example.com:80",
            "https://sts.example.com",
            "endpoint",
        ),
        (
            "http://127.0.0.1.nip.io",
            "https://sts.example.com",
            "endpoint",
        ),
        (
            "http://[2001:db8::1]:8080",
            "https://sts.example.com",
            "endpoint",
        ),
        (
            "https://example.com",
            "http://192.168.1.1:8700",
            "sts_endpoint",
        ),
    ];
    for (endpoint, sts, field) in refused {
        let e = build_with(endpoint, sts).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{endpoint} {sts}: {e}");
        assert_eq!(e.field(), Some(field), "{endpoint} {sts}: {e}");
        assert!(
            e.message().contains("plain http"),
            "{endpoint} {sts}: the message says why: {e}"
        );
    }
    for host in ["localhost", "127.0.0.1", "[::1]", "127.8.9.10", "LocalHost"] {
        let url = format!("http://{host}:8700");
        let c = build_with(&url, &url).unwrap_or_else(|e| panic!("{url} is loopback: {e}"));
        assert_eq!(c.config().endpoint(), url.to_ascii_lowercase());
        assert_eq!(c.config().sts_endpoint(), url.to_ascii_lowercase());
    }
    assert!(build_with("https://example.com", "https://sts.example.com").is_ok());
}

/// A one-page "service" that lists no sessions and points `@nextLink` elsewhere.
#[tokio::test]
async fn a_next_link_to_another_origin_is_refused_and_gets_no_token() {
    let service = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let elsewhere = tokio::net::TcpListener::bind("127.0.0.2:0")
        .await
        .expect("127.0.0.2 is a loopback address on Linux");
    let service_port = service.local_addr().unwrap().port();
    let elsewhere_port = elsewhere.local_addr().unwrap().port();
    let body =
        format!(r#"{{"sessions":[],"@nextLink":"http://127.0.0.2:{elsewhere_port}/steal"}}"#);

    let requests = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = requests.clone();
    let server = tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = service.accept().await else {
                return;
            };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            seen.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&buf).into_owned());
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(answer.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
    });
    let stolen = Arc::new(AtomicUsize::new(0));
    let counter = stolen.clone();
    let thief = tokio::spawn(async move {
        while elsewhere.accept().await.is_ok() {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });

    let base = format!("http://127.0.0.1:{service_port}");
    let c = Client::builder()
        .endpoint(&base)
        .sts_endpoint(&base)
        .account_id("00000000-1111-2222-3333-444455556666")
        .credential(Credential::access_token("static-raw-token"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let e = within("list", c.list_sessions_all()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e}");
    assert!(e.message().contains("another host"), "{e}");
    assert!(e.message().contains("127.0.0.2"), "{e}");

    // Anything the client would send there has had time to arrive.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        stolen.load(Ordering::SeqCst),
        0,
        "nothing connected elsewhere"
    );
    let requests = requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 1, "one page read: {requests:?}");
    assert!(
        requests[0].starts_with(
            "GET /accounts/00000000-1111-2222-3333-444455556666/sessions?api-version="
        ),
        "{}",
        requests[0]
    );
    assert!(
        requests[0]
            .to_ascii_lowercase()
            .contains("authorization: bearer static-raw-token"),
        "{}",
        requests[0]
    );
    server.abort();
    thief.abort();
}

// ---------------------------------------------------------------------------------------------
// 4. Soak under faults
// ---------------------------------------------------------------------------------------------

const SOAK_SESSIONS: usize = 200;
const SOAK_CONCURRENCY: usize = 25;
const SOAK_FAULTS: &str = "429:1=0.08,503:1=0.05,reset=0.03,reset-after=0.02,delay:200ms=0.02";

/// start → wait until Ready → extend the lease by 5 minutes → stop.
async fn lifecycle(c: Client, id: String) -> std::result::Result<(), String> {
    let fail = |step: &str, e: Error| format!("{id}: {step}: {e}");
    c.start_session(&id, SessionSize::Standard, 60)
        .await
        .map_err(|e| fail("start", e))?;
    let ready = c
        .wait_for_session(&id, WaitOptions::new().timeout(Duration::from_secs(60)))
        .await
        .map_err(|e| fail("wait", e))?;
    if ready.status != SessionStatus::Ready || ready.hostname.is_none() {
        return Err(format!("{id}: waited for {ready:?}"));
    }
    let updated = c
        .update_session(&id, 65)
        .await
        .map_err(|e| fail("update", e))?;
    if updated.lease_minutes != Some(65) {
        return Err(format!("{id}: updated to {:?}", *updated));
    }
    c.stop_session(&id).await.map_err(|e| fail("stop", e))?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_session_lifecycles_survive_injected_faults() {
    let env = Env::with(EmulatorConfig {
        // 2 s of emulated start-up, 0.2 s of real time.
        startup_delay: Duration::from_secs(2),
        time_scale: 10.0,
        faults: FaultPlan::parse(SOAK_FAULTS).unwrap(),
        seed: 0x50a4,
        ..EmulatorConfig::default()
    })
    .await;
    let client = builder_for(&env.emu)
        .retry_policy(RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(20),
            // Retry-After is 1 s: a smaller cap would end the retries.
            max_backoff: Duration::from_secs(2),
            max_elapsed: Duration::from_secs(60),
        })
        .poll_interval(Duration::from_millis(50))
        .request_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let ids: Vec<String> = (0..SOAK_SESSIONS).map(|i| format!("soak-{i:03}")).collect();

    let began = Instant::now();
    let outcomes: Vec<std::result::Result<(), String>> = tokio::time::timeout(
        Duration::from_secs(120),
        futures_util::stream::iter(ids.clone())
            .map(|id| {
                let c = client.clone();
                async move {
                    tokio::spawn(lifecycle(c, id))
                        .await
                        .unwrap_or_else(|e| Err(format!("the lifecycle task failed: {e}")))
                }
            })
            .buffer_unordered(SOAK_CONCURRENCY)
            .collect(),
    )
    .await
    .expect("the soak ends within 120 s");
    let elapsed = began.elapsed();
    let stats = env.emu.stats();
    let injected: u64 = stats.faults.values().sum();
    eprintln!(
        "soak: {SOAK_SESSIONS} lifecycles, {SOAK_CONCURRENCY} at a time, in {elapsed:.2?}; \
         {} requests, {injected} faults injected {:?}",
        stats.requests, stats.faults
    );
    for (route, r) in &stats.by_route {
        eprintln!("soak:   {route}: {} requests {:?}", r.requests, r.statuses);
    }

    let failures: Vec<&String> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    assert!(failures.is_empty(), "failed lifecycles: {failures:#?}");
    assert_eq!(outcomes.len(), SOAK_SESSIONS);

    env.emu.clear_faults();
    let left = within("list", client.list_sessions_all()).await.unwrap();
    assert!(left.is_empty(), "sessions left running: {left:?}");
    for id in &ids {
        let s = within("get", client.get_session(id)).await.unwrap();
        assert_eq!(s.status, SessionStatus::Stopped, "{id}");
        assert_eq!(s.lease_minutes, Some(65), "{id}");
    }

    let create = &stats.by_route["create_session"];
    assert_eq!(
        create.statuses.get(&201),
        Some(&(SOAK_SESSIONS as u64)),
        "each session created exactly once (re-PUTs answer 200): {:?}",
        create.statuses
    );
    assert_eq!(
        stats.by_route["update_session"].statuses.get(&200),
        Some(&(SOAK_SESSIONS as u64)),
        "each lease extended exactly once: {:?}",
        stats.by_route["update_session"].statuses
    );
    let stops = stats.by_route["stop_session"].statuses.get(&204).copied();
    assert!(
        stops.unwrap_or(0) >= SOAK_SESSIONS as u64,
        "every session stopped (a re-sent stop answers 204 too): {stops:?}"
    );
    assert!(
        stats
            .by_route
            .values()
            .all(|r| !r.statuses.contains_key(&401)),
        "no call was refused its token"
    );
    for kind in ["429", "503", "reset", "reset-after", "delay"] {
        assert!(
            stats.faults.get(kind).copied().unwrap_or(0) > 0,
            "{kind} faults were injected: {:?}",
            stats.faults
        );
    }
    assert!(injected > 100, "{injected} faults injected");
    assert!(
        elapsed < Duration::from_secs(60),
        "the soak took {elapsed:?}"
    );
}
