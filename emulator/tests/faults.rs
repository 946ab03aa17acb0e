//! Fault injection over real connections: rates within tolerance for a fixed seed, the same
//! sequence for the same seed, and each kind doing what it says.

mod common;

use common::*;
use remote_rendering_emulator::{EmulatorConfig, FaultPlan};
use reqwest::Method;
use std::time::{Duration, Instant};

async fn statuses(env: &Env, n: usize) -> Vec<u16> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let r = env
            .http
            .get(env.url("/sessions"))
            .bearer_auth(&env.token)
            .send()
            .await;
        out.push(match r {
            Ok(resp) => resp.status().as_u16(),
            Err(_) => 0,
        });
    }
    out
}

#[tokio::test]
async fn rates_hold_within_tolerance_and_repeat_for_a_seed() {
    let env = Env::start().await;
    let plan = FaultPlan::parse("429:3=0.2@list_sessions,503=0.1@list_sessions,500=0.05").unwrap();
    env.emu.set_faults(plan.clone(), 42);
    let first = statuses(&env, 1000).await;
    let count = |s: u16| first.iter().filter(|&&x| x == s).count();
    // 429: 20%; 503: 10% of the remaining 80% = 8%; 500: 5% of the remaining 72% = 3.6%.
    assert!((160..=240).contains(&count(429)), "429: {}", count(429));
    assert!((50..=110).contains(&count(503)), "503: {}", count(503));
    assert!((15..=60).contains(&count(500)), "500: {}", count(500));
    assert_eq!(count(200) + count(429) + count(503) + count(500), 1000);

    env.emu.set_faults(plan, 42);
    let second = statuses(&env, 1000).await;
    assert_eq!(first, second, "same seed, same sequence");

    let stats = env.emu.stats();
    assert_eq!(stats.faults["429"] as usize, 2 * count(429));
    assert_eq!(stats.route("list_sessions"), 2000);
}

#[tokio::test]
async fn throttling_answers_429_with_retry_after_and_does_nothing() {
    let env = Env::start().await;
    env.emu
        .set_faults(FaultPlan::parse("429:7=1@create_session").unwrap(), 1);
    let a = env.put_session("t", 5, "Standard").await;
    assert_eq!(a.status, 429);
    assert_eq!(a.header("retry-after"), Some("7"));
    assert!(a.header("ms-cv").is_some());
    env.emu.clear_faults();
    assert_eq!(
        env.get_session("t").await.status,
        404,
        "the throttled PUT created nothing"
    );
    env.emu.set_faults(FaultPlan::parse("503:2=1").unwrap(), 1);
    let a = env.get_session("t").await;
    assert_eq!(a.status, 503);
    assert_eq!(a.header("retry-after"), Some("2"));
    env.emu.set_faults(FaultPlan::parse("500=1").unwrap(), 1);
    let a = env.get_session("t").await;
    assert_eq!(a.status, 500);
    assert_eq!(
        a.text,
        r#"{"error":{"code":"InternalServerError","message":"An internal server error occurred."}}"#
    );
}

#[tokio::test]
async fn reset_drops_the_connection_before_the_request_takes_effect() {
    let env = Env::start().await;
    env.emu
        .set_faults(FaultPlan::parse("reset=1@create_session").unwrap(), 1);
    let err = env
        .http
        .put(env.url("/sessions/r1"))
        .bearer_auth(&env.token)
        .json(&serde_json::json!({"maxLeaseTimeMinutes": 5, "size": "Standard"}))
        .send()
        .await
        .expect_err("the connection is reset");
    assert!(
        err.is_request() || err.is_connect() || err.to_string().contains("connection"),
        "{err}"
    );
    env.emu.clear_faults();
    assert_eq!(env.get_session("r1").await.status, 404);
}

#[tokio::test]
async fn reset_after_loses_the_answer_but_keeps_the_change() {
    let env = Env::start().await;
    env.emu
        .set_faults(FaultPlan::parse("reset-after=1@create_session").unwrap(), 1);
    let sent = env
        .http
        .put(env.url("/sessions/r2"))
        .bearer_auth(&env.token)
        .json(&serde_json::json!({"maxLeaseTimeMinutes": 5, "size": "Standard"}))
        .send()
        .await;
    assert!(sent.is_err(), "no answer arrives");
    env.emu.clear_faults();
    assert_eq!(
        env.get_session("r2").await.status,
        200,
        "the session exists"
    );
    // Retrying the PUT with the same settings is safe: 200, not a duplicate or a conflict.
    assert_eq!(env.put_session("r2", 5, "Standard").await.status, 200);
    assert_eq!(env.emu.stats().faults["reset-after"], 1);
}

#[tokio::test]
async fn delays_stall_then_answer() {
    let env = Env::start().await;
    env.emu
        .set_faults(FaultPlan::parse("delay:300ms=1@get_session").unwrap(), 1);
    env.put_session("d", 5, "Standard").await;
    let t = Instant::now();
    let a = env.get_session("d").await;
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(a.status, 200);
}

#[tokio::test]
async fn faults_from_the_config_apply_from_the_first_request() {
    let env = Env::with(EmulatorConfig {
        faults: FaultPlan::parse("500=1@list_conversions").unwrap(),
        seed: 5,
        ..fast_config()
    })
    .await;
    assert_eq!(
        env.call(Method::GET, "/conversions", None).await.status,
        500
    );
    assert_eq!(env.call(Method::GET, "/sessions", None).await.status, 200);
}
