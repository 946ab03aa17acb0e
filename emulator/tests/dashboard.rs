//! The dashboard's HTTP side: its page and assets, its state JSON (sessions, lease bars,
//! conversions, the request log, stats, faults, clock), the stop action, what never appears in
//! it (keys, tokens, SAS strings), and its access: exactly that of the other admin endpoints.
//! (The page itself is tested in a real browser by `make test-dashboard`.)

mod common;

use common::{send, Env, V};
use remote_rendering_emulator::{EmulatorConfig, FaultPlan, SecretString};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::net::SocketAddr;

const INPUT_SAS: &str = "sv=2020-08-04&sp=rl&sig=DashboardInputSasSecret0001";
const OUTPUT_SAS: &str = "sv=2020-08-04&sp=rwl&sig=DashboardOutputSasSecret0002";

fn conversion_body(name: &str) -> Value {
    json!({ "settings": {
        "inputLocation": {
            "storageContainerUri": "https://demo.blob.core.windows.net/input",
            "storageContainerReadListSas": INPUT_SAS,
            "blobPrefix": "models",
            "relativeInputAssetPath": format!("{name}.fbx"),
        },
        "outputLocation": {
            "storageContainerUri": "https://demo.blob.core.windows.net/output",
            "storageContainerWriteSas": OUTPUT_SAS,
        },
    }})
}

async fn admin(env: &Env, method: Method, path: &str, body: Option<Value>) -> common::Answer {
    let url = format!("{}/_emulator{path}", env.emu.endpoint());
    send(&env.http, method, &url, body, None).await
}

async fn state(env: &Env, since: u64) -> Value {
    let a = admin(
        env,
        Method::GET,
        &format!("/dashboard/state?since={since}"),
        None,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.header("cache-control"), Some("no-store"));
    a.body
}

fn find<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {list}"))
}

