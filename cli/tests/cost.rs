//! Cost: accrued and projected from the size, `elapsedTimeMinutes` and the lease at the rates
//! the user gives (flags or the config's `costRates`; none assumed), in show and list (text and
//! JSON); `--budget` refusing a lease, and stopping a kept-alive session on the scaled clock.

mod common;

use common::*;
use remote_rendering::{SessionSize, SessionStatus};
use remote_rendering_emulator::EmulatorConfig;
use serde_json::json;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_and_list_give_the_accrued_and_projected_cost_at_the_users_rates() {
    let emu = emulator().await;
    client(&emu)
        .start_session("s-cost", SessionSize::Standard, 30)
        .await
        .unwrap();
    emu.advance_clock(Duration::from_secs(61)); // Ready
    emu.advance_clock(Duration::from_secs(10 * 60)); // 10 minutes used
    let dir = workdir();
    let rate = ["--rate-standard", "6"];
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[&["session", "show", "s-cost"][..], &rate].concat(),
    ));
    out.expect_code(0);
    assert!(
        out.stdout
            .contains("cost        1.00 so far, 3.00 for the whole lease (at 6.00 an hour)"),
        "{}",
        out.stdout
    );
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            &["session", "show", "s-cost", "--output", "json"][..],
            &rate,
        ]
        .concat(),
    ));
    assert_eq!(
        out.json()["cost"],
        json!({ "ratePerHour": 6.0, "accrued": 1.0, "projected": 3.0 })
    );
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[&["session", "list"][..], &rate].concat(),
    ));
    assert!(out.stdout.contains("COST (SO FAR/ALL)"), "{}", out.stdout);
    assert!(out.stdout.contains("1.00 / 3.00"), "{}", out.stdout);
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[&["session", "list", "--output", "json"][..], &rate].concat(),
    ));
    assert_eq!(out.json()[0]["cost"]["accrued"], 1.0);

    // No rate, no cost: none is assumed.
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "show", "s-cost", "--output", "json"],
    ));
    assert!(out.json().get("cost").is_none());
    let out = run(arrctl_at(&emu, dir.path(), &["session", "show", "s-cost"]));
    assert!(!out.stdout.contains("\ncost "), "{}", out.stdout);

    // The rates from the config file; a premium rate alone says the standard one is missing.
    write_config(
        &dir.path().join("arrconfig.json"),
        &json!({ "costRates": { "standardPerHour": 12 } }),
    );
    let out = run(arrctl_at(&emu, dir.path(), &["session", "show", "s-cost"]));
    assert!(
        out.stdout.contains("cost        2.00 so far, 6.00"),
        "{}",
        out.stdout
    );
    std::fs::remove_file(dir.path().join("arrconfig.json")).unwrap();
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "show", "s-cost", "--rate-premium", "20"],
    ));
    assert!(
        out.stdout.contains("cost        unknown") && out.stdout.contains("standard_per_hour"),
        "{}",
        out.stdout
    );
    // A bad rate is a usage error naming the flag, before anything is sent.
    let before = emu.stats().requests;
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "list", "--rate-standard=-3"],
    ));
    out.expect_code(2);
    assert!(out.stderr.contains("--rate-standard"), "{}", out.stderr);
    assert_eq!(emu.stats().requests, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_refuses_a_lease_over_the_budget_before_sending_anything() {
    let emu = emulator().await;
    let dir = workdir();
    // 60 minutes at 6 an hour cost 6.00.
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "start",
            "--id",
            "s-b",
            "--lease",
            "60",
            "--budget",
            "5",
            "--rate-standard",
            "6",
        ],
    ));
    out.expect_code(2);
    assert!(out.stderr.contains("--budget"), "{}", out.stderr);
    assert!(out.stderr.contains("6.00"), "{}", out.stderr);
    // Without the size's rate the budget cannot be kept: refused, naming what to pass.
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &["session", "start", "--id", "s-b", "--budget", "5"],
    ));
    out.expect_code(2);
    assert!(out.stderr.contains("--rate-standard"), "{}", out.stderr);
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "start",
            "--id",
            "s-b",
            "--size",
            "premium",
            "--budget",
            "5",
            "--rate-standard",
            "6",
        ],
    ));
    out.expect_code(2);
    assert!(out.stderr.contains("--rate-premium"), "{}", out.stderr);
    assert_eq!(emu.stats().requests, 0);
    // Within the budget it starts.
    run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "start",
            "--id",
            "s-b",
            "--lease",
            "50",
            "--budget",
            "5",
            "--rate-standard",
            "6",
        ],
    ))
    .expect_code(0);
    assert_eq!(session(&emu, "s-b").await.lease_minutes, Some(50));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_with_a_budget_extends_while_it_pays_then_stops_the_session() {
    // Four emulated minutes a real second, Ready at once.
    let emu = emulator_with(EmulatorConfig {
        time_scale: 240.0,
        startup_delay: Duration::ZERO,
        ..EmulatorConfig::default()
    })
    .await;
    let dir = workdir();
    // 0.10 a minute. The keeper extends by 10 when 5 are left: 10 → 20 (2.00) fits 2.50; at 15
    // minutes used the next step (30: 3.00) would not, so it stops the session instead.
    let out = run(arrctl_at(
        &emu,
        dir.path(),
        &[
            "session",
            "start",
            "--id",
            "s-budget",
            "--lease",
            "10",
            "--keep-alive",
            "--budget",
            "2.5",
            "--rate-standard",
            "6",
            "--poll-interval",
            "0.1",
        ],
    ));
    out.expect_code(1);
    let last = out.stderr_lines().last().copied().unwrap_or_default();
    assert_eq!(
        last,
        "stopped session s-budget: the next extension of its lease would pass the budget of 2.50",
        "{}",
        out.stderr
    );
    // The minutes used of the lease, and the cost, were shown on the way.
    assert!(
        out.stderr.contains("session s-budget: Ready, ")
            && out.stderr.contains("minutes of the lease used, cost "),
        "{}",
        out.stderr
    );
    let s = session(&emu, "s-budget").await;
    assert_eq!(s.status, SessionStatus::Stopped);
    assert_eq!(s.lease_minutes, Some(20));
    assert!(s.elapsed_minutes.unwrap() < 20, "{s:?}");
    assert_eq!(emu.stats().route("update_session"), 1);
}
