//! Limits that keep the emulator usable under misbehaving clients and safe beyond loopback:
//! header-read, body and idle timeouts, the connection cap, the body limit on every route,
//! the admin credential, and the private folder of the CA certificate.

mod common;

use common::{fast_config, send, Env};
use remote_rendering_emulator::{Emulator, EmulatorConfig, Limits, TlsConfig};
use reqwest::Method;
use serde_json::json;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

fn addr(emu: &Emulator) -> SocketAddr {
    emu.endpoint()
        .trim_start_matches("http://")
        .parse()
        .unwrap()
}

/// A socket that has sent half a request header and nothing more.
fn half_sent(addr: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    s
}

/// Whether the server closes `s` within `within` (a read sees the end or a reset).
fn closed_within(s: &mut TcpStream, within: Duration) -> bool {
    s.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 256];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

fn admin_url(env: &Env, path: &str) -> String {
    format!("{}{path}", env.emu.endpoint())
}

fn limits(header: u64, body: u64, idle: u64, max: usize) -> Limits {
    Limits {
        header_read_timeout: Duration::from_millis(header),
        body_timeout: Duration::from_millis(body),
        idle_timeout: Duration::from_millis(idle),
        max_connections: max,
    }
}

async fn start(limits: Limits) -> Env {
    Env::with(EmulatorConfig {
        limits,
        ..fast_config()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_sent_header_is_closed_after_the_header_read_timeout() {
    let env = start(limits(300, 30_000, 60_000, 100)).await;
    let a = addr(&env.emu);
    let started = Instant::now();
    let closed = tokio::task::spawn_blocking(move || {
        closed_within(&mut half_sent(a), Duration::from_secs(10))
    })
    .await
    .unwrap();
    assert!(closed, "the half-sent connection was never closed");
    // Closed by the header timeout, not by the 60 s idle timeout.
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout_not_before() {
    let env = start(limits(60_000, 30_000, 400, 100)).await;
    let a = addr(&env.emu);
    let closed = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(a).unwrap();
        s.write_all(b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut buf = [0u8; 1024];
        let n = s.read(&mut buf).unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
        // Still open right after the answer; closed once idle for the timeout.
        s.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        assert!(s.read(&mut buf).is_err(), "closed before the idle timeout");
        closed_within(&mut s, Duration::from_secs(10))
    })
    .await
    .unwrap();
    assert!(closed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_does_not_arrive_in_time_is_a_400() {
    let env = start(limits(60_000, 300, 60_000, 100)).await;
    let a = addr(&env.emu);
    let token = env.token.clone();
    let account = env.account().to_owned();
    let answer = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(a).unwrap();
        let head = format!(
            "PUT /accounts/{account}/sessions/slow?api-version=2021-01-01 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"size\":"
        );
        s.write_all(head.as_bytes()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut buf = vec![0u8; 4096];
        let n = s.read(&mut buf).unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("not received in time"), "{answer}");
    assert_eq!(env.get_session("slow").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_normal_client_is_served_while_half_sent_sockets_hold_the_cap() {
    let env = start(limits(60_000, 30_000, 60_000, 8)).await;
    let a = addr(&env.emu);
    // Three times the cap of sockets that will never finish their header.
    let mut idle: Vec<TcpStream> = (0..24).map(|_| half_sent(a)).collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    for round in 0..5 {
        let answer = tokio::time::timeout(
            Duration::from_secs(10),
            send(
                &env.http,
                Method::GET,
                &admin_url(&env, "/_emulator/stats"),
                None,
                None,
            ),
        )
        .await
        .unwrap_or_else(|_| panic!("round {round}: no answer while the cap is hit"));
        assert_eq!(answer.status, 200);
        let session = env.put_session(&format!("s{round}"), 10, "Standard").await;
        assert_eq!(session.status, 201);
    }
    // The oldest half-sent sockets were closed to make room.
    let first = idle.remove(0);
    let closed = tokio::task::spawn_blocking(move || {
        let mut first = first;
        closed_within(&mut first, Duration::from_secs(5))
    })
    .await
    .unwrap();
    assert!(closed, "the oldest idle socket is still open");
}

#[tokio::test]
async fn admin_bodies_have_the_same_1_mib_limit() {
    let env = Env::start().await;
    let big = "x".repeat((1 << 20) + 1);
    let resp = env
        .http
        .put(admin_url(&env, "/_emulator/faults"))
        .header("Content-Type", "application/json")
        .body(format!("{{\"spec\":\"{big}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("larger than 1 MiB"));
    // Just under the limit is read (and refused only for its content).
    let ok = send(
        &env.http,
        Method::PUT,
        &admin_url(&env, "/_emulator/faults"),
        Some(json!({ "spec": "429=0.5", "pad": "y".repeat(1000) })),
        None,
    )
    .await;
    assert_eq!(ok.status, 204);
}

#[tokio::test]
async fn listening_beyond_loopback_needs_the_flag_and_then_an_admin_credential() {
    let any: SocketAddr = "0.0.0.0:0".parse().unwrap();
    let refused = Emulator::start(EmulatorConfig {
        listen: any,
        ..fast_config()
    })
    .await
    .unwrap_err()
    .to_string();
    assert!(refused.contains("--allow-remote"), "{refused}");

    let env = Env::with(EmulatorConfig {
        listen: any,
        allow_remote: true,
        ..fast_config()
    })
    .await;
    let token = env
        .emu
        .info()
        .admin_token
        .as_ref()
        .expect("a generated admin token")
        .expose()
        .to_owned();
    assert!(env.emu.info().to_json_line().contains(&token));
    let stats = admin_url(&env, "/_emulator/stats");
    let no = send(&env.http, Method::GET, &stats, None, None).await;
    assert_eq!(no.status, 401);
    assert_eq!(no.body["error"]["code"], "Unauthorized");
    let wrong = send(&env.http, Method::GET, &stats, None, Some("not-the-token")).await;
    assert_eq!(wrong.status, 401);
    let encoded = send(
        &env.http,
        Method::GET,
        &admin_url(&env, "/%5Femulator/stats"),
        None,
        None,
    )
    .await;
    assert_eq!(
        encoded.status, 401,
        "a percent-encoded path goes through the same gate"
    );
    let unknown = send(
        &env.http,
        Method::GET,
        &admin_url(&env, "/_emulator/nothing"),
        None,
        None,
    )
    .await;
    assert_eq!(unknown.status, 401);
    assert_eq!(
        send(&env.http, Method::GET, &stats, None, Some(&token))
            .await
            .status,
        200
    );
    let cookie = env
        .http
        .get(&stats)
        .header("Cookie", format!("theme=dark; arr-emulator-admin={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(cookie.status(), 200);
    let advance = send(
        &env.http,
        Method::POST,
        &admin_url(&env, "/_emulator/clock/advance"),
        Some(json!({"seconds": 1})),
        None,
    )
    .await;
    assert_eq!(
        advance.status, 401,
        "nothing changes without the credential"
    );
    assert_eq!(
        send(
            &env.http,
            Method::GET,
            &admin_url(&env, "/_emulator/health"),
            None,
            None
        )
        .await
        .status,
        200
    );
    // The service's own API is unchanged: its bearer tokens, not the admin credential.
    assert_eq!(env.put_session("s", 10, "Standard").await.status, 201);
}

#[tokio::test]
async fn an_explicit_admin_token_is_required_on_loopback_too() {
    let env = Env::with(EmulatorConfig {
        admin_token: Some("a-long-enough-admin-token".into()),
        ..fast_config()
    })
    .await;
    let stats = admin_url(&env, "/_emulator/stats");
    assert_eq!(
        send(&env.http, Method::GET, &stats, None, None)
            .await
            .status,
        401
    );
    assert_eq!(
        send(
            &env.http,
            Method::GET,
            &stats,
            None,
            Some("a-long-enough-admin-token")
        )
        .await
        .status,
        200
    );
    let short = Emulator::start(EmulatorConfig {
        admin_token: Some("short".into()),
        ..fast_config()
    })
    .await
    .unwrap_err();
    assert!(short.to_string().contains("16 characters"), "{short}");
}

#[tokio::test]
async fn without_cert_out_the_ca_goes_into_a_private_folder_removed_at_shutdown() {
    let emu = Emulator::start(EmulatorConfig {
        tls: Some(TlsConfig { cert_out: None }),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let ca = emu.ca_cert_path().unwrap().to_owned();
    let dir = ca.parent().unwrap().to_owned();
    assert!(ca.is_file());
    assert!(dir
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("remote-rendering-emulator-"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
    // Two emulators never share the folder.
    let other = Emulator::start(EmulatorConfig {
        tls: Some(TlsConfig { cert_out: None }),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    assert_ne!(other.ca_cert_path().unwrap().parent().unwrap(), dir);
    let other_dir = other.ca_cert_path().unwrap().parent().unwrap().to_owned();
    emu.shutdown().await;
    other.shutdown().await;
    assert!(!dir.exists(), "{} left behind", dir.display());
    assert!(!other_dir.exists(), "{} left behind", other_dir.display());
}

#[tokio::test]
async fn a_change_a_browser_sends_for_another_origin_is_refused() {
    // A page of any website can make a browser post a form to a loopback emulator.
    let env = Env::start().await;
    let advance = admin_url(&env, "/_emulator/clock/advance");
    let post = |headers: &'static [(&'static str, &'static str)]| {
        let mut req = env.http.post(&advance).body(r#"{"seconds":1}"#);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(post(&[("origin", "https://evil.example")]).await, 403);
    assert_eq!(post(&[("sec-fetch-site", "cross-site")]).await, 403);
    assert_eq!(
        post(&[
            ("origin", "http://127.0.0.1:1"),
            ("sec-fetch-site", "same-site")
        ])
        .await,
        403,
        "another port of this host is another origin"
    );
    // Programs, and the dashboard's own page, are served.
    assert_eq!(post(&[]).await, 200);
    let own = env.emu.endpoint().to_owned();
    let mut req = env.http.post(&advance).body(r#"{"seconds":1}"#);
    req = req
        .header("origin", own)
        .header("sec-fetch-site", "same-origin");
    assert_eq!(req.send().await.unwrap().status().as_u16(), 200);
    // A cross-site read changes nothing; a link to the dashboard from elsewhere still opens it.
    let stats = env
        .http
        .get(admin_url(&env, "/_emulator/stats"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(stats.status().as_u16(), 200);
}
