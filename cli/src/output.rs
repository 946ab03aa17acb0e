//! What arrctl prints: results on stdout (text for people, JSON for scripts), errors on stderr
//! (one line, or one JSON object under `--output json`), durations for people.

use crate::args::{Global, Output};
use crate::exit;
use remote_rendering::{Conversion, CostRates, Error, Session};
use std::io::Write;

pub fn print_json(v: &impl serde::Serialize) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer_pretty(&mut out, v);
    let _ = writeln!(out);
}

/// One compact JSON line on stderr.
pub fn json_error_line(error: &serde_json::Value) {
    let mut err = std::io::stderr().lock();
    let _ = serde_json::to_writer(&mut err, &serde_json::json!({ "error": error }));
    let _ = writeln!(err);
}

/// An error as arrctl reports it: `arrctl: …` on stderr, or under `--output json` an object
/// with the stable code string, the HTTP status, the service's code and the MS-CV.
pub fn error(g: &Global, e: &Error) {
    if g.output != Output::Json {
        eprintln!("arrctl: {e}");
        return;
    }
    let mut o = serde_json::json!({
        "code": e.code(),
        "message": e.message(),
        "exitCode": exit::code_for(e),
    });
    if let Some(s) = e.status() {
        o["status"] = s.into();
    }
    if let Some(f) = e.field() {
        o["field"] = f.into();
    }
    if let Some(m) = e.ms_cv() {
        o["msCv"] = m.into();
    }
    if let Some(s) = e.service_error() {
        o["serviceError"] = serde_json::to_value(s).unwrap_or_default();
    }
    if let Some(r) = e.retry_after() {
        o["retryAfterSeconds"] = r.as_secs_f64().into();
    }
    json_error_line(&o);
}

/// `2s`, `1m 30s`, `30m`: the core's form of a duration, the one its wait errors use.
pub use remote_rendering::human_duration as human;

/// An amount of money in the user's currency.
pub fn money(v: f64) -> String {
    format!("{v:.2}")
}

/// A session, with its cost under `cost` when rates are set (an error naming the missing rate
/// otherwise is not one: the session is still shown).
pub fn session_json(s: &Session, rates: &CostRates) -> serde_json::Value {
    let mut v = serde_json::to_value(s).unwrap_or_default();
    if !rates.is_empty() {
        if let Ok(c) = rates.session_cost(s) {
            v["cost"] = serde_json::to_value(c).unwrap_or_default();
        }
    }
    v
}

pub fn show_session(g: &Global, rates: &CostRates, s: &Session) {
    if g.output == Output::Json {
        return print_json(&session_json(s, rates));
    }
    let mut lines = vec![
        format!("session     {}", s.id),
        format!("status      {}", s.status),
        format!("size        {}", s.size),
    ];
    if let (Some(e), Some(l)) = (s.elapsed_minutes, s.lease_minutes) {
        lines.push(format!("lease       {e} of {l} minutes used"));
    }
    if !rates.is_empty() {
        match rates.session_cost(s) {
            Ok(c) => lines.push(format!(
                "cost        {} so far, {} for the whole lease (at {} an hour)",
                money(c.accrued),
                money(c.projected),
                money(c.rate_per_hour)
            )),
            Err(e) => lines.push(format!("cost        unknown: {}", e.message())),
        }
    }
    if let Some(h) = &s.hostname {
        lines.push(format!("hostname    {h}"));
    }
    if let Some(p) = s.handshake_port {
        lines.push(format!("handshake   {p}"));
    }
    if let Some(p) = s.arr_inspector_port {
        lines.push(format!("inspector   {p}"));
    }
    if let Some(t) = s.teraflops {
        lines.push(format!("teraflops   {t}"));
    }
    if let Some(c) = &s.created_on {
        lines.push(format!("created     {c}"));
    }
    if let Some(e) = &s.error {
        lines.push(format!("error       {}: {}", e.code, e.message));
    }
    println!("{}", lines.join("\n"));
}