#[tokio::test]
async fn the_page_and_its_assets_are_served_from_the_binary() {
    let env = Env::start().await;
    for (path, kind) in [
        ("/", "text/html"),
        ("", "text/html"),
        ("/dashboard/app.js", "text/javascript"),
        ("/dashboard/app.css", "text/css"),
    ] {
        let resp = env
            .http
            .get(format!("{}/_emulator{path}", env.emu.endpoint()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        let header = |n: &str| resp.headers()[n].to_str().unwrap().to_owned();
        assert!(header("content-type").starts_with(kind), "{path}");
        assert!(header("content-security-policy").contains("default-src 'none'"));
        assert_eq!(header("x-content-type-options"), "nosniff");
        let text = resp.text().await.unwrap();
        if kind == "text/html" {
            assert!(text.contains(r#"src="/_emulator/dashboard/app.js""#));
        }
    }
    let post = admin(&env, Method::POST, "/", None).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.header("allow"), Some("GET"));
    let missing = admin(&env, Method::GET, "/dashboard/nothing", None).await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn state_shows_sessions_with_their_lease_and_marks_expiring_ones() {
    let env = Env::start().await;
    assert_eq!(env.put_session("short", 10, "Standard").await.status, 201);
    assert_eq!(env.put_session("long", 60, "Premium").await.status, 201);

    let s = state(&env, 0).await;
    let account = &s["accounts"][0];
    assert_eq!(account["id"], env.account());
    assert_eq!(account["sessionCount"], 2);
    let short = find(&account["sessions"], "short");
    assert_eq!(short["status"], "Starting");
    assert_eq!(short["size"], "Standard");
    assert_eq!(short["leaseMinutes"], 10);
    assert_eq!(short["hostname"], Value::Null);

    env.advance(60 + 6 * 60); // Ready, then 6 minutes of a 10-minute lease
    let s = state(&env, 0).await;
    let sessions = &s["accounts"][0]["sessions"];
    let short = find(sessions, "short");
    assert_eq!(short["status"], "Ready");
    assert_eq!(short["elapsedMinutes"], 6);
    assert_eq!(short["remainingMinutes"], 4);
    assert_eq!(short["expiring"], true);
    assert!(short["hostname"]
        .as_str()
        .unwrap()
        .contains("remoterendering"));
    assert!(short["handshakePort"].is_u64() && short["arrInspectorPort"].is_u64());
    assert_eq!(find(sessions, "long")["expiring"], false);
    assert_eq!(s["expiringMinutes"], 5);

    // Stopped by the dashboard's action: still shown (the API's list drops it), ended.
    let stopped = admin(
        &env,
        Method::POST,
        &format!("/accounts/{}/sessions/long/stop", env.account()),
        None,
    )
    .await;
    assert_eq!(stopped.status, 200, "{}", stopped.text);
    assert_eq!(stopped.body["status"], "Stopped");
    assert_eq!(env.get_session("long").await.body["status"], "Stopped");
    let s = state(&env, 0).await;
    let long = find(&s["accounts"][0]["sessions"], "long");
    assert_eq!(
        (&long["status"], &long["ended"]),
        (&json!("Stopped"), &json!(true))
    );
    let unknown = admin(
        &env,
        Method::POST,
        &format!("/accounts/{}/sessions/nope/stop", env.account()),
        None,
    )
    .await;
    assert_eq!(unknown.status, 404);

    // Expired at the end of the lease; newest first.
    env.advance(5 * 60);
    let s = state(&env, 0).await;
    let sessions = s["accounts"][0]["sessions"].as_array().unwrap();
    assert_eq!(sessions[0]["id"], "long");
    assert_eq!(sessions[1]["status"], "Expired");
    assert_eq!(sessions[1]["expiring"], false);
}

#[tokio::test]
async fn conversions_show_locations_and_errors_but_never_a_sas() {
    let env = Env::start().await;
    assert_eq!(
        env.put_conversion("ok", conversion_body("engine"))
            .await
            .status,
        201
    );
    assert_eq!(
        env.put_conversion("bad", conversion_body("broken"))
            .await
            .status,
        201
    );
    let failed = admin(
        &env,
        Method::POST,
        &format!("/accounts/{}/conversions/bad/fail", env.account()),
        Some(json!({"code": "InvalidInput", "message": "the model is broken"})),
    )
    .await;
    assert_eq!(failed.status, 200);

    let a = admin(&env, Method::GET, "/dashboard/state", None).await;
    for secret in [
        INPUT_SAS,
        OUTPUT_SAS,
        "Secret000",
        env.emu.account_key(),
        &env.token,
    ] {
        assert!(!a.text.contains(secret), "{secret} in the state");
    }
    let conversions = &a.body["accounts"][0]["conversions"];
    let ok = find(conversions, "ok");
    assert_eq!(ok["status"], "Running");
    assert_eq!(
        ok["input"],
        "https://demo.blob.core.windows.net/input/models/engine.fbx"
    );
    assert_eq!(
        ok["output"],
        "https://demo.blob.core.windows.net/output/engine.arrAsset"
    );
    let bad = find(conversions, "bad");
    assert_eq!(bad["status"], "Failed");
    assert_eq!(
        bad["error"],
        json!({"code": "InvalidInput", "message": "the model is broken"})
    );

    env.advance(3600);
    let s = state(&env, 0).await;
    let ok = find(&s["accounts"][0]["conversions"], "ok");
    assert_eq!(ok["status"], "Succeeded");
    assert_eq!(
        ok["outputAssetUri"],
        "https://demo.blob.core.windows.net/output/engine.arrAsset"
    );
}

#[tokio::test]
async fn the_request_log_keeps_route_path_status_and_ms_cv_only() {
    let env = Env::start().await;
    let before = state(&env, 0).await["requests"]["last"].as_u64().unwrap();
    assert_eq!(before, 1, "the STS call of the fixture");
    env.put_session("s1", 10, "Standard").await;
    let get = env
        .call_with(
            Method::GET,
            &format!("{}&sig=QuerySecret42", env.url("/sessions/s1")),
            None,
            Some(&env.token),
        )
        .await;
    assert_eq!(get.status, 200);
    env.emu
        .set_faults(FaultPlan::parse("500=1@get_session").unwrap(), 1);
    assert_eq!(env.get_session("s1").await.status, 500);
    env.emu.clear_faults();
    let unknown = send(
        &env.http,
        Method::GET,
        &format!("{}/nothing/here?{V}", env.emu.endpoint()),
        None,
        None,
    )
    .await;
    assert_eq!(unknown.status, 404);
    // Admin and dashboard requests are not logged.
    admin(&env, Method::GET, "/stats", None).await;

    let page = state(&env, before).await["requests"].clone();
    assert_eq!(page["last"], before + 4);
    assert_eq!(page["gap"], false);
    let entries = page["entries"].as_array().unwrap();
    let routes: Vec<&str> = entries
        .iter()
        .map(|e| e["route"].as_str().unwrap())
        .collect();
    assert_eq!(
        routes,
        ["create_session", "get_session", "get_session", "unknown"]
    );
    let e = &entries[1];
    assert_eq!(e["method"], "GET");
    assert_eq!(
        e["path"],
        format!("/accounts/{}/sessions/s1", env.account())
    );
    assert_eq!(e["status"], 200);
    assert_eq!(e["msCv"].as_str(), get.header("ms-cv"));
    assert!(e["latencyMs"].as_f64().unwrap() >= 0.0);
    assert_eq!(entries[2]["status"], 500);
    assert_eq!(entries[3]["path"], "/nothing/here");
    let text = serde_json::to_string(&page).unwrap();
    assert!(!text.contains("QuerySecret42") && !text.contains("api-version"));
    assert!(!text.contains(&env.token));

    // The cursor: nothing new since the last entry.
    let last = page["last"].as_u64().unwrap();
    assert_eq!(state(&env, last).await["requests"]["entries"], json!([]));

    // Stats by route, faults and clock ride along.
    let s = state(&env, last).await;
    assert_eq!(s["stats"]["byRoute"]["get_session"]["requests"], 2);
    assert_eq!(s["stats"]["faults"]["500"], 1);
    assert_eq!(s["faults"]["spec"], "");
    assert!(s["faults"]["routes"]
        .as_array()
        .unwrap()
        .contains(&json!("get_session")));
    assert_eq!(s["clock"]["timeScale"], 1.0);
}

/// A local address of this machine other than loopback, if it has one.
fn non_loopback_ip() -> Option<std::net::IpAddr> {
    // Connecting a UDP socket sends nothing; it only picks the source address of a route.
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

/// Whatever the admin access rule decides for a caller, it decides the same for the
/// dashboard's page, its assets and its state: they are admin routes.
#[tokio::test]
async fn the_dashboard_is_reachable_exactly_when_the_admin_endpoints_are() {
    // Beyond loopback the admin API needs its credential: the dashboard goes through the same
    // gate, whichever address the request comes in on.
    const ADMIN: &str = "dashboard-parity-admin-credential";
    let env = Env::with(EmulatorConfig {
        listen: "0.0.0.0:0".parse().unwrap(),
        allow_remote: true,
        admin_token: Some(SecretString::new(ADMIN)),
        ..common::fast_config()
    })
    .await;
    let port = env
        .emu
        .endpoint()
        .rsplit(':')
        .next()
        .unwrap()
        .parse::<u16>()
        .unwrap();
    let mut hosts = vec![SocketAddr::from(([127, 0, 0, 1], port))];
    match non_loopback_ip() {
        Some(ip) => hosts.push(SocketAddr::new(ip, port)),
        None => eprintln!("no non-loopback address here: only loopback is compared"),
    }
    for host in hosts {
        let status = |path: &'static str, credential: Option<(&'static str, String)>| {
            let http = env.http.clone();
            async move {
                let mut req = http.get(format!("http://{host}/_emulator{path}"));
                if let Some((name, value)) = credential {
                    req = req.header(name, value);
                }
                req.send().await.map(|r| r.status().as_u16()).unwrap_or(0)
            }
        };
        // The reference: endpoints that are admin endpoints by any rule (they change state or
        // show it), unlike a health check, which an access rule might leave open.
        let reference = status("/stats", None).await;
        assert_eq!(reference, 401, "{host}: the admin API needs its credential");
        assert_eq!(status("/faults", None).await, reference, "{host}/faults");
        for path in [
            "/",
            "/dashboard/app.js",
            "/dashboard/app.css",
            "/dashboard/state",
        ] {
            assert_eq!(status(path, None).await, reference, "{host}{path}");
            let bearer = ("authorization", format!("Bearer {ADMIN}"));
            assert_eq!(
                status(path, Some(bearer)).await,
                200,
                "{host}{path} with the credential"
            );
            // A browser carries it as the admin cookie.
            let cookie = ("cookie", format!("arr-emulator-admin={ADMIN}"));
            assert_eq!(
                status(path, Some(cookie)).await,
                200,
                "{host}{path} with the cookie"
            );
        }
    }
}
