//! `demo`, `completions`, help and version, and that no key or token ever reaches the output.

mod common;

use common::*;
use remote_rendering_emulator::{Account, EmulatorConfig};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_runs_a_whole_lifecycle() {
    let dir = workdir();
    let out = run(arrctl(dir.path(), &["demo"]));
    out.expect_code(0);
    assert!(out.stdout.contains("status      Ready"), "{}", out.stdout);
    assert!(
        out.stdout.contains("status      Succeeded"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("emulator running at"), "{}", out.stderr);
    assert!(
        out.stderr.contains("/_emulator/ while the demo runs"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(": Stopped"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_json_is_one_json_document() {
    let dir = workdir();
    let out = run(arrctl(dir.path(), &["demo", "--output", "json"]));
    out.expect_code(0);
    let _ = out.json();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_print_a_script() {
    let dir = workdir();
    for shell in ["bash", "zsh", "fish"] {
        let out = run(arrctl(dir.path(), &["completions", shell]));
        out.expect_code(0);
        assert!(out.stdout.len() > 200, "{shell}: {}", out.stdout);
        assert!(out.stdout.contains("arrctl"), "{shell}");
        assert!(out.stderr.is_empty(), "{shell}: {}", out.stderr);
    }
    let bash = run(arrctl(dir.path(), &["completions", "bash"]));
    assert!(bash.stdout.contains("complete "), "{}", bash.stdout);
    assert!(bash.stdout.contains("conversion"), "{}", bash.stdout);
    run(arrctl(dir.path(), &["completions", "cmd.exe"])).expect_code(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn man_prints_a_roff_page_naming_every_command() {
    let dir = workdir();
    let out = run(arrctl(dir.path(), &["man"]));
    out.expect_code(0);
    assert!(
        out.stdout.starts_with(".ie"),
        "{}",
        &out.stdout[..80.min(out.stdout.len())]
    );
    assert!(out.stdout.contains(".TH arrctl"), "no title header");
    for word in ["session", "conversion", "emulator", "demo", "completions"] {
        assert!(out.stdout.contains(word), "the page does not name {word}");
    }
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_and_version_exit_0_and_nothing_exits_2() {
    let dir = workdir();
    let out = run(arrctl(dir.path(), &["--version"]));
    out.expect_code(0);
    assert!(out.stdout.starts_with("arrctl "), "{}", out.stdout);
    let out = run(arrctl(dir.path(), &["--help"]));
    out.expect_code(0);
    for word in ["session", "conversion", "emulator", "demo", "completions"] {
        assert!(out.stdout.contains(word), "{word}: {}", out.stdout);
    }
    let out = run(arrctl(dir.path(), &["session", "start", "--help"]));
    out.expect_code(0);
    assert!(out.stdout.contains("--keep-alive"), "{}", out.stdout);
    let out = run(arrctl(dir.path(), &[]));
    out.expect_code(2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

/// Neither the key nor any access token (a JWT: `eyJhbGciOi…`) in anything arrctl prints.
fn assert_clean(out: &Out, secrets: &[&str], what: &str) {
    for s in secrets.iter().copied().chain(["eyJhbGciOi"]) {
        assert!(
            !out.stdout.contains(s),
            "{what}: stdout has {s:?}:\n{}",
            out.stdout
        );
        assert!(
            !out.stderr.contains(s),
            "{what}: stderr has {s:?}:\n{}",
            out.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_key_or_token_in_any_output() {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let key = format!("SeCrEtKeY{nanos}x{}", std::process::id());
    let wrong = format!("WrOnGkEy{nanos}y{}", std::process::id());
    let id = "0badc0de-1111-2222-3333-444455556666";
    let emu = emulator_with(EmulatorConfig {
        accounts: vec![Account::new(id, key.as_str())],
        startup_delay: Duration::from_secs(60),
        conversion_duration: Duration::from_secs(60),
        ..EmulatorConfig::default()
    })
    .await;
    assert_eq!(emu.account_key(), key);
    let dir = workdir();
    start_conversion(&emu, "c-k").await;
    let secrets = [key.as_str(), wrong.as_str()];

    let runs: &[(&[&str], i32)] = &[
        (&["session", "start", "--id", "s-k", "--lease", "30"], 0),
        (&["session", "show", "s-k"], 0),
        (&["session", "show", "s-k", "--output", "json"], 0),
        (&["session", "list"], 0),
        (&["session", "list", "--output", "json"], 0),
        (&["session", "extend", "s-k", "--lease", "60"], 0),
        (
            &[
                "session",
                "start",
                "--id",
                "s-k2",
                "--wait",
                "--timeout",
                "0.5",
                "--poll-interval",
                "0.1",
            ],
            5,
        ),
        (&["session", "show", "s-none"], 4),
        (&["session", "start", "--id", "s-k", "--size", "premium"], 7),
        (&["conversion", "list", "--output", "json"], 0),
        (&["conversion", "show", "c-k"], 0),
        (&["conversion", "show", "c-none"], 4),
        (&["session", "stop", "s-k"], 0),
    ];
    for (args, code) in runs {
        for verbose in [false, true] {
            let mut all: Vec<&str> = args.to_vec();
            if verbose {
                all.push("--verbose");
            }
            let out = run(arrctl_at(&emu, dir.path(), &all));
            out.expect_code(*code);
            if verbose {
                // The trace is on: the check sees requests and answers.
                assert!(out.stderr.contains("DEBUG"), "{all:?}: {}", out.stderr);
            }
            assert_clean(&out, &secrets, &format!("{all:?}"));
        }
    }

    // The key as a flag, right and wrong, with and without the trace.
    for verbose in [false, true] {
        let v = if verbose { "-v" } else { "--output=text" };
        let mut cmd = arrctl_at(
            &emu,
            dir.path(),
            &["session", "list", "--account-key", &key, v],
        );
        cmd.env_remove("ARR_ACCOUNT_KEY");
        let out = run(cmd);
        out.expect_code(0);
        assert_clean(&out, &secrets, "flag key");

        let out = run(arrctl_at(
            &emu,
            dir.path(),
            &["session", "start", "--account-key", &wrong, v],
        ));
        out.expect_code(3);
        assert_clean(&out, &secrets, "wrong flag key");

        let mut cmd = arrctl_at(&emu, dir.path(), &["session", "show", "s-k", v]);
        cmd.env("ARR_ACCOUNT_KEY", &wrong);
        let out = run(cmd);
        out.expect_code(3);
        assert_clean(&out, &secrets, "wrong env key");

        // Usage errors with the key on the command line.
        let out = run(arrctl_at(
            &emu,
            dir.path(),
            &[
                "session",
                "start",
                "--account-key",
                &key,
                "--lease",
                "soon",
                v,
            ],
        ));
        out.expect_code(2);
        assert_clean(&out, &secrets, "usage error");
        let out = run(arrctl_at(
            &emu,
            dir.path(),
            &["--account-key", &key, "session", "bogus", v],
        ));
        out.expect_code(2);
        assert_clean(&out, &secrets, "unknown subcommand");
    }

    // A broken config file with the key in it.
    let broken = workdir();
    std::fs::write(
        broken.path().join("arrconfig.json"),
        format!("{{\"accountSettings\": {{\"arrAccountKey\": \"{key}\", oops"),
    )
    .unwrap();
    let out = run(arrctl_at(&emu, broken.path(), &["session", "list", "-v"]));
    out.expect_code(2);
    assert_clean(&out, &secrets, "broken config");
    // A config whose key is wrong.
    let wrong_cfg = workdir();
    write_config(
        &wrong_cfg.path().join("arrconfig.json"),
        &serde_json::json!({
            "accountSettings": {
                "arrAccountId": id,
                "arrAccountKey": wrong,
                "arrAccountDomain": emu.sts_endpoint()
            },
            "renderingSessionSettings": {"remoteRenderingDomain": emu.endpoint()}
        }),
    );
    let out = run(arrctl(wrong_cfg.path(), &["session", "list", "--verbose"]));
    out.expect_code(3);
    assert_clean(&out, &secrets, "wrong config key");
}
