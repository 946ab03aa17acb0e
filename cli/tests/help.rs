//! Help as a new user reads it: the client's flags under their own headings, the emulator's
//! help with its own flags only, sizes as values the shells complete, ids explained.

mod common;

use common::*;

fn help(args: &[&str]) -> String {
    let dir = workdir();
    let out = run(arrctl(dir.path(), args));
    out.expect_code(0);
    out.stdout
}

#[test]
fn global_flags_are_under_their_own_headings() {
    let long = help(&["session", "start", "--help"]);
    for heading in ["Account:", "Cost:", "Output:", "Waits:"] {
        assert_eq!(long.matches(heading).count(), 1, "{heading}\n{long}");
    }
    // Under "Options:" only the command's own flags.
    let options = long.split("Account:").next().unwrap();
    assert!(options.contains("--keep-alive"), "{long}");
    assert!(!options.contains("--account-id"), "{long}");
    assert!(!options.contains("--timeout"), "{long}");
    // -h leaves the account and cost flags out (set once, in the environment or a config).
    let short = help(&["session", "start", "-h"]);
    assert!(!short.contains("--account-key"), "{short}");
    assert!(short.contains("--timeout"), "{short}");
    assert!(short.lines().count() < long.lines().count());
}

#[test]
fn the_emulators_help_has_its_own_flags_only() {
    let h = help(&["emulator", "--help"]);
    for client_flag in [
        "--account-id",
        "--account-key",
        "--endpoint",
        "--config",
        "--output",
        "--timeout",
    ] {
        assert!(!h.contains(client_flag), "{client_flag}\n{h}");
    }
    assert_eq!(h.matches("--region").count(), 1, "{h}");
    assert!(h.contains("Region named in session hostnames"), "{h}");
    assert!(h.contains("--startup-delay"), "{h}");
    // And a client flag is refused there, not taken for the client's.
    let dir = workdir();
    run(arrctl(dir.path(), &["emulator", "--account-id", "x"])).expect_code(2);
}

#[test]
fn sizes_are_values_the_shells_complete() {
    let h = help(&["session", "start", "--help"]);
    assert!(h.contains("[possible values: standard, premium]"), "{h}");
    let dir = workdir();
    let out = run(arrctl(dir.path(), &["session", "start", "--size", "huge"]));
    out.expect_code(2);
    assert!(out.stderr.contains("possible values"), "{}", out.stderr);
    let bash = help(&["completions", "bash"]);
    assert!(
        bash.contains("standard premium"),
        "no size values in the bash completion"
    );
    let fish = help(&["completions", "fish"]);
    assert!(fish.contains("standard") && fish.contains("premium"));
    // The emulator's own flags complete too.
    assert!(
        bash.contains("--startup-delay"),
        "no emulator flags in the bash completion"
    );
}

#[test]
fn positional_ids_are_explained() {
    for (args, text) in [
        (&["session", "show", "--help"][..], "The session's id"),
        (&["session", "extend", "--help"][..], "The session's id"),
        (&["session", "stop", "--help"][..], "The session's id"),
        (&["conversion", "show", "--help"][..], "The conversion's id"),
    ] {
        let h = help(args);
        assert!(h.contains(text), "{args:?}\n{h}");
    }
}

#[test]
fn a_usage_error_under_output_json_is_a_json_error_object() {
    let dir = workdir();
    let out = run(arrctl(
        dir.path(),
        &["session", "start", "--size", "huge", "--output", "json"],
    ));
    out.expect_code(2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let lines = out.stderr_lines();
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(lines[0]).expect("a JSON error object");
    assert_eq!(v["error"]["code"], "INVALID_INPUT", "{v}");
    assert_eq!(v["error"]["exitCode"], 2, "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("huge"),
        "{v}"
    );
}
