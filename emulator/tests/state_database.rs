//! The SQLite state database (`state_file`) and the store's indexes: revocations that survive
//! a restart, retention of ended resources, pages in creation order however the store
//! changes, and a database other tools can read.

mod common;

use common::{conversion_body, fast_config, send, Env};
use remote_rendering_emulator::EmulatorConfig;
use reqwest::Method;
use std::path::Path;
use std::time::Duration;

fn with_state(path: &Path) -> EmulatorConfig {
    EmulatorConfig {
        state_file: Some(path.to_owned()),
        ..fast_config()
    }
}

#[tokio::test]
async fn revoked_tokens_stay_revoked_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let env = Env::with(with_state(&state)).await;
    assert_eq!(env.put_session("s1", 10, "Standard").await.status, 201);
    let old_token = env.token.clone();
    let revoke = send(
        &env.http,
        Method::POST,
        &format!(
            "{}/_emulator/accounts/{}/revoke-tokens",
            env.emu.endpoint(),
            env.account()
        ),
        None,
        None,
    )
    .await;
    assert_eq!(revoke.status, 204);
    env.emu.shutdown().await;

    let env = Env::with(with_state(&state)).await;
    let url = env.url("/sessions/s1");
    let old = send(&env.http, Method::GET, &url, None, Some(&old_token)).await;
    assert_eq!(
        old.status, 401,
        "a token revoked before the restart is still refused"
    );
    let new = send(&env.http, Method::GET, &url, None, Some(&env.token)).await;
    assert_eq!(new.status, 200, "a token issued after it works");
    // The library's own revoke is saved too.
    env.emu.revoke_tokens(env.account()).unwrap();
    let token = env.token.clone();
    env.emu.shutdown().await;
    let env = Env::with(with_state(&state)).await;
    let again = send(
        &env.http,
        Method::GET,
        &env.url("/sessions/s1"),
        None,
        Some(&token),
    )
    .await;
    assert_eq!(again.status, 401);
}

#[tokio::test]
async fn with_retention_ended_resources_are_deleted_after_it_and_not_before() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let env = Env::with(EmulatorConfig {
        retention: Some(Duration::from_secs(600)),
        ..with_state(&state)
    })
    .await;
    for id in ["stopped", "running", "expiring"] {
        let lease = if id == "expiring" { 2 } else { 60 };
        assert_eq!(env.put_session(id, lease, "Standard").await.status, 201);
    }
    env.put_conversion("c1", conversion_body("acct", "a.fbx"))
        .await;
    assert_eq!(env.stop_session("stopped").await.status, 204);
    env.advance(300);
    // Ended, but within the retention: still readable.
    assert_eq!(env.get_session("stopped").await.body["status"], "Stopped");
    assert_eq!(env.get_conversion("c1").await.body["status"], "Succeeded");
    env.advance(700);
    assert_eq!(env.get_session("stopped").await.status, 404);
    assert_eq!(env.get_conversion("c1").await.status, 404);
    assert_eq!(env.get_session("running").await.body["status"], "Ready");
    // "expiring" expired 2 minutes after Ready (60 s start-up): 180 s + 600 s < 1000 s.
    assert_eq!(env.get_session("expiring").await.status, 404);
    // The periodic sweep has deleted the rows too.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(common::stored_ids(&state, "sessions"), ["running"]);
    assert!(common::stored_ids(&state, "conversions").is_empty());
    env.emu.shutdown().await;
    let env = Env::with(EmulatorConfig {
        retention: Some(Duration::from_secs(600)),
        ..with_state(&state)
    })
    .await;
    assert_eq!(env.get_session("stopped").await.status, 404);
    assert_eq!(env.get_session("running").await.status, 200);
}

#[tokio::test]
async fn without_retention_ended_resources_stay_readable() {
    let env = Env::start().await;
    env.put_session("s", 1, "Standard").await;
    env.stop_session("s").await;
    env.advance(365 * 24 * 3600);
    assert_eq!(env.get_session("s").await.body["status"], "Stopped");
}

#[tokio::test]
async fn pages_follow_creation_order_while_sessions_end_and_are_created() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let env = Env::with(EmulatorConfig {
        page_size: 3,
        ..with_state(&state)
    })
    .await;
    for i in 0..10 {
        env.put_session(&format!("s{i}"), 60, "Standard").await;
    }
    for i in [1, 4, 5, 9] {
        env.stop_session(&format!("s{i}")).await;
    }
    let (items, pages) = env.list_all("sessions").await;
    let ids: Vec<&str> = items.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["s0", "s2", "s3", "s6", "s7", "s8"]);
    assert_eq!(pages, 2);
    // Walked again after a restart: the same order, the same pages.
    env.emu.shutdown().await;
    let env = Env::with(EmulatorConfig {
        page_size: 3,
        ..with_state(&state)
    })
    .await;
    let (again, _) = env.list_all("sessions").await;
    assert_eq!(again, items);
    env.put_session("s10", 60, "Standard").await;
    let (after, _) = env.list_all("sessions").await;
    assert_eq!(after.last().unwrap()["id"], "s10", "new sessions come last");
}

#[tokio::test]
async fn the_database_is_sqlite_in_wal_mode_with_a_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let env = Env::with(with_state(&state)).await;
    env.put_session("s1", 10, "Standard").await;
    let db = rusqlite::Connection::open(&state).unwrap();
    let mode: String = db
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let version: i64 = db
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
    let lease: i64 = db
        .query_row(
            "SELECT json_extract(record, '$.lease') FROM sessions WHERE id = 's1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(lease, 10);
    let plan: String = db
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id FROM sessions WHERE account = ?1 AND seq > ?2 ORDER BY seq LIMIT 100",
            [env.account(), "0"],
            |r| r.get(3),
        )
        .unwrap();
    assert!(
        plan.contains("sessions_by_seq"),
        "a page uses the index: {plan}"
    );
    drop(db);
    env.emu.shutdown().await;
}
