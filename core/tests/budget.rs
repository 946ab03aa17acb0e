//! The lease keeper's budget: it never extends a lease past what the budget pays for, and stops
//! the session when the next step would pass it. On the emulator's fast clock (a minute in 0.1 s).

mod common;

use common::*;
use remote_rendering::*;
use remote_rendering_emulator::EmulatorConfig;
use std::time::Duration;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn fast_config() -> EmulatorConfig {
    EmulatorConfig {
        time_scale: 600.0,
        startup_delay: Duration::ZERO,
        ..slow_config()
    }
}

/// 6 per hour: 0.10 a minute.
fn rates() -> CostRates {
    CostRates::new(Some(6.0), None).unwrap()
}

fn budgeted(budget: f64) -> LeaseOptions {
    LeaseOptions {
        step_minutes: 2,
        margin_minutes: 1,
        max_total_minutes: 20,
        check_interval: ms(20),
        budget: Some(budget),
        cost_rates: Some(rates()),
        ..LeaseOptions::default()
    }
}

async fn until_finished(keeper: &LeaseKeeper, leases: &mut Vec<i64>) {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(s) = keeper.latest() {
                let l = s.lease_minutes.unwrap_or(0);
                if leases.last() != Some(&l) {
                    leases.push(l);
                }
            }
            if keeper.is_finished() {
                return;
            }
            tokio::time::sleep(ms(5)).await;
        }
    })
    .await
    .expect("the keeper finishes within 10 s");
}

#[tokio::test]
async fn the_keeper_stops_the_session_when_the_next_extension_would_pass_the_budget() {
    let env = Env::with(fast_config()).await;
    let c = &env.client;
    c.start_session("budget-stop", SessionSize::Standard, 2)
        .await
        .unwrap();
    // 2 minutes cost 0.20, 4 cost 0.40, 6 would cost 0.60: one extension, then a stop.
    let keeper = c.keep_alive("budget-stop", budgeted(0.45)).unwrap();
    let mut leases = Vec::new();
    until_finished(&keeper, &mut leases).await;
    assert!(keeper.stopped_by_budget());
    assert_eq!(keeper.extensions(), 1);
    assert_eq!(env.requests("update_session"), 1, "never extended past 4");
    assert_eq!(env.requests("stop_session"), 1);
    let last = keeper.latest().unwrap();
    assert_eq!(last.status, SessionStatus::Stopped, "{last:?}");
    assert_eq!(last.lease_minutes, Some(4));
    assert!(
        last.elapsed_minutes.unwrap() < 4,
        "stopped before the lease ran out"
    );
    assert!(leases.iter().all(|l| *l <= 4), "{leases:?}");
    keeper.close().await.unwrap();
}

#[tokio::test]
async fn without_a_budget_the_same_keeper_extends_up_to_its_cap() {
    let env = Env::with(fast_config()).await;
    let c = &env.client;
    c.start_session("budget-none", SessionSize::Standard, 2)
        .await
        .unwrap();
    let keeper = c
        .keep_alive(
            "budget-none",
            LeaseOptions {
                budget: None,
                max_total_minutes: 6,
                ..budgeted(0.45)
            },
        )
        .unwrap();
    let mut leases = Vec::new();
    until_finished(&keeper, &mut leases).await;
    assert!(!keeper.stopped_by_budget());
    assert_eq!(keeper.extensions(), 2);
    assert_eq!(keeper.latest().unwrap().status, SessionStatus::Expired);
}

#[tokio::test]
async fn a_size_without_a_rate_is_stopped_rather_than_run_unbounded() {
    let env = Env::with(fast_config()).await;
    let c = &env.client;
    c.start_session("budget-premium", SessionSize::Premium, 2)
        .await
        .unwrap();
    let keeper = c.keep_alive("budget-premium", budgeted(100.0)).unwrap();
    let mut leases = Vec::new();
    until_finished(&keeper, &mut leases).await;
    assert!(keeper.stopped_by_budget());
    assert_eq!(env.requests("update_session"), 0);
    assert_eq!(keeper.latest().unwrap().status, SessionStatus::Stopped);
}

#[tokio::test]
async fn bad_budgets_and_rates_are_refused_naming_the_field_before_anything_is_sent() {
    let env = Env::start().await;
    let c = &env.client;
    let cases = [
        (
            LeaseOptions {
                budget: Some(5.0),
                ..LeaseOptions::default()
            },
            "lease.cost_rates",
        ),
        (
            LeaseOptions {
                budget: Some(-1.0),
                cost_rates: Some(rates()),
                ..LeaseOptions::default()
            },
            "lease.budget",
        ),
        (
            LeaseOptions {
                budget: Some(f64::INFINITY),
                cost_rates: Some(rates()),
                ..LeaseOptions::default()
            },
            "lease.budget",
        ),
        (
            LeaseOptions {
                cost_rates: Some(CostRates {
                    standard_per_hour: Some(-2.0),
                    premium_per_hour: None,
                }),
                ..LeaseOptions::default()
            },
            "lease.cost_rates.standard_per_hour",
        ),
        (
            LeaseOptions {
                budget: Some(1.0),
                cost_rates: Some(CostRates::default()),
                ..LeaseOptions::default()
            },
            "lease.cost_rates",
        ),
    ];
    for (options, field) in cases {
        let e = c.keep_alive("any-session", options.clone()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{field}");
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(e.message().starts_with(field), "{e}");
    }
    // open_session refuses a first lease the budget does not pay for: 30 minutes at 6 an hour
    // cost 3.00.
    let e = c
        .open_session(SessionOptions {
            lease_minutes: 30,
            keep_alive: Some(budgeted(2.5)),
            ..SessionOptions::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("lease.budget"), "{e}");
    assert!(e.message().contains("3.00"), "{e}");
    let e = c
        .open_session(SessionOptions {
            size: SessionSize::Premium,
            keep_alive: Some(budgeted(2.5)),
            ..SessionOptions::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("lease.cost_rates.premium_per_hour"), "{e}");
    assert_eq!(env.emu.stats().requests, 0, "nothing sent");
}
