//! `arrctl session …`: start (optionally waiting, keeping alive, within a budget), show, list,
//! extend, stop. Fleet stops (`--all`, `--older-than`, `--prefix`) are in `fleet`.

use crate::args::{Global, Output, SessionCommand};
use crate::exit;
use crate::interrupt::{interrupted, unless_interrupted};
use crate::output::{list_sessions, money, print_json, show_failed, show_session};
use crate::progress::Progress;
use crate::settings::Settings;
use crate::waits;
use remote_rendering::{
    new_session_id, CancellationToken, Client, CostRates, Error, ErrorKind, LeaseOptions,
    SessionOptions, SessionSize,
};
use std::time::Duration;

pub async fn run(
    g: &Global,
    client: &Client,
    s: &Settings,
    cmd: SessionCommand,
    interrupt: &CancellationToken,
) -> Result<u8, Error> {
    let rates = crate::account::rates(s)?;
    match cmd {
        SessionCommand::Start {
            id,
            size,
            lease,
            wait,
            keep_alive,
            budget,
        } => {
            let size = match size {
                Some(sz) => SessionSize::from(sz),
                None => match s.size.as_deref() {
                    Some(text) => match SessionSize::parse(text) {
                        SessionSize::Unknown(_) => {
                            let file = s
                                .origin
                                .as_ref()
                                .map_or("the config".into(), |o| o.path.display().to_string());
                            return Err(crate::run::usage(format!(
                                "{file}: renderingSessionSettings.vmSize is {text:?}, not standard or premium"
                            )));
                        }
                        known => known,
                    },
                    None => SessionSize::Standard,
                },
            };
            // One default lease, the core's (every binding's), unless the config gives one.
            let lease = lease
                .or(s.lease_minutes)
                .unwrap_or(SessionOptions::default().lease_minutes);
            if let Some(b) = budget {
                if rates.is_empty() {
                    return Err(crate::run::usage(
                        "--budget needs the size's rate: pass --rate-standard/--rate-premium or set the config's costRates",
                    ));
                }
                rates
                    .check_lease("--budget", &size, lease, b)
                    .map_err(|e| crate::run::usage(budget_message(&e)))?;
            }
            let start = StartOptions {
                size,
                lease,
                wait,
                keep_alive,
                budget,
            };
            start_session(g, client, &rates, id, start, interrupt).await
        }
        SessionCommand::Show { id, watch } => {
            if watch {
                match waits::session(g, client, &id, interrupt).await {
                    Ok(ready) => show_session(g, &rates, &ready),
                    Err(e) if e.kind() == ErrorKind::Cancelled => {
                        let state = e
                            .session()
                            .map(|s| format!(" ({})", s.status))
                            .unwrap_or_default();
                        return Ok(interrupted(
                            g,
                            &format!("stopped watching session {id}{state}; it is left as it is"),
                        ));
                    }
                    Err(e) => {
                        show_failed(g, &rates, &e);
                        return Err(e);
                    }
                }
            } else {
                let got = unless_interrupted(interrupt, client.get_session(&id)).await?;
                show_session(g, &rates, &got);
            }
            Ok(exit::SUCCESS)
        }
        SessionCommand::List => {
            let sessions = unless_interrupted(interrupt, client.list_sessions_all()).await?;
            list_sessions(g, &rates, &sessions);
            Ok(exit::SUCCESS)
        }
        SessionCommand::Extend { id, lease } => {
            let updated = unless_interrupted(interrupt, client.update_session(&id, lease)).await?;
            show_session(g, &rates, &updated);
            Ok(exit::SUCCESS)
        }
        SessionCommand::Stop {
            id: Some(id),
            all: false,
            older_than: None,
            prefix: None,
            ..
        } => {
            unless_interrupted(interrupt, client.stop_session(&id)).await?;
            if g.output == Output::Json {
                print_json(&serde_json::json!({ "id": id, "stopped": true }));
            } else {
                println!("stopped session {id}");
            }
            Ok(exit::SUCCESS)
        }
        SessionCommand::Stop {
            all,
            older_than,
            prefix,
            dry_run,
            yes,
            ..
        } => {
            let filter = crate::fleet::Filter {
                all,
                older_than,
                prefix,
            };
            crate::fleet::stop(g, client, &rates, filter, dry_run, yes, interrupt).await
        }
    }
}

/// `--budget: a Standard lease of 30 minutes would cost 3.00, more than …`.
fn budget_message(e: &Error) -> String {
    let rule = e.message().split_once(": ").map_or(e.message(), |(_, r)| r);
    match e.field() {
        Some("cost_rates.standard_per_hour") => {
            format!("--budget: the standard rate {rule} (--rate-standard)")
        }
        Some("cost_rates.premium_per_hour") => {
            format!("--budget: the premium rate {rule} (--rate-premium)")
        }
        _ => format!("--budget: {rule}"),
    }
}