pub fn list_sessions(g: &Global, rates: &CostRates, sessions: &[Session]) {
    if g.output == Output::Json {
        let all: Vec<_> = sessions.iter().map(|s| session_json(s, rates)).collect();
        return print_json(&all);
    }
    if sessions.is_empty() {
        println!("no sessions are starting or ready");
        return;
    }
    let costs = !rates.is_empty();
    let cost_of = |s: &Session| match rates.session_cost(s) {
        Ok(c) => format!("{} / {}", money(c.accrued), money(c.projected)),
        Err(_) => "-".to_owned(),
    };
    let head = if costs {
        format!("{:>17}  ", "COST (SO FAR/ALL)")
    } else {
        String::new()
    };
    println!(
        "{:<44} {:<9} {:<9} {:>14}  {head}HOSTNAME",
        "ID", "STATUS", "SIZE", "LEASE (USED)"
    );
    for x in sessions {
        let cost = if costs {
            format!("{:>17}  ", cost_of(x))
        } else {
            String::new()
        };
        println!(
            "{:<44} {:<9} {:<9} {:>14}  {cost}{}",
            x.id,
            x.status.as_str(),
            x.size.as_str(),
            format!(
                "{} ({})",
                x.lease_minutes.unwrap_or(0),
                x.elapsed_minutes.unwrap_or(0)
            ),
            x.hostname.as_deref().unwrap_or("-")
        );
    }
}

pub fn show_conversion(g: &Global, c: &Conversion) {
    if g.output == Output::Json {
        return print_json(c);
    }
    let i = &c.settings.input_location;
    let o = &c.settings.output_location;
    let joined = |prefix: Option<&str>, name: &str| match prefix.filter(|p| !p.is_empty()) {
        Some(p) if !p.ends_with('/') && !name.is_empty() => format!("{p}/{name}"),
        Some(p) => format!("{p}{name}"),
        None => name.to_owned(),
    };
    let mut lines = vec![
        format!("conversion  {}", c.id),
        format!("status      {}", c.status),
        format!(
            "input       {}/{}",
            i.storage_container_uri,
            joined(i.blob_prefix.as_deref(), &i.relative_input_asset_path)
        ),
        format!(
            "output      {}/{}",
            o.storage_container_uri,
            joined(
                o.blob_prefix.as_deref(),
                o.output_asset_filename.as_deref().unwrap_or("")
            )
        ),
        format!("created     {}", c.created_on),
    ];
    if let Some(out) = &c.output_asset_uri {
        lines.push(format!("asset       {out}"));
    }
    if let Some(e) = &c.error {
        lines.push(format!("error       {}: {}", e.code, e.message));
        for d in &e.details {
            lines.push(format!("            {}", d.message));
        }
    }
    println!("{}", lines.join("\n"));
}

pub fn list_conversions(g: &Global, all: &[Conversion]) {
    if g.output == Output::Json {
        return print_json(&all);
    }
    if all.is_empty() {
        println!("no conversions");
        return;
    }
    println!("{:<48} {:<10} OUTPUT", "ID", "STATUS");
    for c in all {
        let out = c.output_asset_uri.as_deref().unwrap_or("-");
        println!("{:<48} {:<10} {out}", c.id, c.status.as_str());
    }
}

/// The resource a failure-state error carries, printed before the error line.
pub fn show_failed(g: &Global, rates: &CostRates, e: &Error) {
    if let Some(s) = e.session() {
        show_session(g, rates, s);
    }
    if let Some(c) = e.conversion() {
        show_conversion(g, c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(human(Duration::from_millis(2_000_400)), "33m 20s");
        assert_eq!(human(Duration::from_secs_f64(2.0004)), "2s");
        assert_eq!(human(Duration::from_millis(250)), "250ms");
        assert_eq!(human(Duration::from_secs(1800)), "30m");
        assert_eq!(human(Duration::from_secs(7200)), "2h");
    }
}
