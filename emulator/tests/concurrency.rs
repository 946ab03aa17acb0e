//! Thousands of concurrent requests across many sessions: no error, consistent state.

mod common;

use common::*;
use reqwest::Method;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_concurrent_requests_leave_consistent_state() {
    const SESSIONS: usize = 300;
    const ROUNDS: usize = 10;
    let env = Arc::new(Env::start().await);
    // Create every session concurrently, each PUT twice (one 201, one 200).
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..SESSIONS {
        for _ in 0..2 {
            let env = env.clone();
            tasks.spawn(async move {
                env.put_session(&format!("s{i}"), 10, "Standard")
                    .await
                    .status
                    .as_u16()
            });
        }
    }
    let mut created = 0;
    let mut existing = 0;
    while let Some(r) = tasks.join_next().await {
        match r.unwrap() {
            201 => created += 1,
            200 => existing += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(
        (created, existing),
        (SESSIONS, SESSIONS),
        "each id created exactly once"
    );

    // Mixed traffic: GETs, lease updates to distinct values, lists, and stops of a third.
    let mut tasks = tokio::task::JoinSet::new();
    for round in 0..ROUNDS {
        for i in 0..SESSIONS {
            let env = env.clone();
            tasks.spawn(async move {
                let id = format!("s{i}");
                let a = match (round, i % 3) {
                    (0, 0) => env.stop_session(&id).await,
                    (_, 1) => env.patch_session(&id, 11 + round as i64).await,
                    (r, _) if r % 4 == 0 => env.call(Method::GET, "/sessions", None).await,
                    _ => env.get_session(&id).await,
                };
                (round, i, a.status.as_u16())
            });
        }
    }
    let mut requests = 2 * SESSIONS;
    while let Some(r) = tasks.join_next().await {
        let (round, i, status) = r.unwrap();
        requests += 1;
        match (round, i % 3) {
            // Concurrent PATCHes of one session race: each either grows the lease or finds a
            // larger one already set (422). Anything else is an error.
            (_, 1) => assert!(status == 200 || status == 422, "patch s{i}: {status}"),
            (0, 0) => assert_eq!(status, 204),
            _ => assert_eq!(status, 200, "s{i} round {round}"),
        }
    }
    assert!(requests >= 3000, "{requests}");

    // Final state: a third stopped, every patched session at the largest lease asked for.
    let (listed, _) = env.list_all("sessions").await;
    assert_eq!(listed.len(), SESSIONS - SESSIONS.div_ceil(3));
    for i in 0..SESSIONS {
        let g = env.get_session(&format!("s{i}")).await;
        match i % 3 {
            0 => assert_eq!(g.body["status"], "Stopped"),
            1 => assert_eq!(
                g.body["maxLeaseTimeMinutes"],
                11 + ROUNDS as i64 - 1,
                "s{i}"
            ),
            _ => assert_eq!(g.body["maxLeaseTimeMinutes"], 10),
        }
    }
    let stats = env.emu.stats();
    // Plus the STS call, the two list pages and the final GETs.
    assert_eq!(stats.requests as usize, 1 + requests + 2 + SESSIONS);
}