struct StartOptions {
    size: SessionSize,
    lease: u32,
    wait: bool,
    keep_alive: bool,
    budget: Option<f64>,
}

async fn start_session(
    g: &Global,
    client: &Client,
    rates: &CostRates,
    id: Option<String>,
    o: StartOptions,
    interrupt: &CancellationToken,
) -> Result<u8, Error> {
    let id = id.unwrap_or_else(new_session_id);
    let lease = o.lease;
    let started = tokio::select! {
        r = client.start_session(&id, o.size.clone(), lease) => r?,
        _ = interrupt.cancelled() => {
            // The request may have reached the service: with --keep-alive the session is
            // ours to stop, so stop it.
            if o.keep_alive {
                let _ = client.stop_session(&id).await;
                return Ok(interrupted(g, &format!("stopped session {id}")));
            }
            return Ok(interrupted(g, &format!(
                "session {id} may have been started and is left running (arrctl session stop {id} stops it)"
            )));
        }
    };
    if g.output == Output::Text {
        eprintln!("started session {id} ({}, {lease} minutes)", started.status);
    }
    if !(o.wait || o.keep_alive) {
        show_session(g, rates, &started);
        return Ok(exit::SUCCESS);
    }
    let ready = match waits::session(g, client, &id, interrupt).await {
        Ok(r) => r,
        Err(e) if e.kind() == ErrorKind::Cancelled => {
            // Ctrl-C while waiting: with --keep-alive the session is ours to stop; without, it
            // is left running, and named.
            if o.keep_alive {
                client.stop_session(&id).await?;
                return Ok(interrupted(g, &format!("stopped session {id}")));
            }
            let state = e
                .session()
                .map(|s| format!(" ({})", s.status))
                .unwrap_or_default();
            return Ok(interrupted(
                g,
                &format!("session {id}{state} is left running (arrctl session stop {id} stops it)"),
            ));
        }
        Err(e) => {
            show_failed(g, rates, &e);
            if o.keep_alive && e.kind() != ErrorKind::SessionFailed {
                let _ = client.stop_session(&id).await;
                eprintln!("stopped session {id}");
            } else if e.kind() == ErrorKind::Timeout {
                eprintln!("session {id} is left running (arrctl session stop {id} stops it)");
            }
            return Err(e);
        }
    };
    show_session(g, rates, &ready);
    if !o.keep_alive {
        return Ok(exit::SUCCESS);
    }
    let mut lease_options = LeaseOptions {
        budget: o.budget,
        cost_rates: o.budget.map(|_| *rates),
        ..LeaseOptions::default()
    };
    // The keeper's reads are polls too: --poll-interval sets how often it reads the session.
    if let Some(p) = g.poll_interval {
        lease_options.check_interval = crate::run::secs("--poll-interval", p)?;
    }
    keep(client, rates, &id, lease_options, interrupt).await
}

/// Keeps the session alive until Ctrl-C (then stops it: exit 130) or until it ends by itself
/// or its budget stops it (exit 1), showing the minutes used of the lease meanwhile.
async fn keep(
    client: &Client,
    rates: &CostRates,
    id: &str,
    options: LeaseOptions,
    interrupt: &CancellationToken,
) -> Result<u8, Error> {
    let budget = options.budget;
    let keeper = client.keep_alive(id, options)?;
    eprintln!("keeping session {id} alive; Ctrl-C stops it");
    let progress = Progress::start(format!("session {id}"));
    let line = progress.line();
    loop {
        tokio::select! {
            _ = interrupt.cancelled() => {
                progress.finish();
                keeper.close().await?;
                eprintln!("stopped session {id}");
                return Ok(exit::INTERRUPTED);
            }
            _ = tokio::time::sleep(Duration::from_millis(250)) => {
                if let Some(s) = keeper.latest() {
                    let mut status = format!(
                        "{}, {} of {} minutes of the lease used",
                        s.status,
                        s.elapsed_minutes.unwrap_or(0),
                        s.lease_minutes.unwrap_or(0)
                    );
                    if let Ok(c) = rates.session_cost(&s) {
                        status.push_str(&format!(", cost {} of {}", money(c.accrued), money(c.projected)));
                    }
                    line(status);
                }
                if keeper.is_finished() {
                    progress.finish();
                    let status = keeper.latest().map(|s| s.status.to_string()).unwrap_or_else(|| "gone".into());
                    if keeper.stopped_by_budget() {
                        eprintln!(
                            "stopped session {id}: the next extension of its lease would pass the budget of {}",
                            money(budget.unwrap_or(0.0))
                        );
                    } else {
                        eprintln!("session {id} ended: {status}");
                    }
                    return Ok(exit::FAILED_STATE);
                }
            }
        }
    }
}
