//! `arrctl session stop --all | --older-than AGE | --prefix PREFIX`: stopping the sessions a
//! filter selects, after listing them (`--dry-run` lists only) and asking (unless `--yes`).

use crate::args::{Global, Output};
use crate::exit;
use crate::interrupt::{interrupted, unless_interrupted};
use crate::output::{human, list_sessions, print_json};
use crate::run::usage;
use futures_util::StreamExt;
use remote_rendering::{CancellationToken, Client, CostRates, Error, Session};
use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

/// Which sessions: every one, or those matching all the filters given.
pub struct Filter {
    pub all: bool,
    pub older_than: Option<Duration>,
    pub prefix: Option<String>,
}

impl Filter {
    /// Age is counted from the session's `creationTime` to this machine's clock.
    fn selects(&self, s: &Session, now: time::OffsetDateTime) -> bool {
        if self.all {
            return true;
        }
        if let Some(p) = &self.prefix {
            if !s.id.starts_with(p.as_str()) {
                return false;
            }
        }
        if let Some(age) = self.older_than {
            let Some(created) = &s.created_on else {
                return false;
            };
            let lived = now - created.instant();
            if lived <= time::Duration::try_from(age).unwrap_or(time::Duration::MAX) {
                return false;
            }
        }
        true
    }

    fn describe(&self) -> String {
        if self.all {
            return "every session".into();
        }
        let mut parts = vec![];
        if let Some(p) = &self.prefix {
            parts.push(format!("id starting with {p:?}"));
        }
        if let Some(a) = self.older_than {
            parts.push(format!("created more than {} ago", human(a)));
        }
        format!("sessions with {}", parts.join(" and "))
    }
}

/// How many stops are in flight at once.
const PARALLEL_STOPS: usize = 4;

pub async fn stop(
    g: &Global,
    client: &Client,
    rates: &CostRates,
    filter: Filter,
    dry_run: bool,
    yes: bool,
    interrupt: &CancellationToken,
) -> Result<u8, Error> {
    let listed = unless_interrupted(interrupt, client.list_sessions_all()).await?;
    let now = time::OffsetDateTime::now_utc();
    let chosen: Vec<Session> = listed
        .into_iter()
        .filter(|s| filter.selects(s, now))
        .collect();
    let ids: Vec<&str> = chosen.iter().map(|s| s.id.as_str()).collect();
    if chosen.is_empty() {
        if g.output == Output::Json {
            print_json(&serde_json::json!({ "dryRun": dry_run, "stopped": [] }));
        } else {
            println!(
                "no {} is starting or ready",
                filter.describe().trim_start_matches("every ")
            );
        }
        return Ok(exit::SUCCESS);
    }
    if dry_run {
        if g.output == Output::Json {
            print_json(&serde_json::json!({ "dryRun": true, "wouldStop": ids }));
        } else {
            println!(
                "would stop {} session(s) ({}):",
                chosen.len(),
                filter.describe()
            );
            list_sessions(g, rates, &chosen);
        }
        return Ok(exit::SUCCESS);
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(usage(format!(
                "would stop {} session(s) ({}): pass --yes to stop them without asking (stdin is not a terminal), or --dry-run to list them",
                chosen.len(),
                filter.describe()
            )));
        }
        eprintln!(
            "about to stop {} session(s) ({}):",
            chosen.len(),
            filter.describe()
        );
        for s in &chosen {
            eprintln!("  {} ({}, {})", s.id, s.status, s.size);
        }
        eprint!("stop them? [y/N] ");
        let _ = std::io::stderr().flush();
        let answer = tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).map(|_| line)
        });
        let answer = tokio::select! {
            a = answer => a.ok().and_then(|r| r.ok()).unwrap_or_default(),
            _ = interrupt.cancelled() => {
                eprintln!(); // off the prompt's line
                return Ok(interrupted(g, "nothing was stopped"));
            }
        };
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            eprintln!("nothing was stopped");
            return Ok(exit::SUCCESS);
        }
    }
    let mut stops = futures_util::stream::iter(
        chosen
            .iter()
            .map(|s| async move { (s.id.as_str(), client.stop_session(&s.id).await) }),
    )
    .buffer_unordered(PARALLEL_STOPS);
    let mut stopped: Vec<&str> = vec![];
    let mut failed: Vec<(&str, Error)> = vec![];
    loop {
        let next = tokio::select! {
            n = stops.next() => n,
            _ = interrupt.cancelled() => {
                let left: Vec<&str> = ids.iter().copied().filter(|i| !stopped.contains(i) && !failed.iter().any(|(f, _)| f == i)).collect();
                return Ok(interrupted(g, &format!(
                    "stopped {} session(s) ({}); left running: {}",
                    stopped.len(),
                    stopped.join(", "),
                    left.join(", ")
                )));
            }
        };
        match next {
            Some((id, Ok(_))) => {
                if g.output == Output::Text {
                    println!("stopped session {id}");
                }
                stopped.push(id);
            }
            Some((id, Err(e))) => {
                eprintln!("arrctl: session {id}: {e}");
                failed.push((id, e));
            }
            None => break,
        }
    }
    if g.output == Output::Json {
        let failures: Vec<_> = failed
            .iter()
            .map(
                |(id, e)| serde_json::json!({ "id": id, "code": e.code(), "message": e.message() }),
            )
            .collect();
        print_json(&serde_json::json!({ "dryRun": false, "stopped": stopped, "failed": failures }));
    }
    match failed.into_iter().next() {
        // The first failure decides the exit code; every one was reported above.
        Some((_, e)) => Ok(exit::code_for(&e)),
        None => Ok(exit::SUCCESS),
    }
}
