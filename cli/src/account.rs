//! The client a command talks through: the settings from the config file, the environment and
//! the flags, in that priority, turned into a [`Client`], and the cost rates. A setting that is
//! missing is named where the user would fill it in: the file's field when a file was read.

use crate::args::Global;
use crate::settings::Settings;
use crate::usage::{secs, usage};
use remote_rendering::{Client, CostRates, Error, SecretString};

/// The settings from the config file, the environment and the flags, in that priority.
pub fn settings(g: &Global) -> Result<Settings, Error> {
    let file = match &g.config {
        Some(p) => Some(p.clone()),
        None => Some(std::path::PathBuf::from("arrconfig.json")).filter(|p| p.is_file()),
    };
    let mut s = match file {
        Some(p) => Settings::from_file(&p).map_err(usage)?,
        None => Settings::default(),
    };
    s = s.overlay(Settings::from_env());
    let mut flags = Settings {
        account_id: g.account_id.clone(),
        account_key: g.account_key.clone().map(SecretString::new),
        rate_standard: g.rate_standard,
        rate_premium: g.rate_premium,
        ..Settings::default()
    };
    if let Some(d) = &g.account_domain {
        let (sts, domain) = crate::settings::account_domain(d);
        flags.sts_endpoint = sts;
        flags.account_domain = domain;
    }
    if let Some(sts) = &g.sts_endpoint {
        flags.sts_endpoint = Some(sts.clone());
    }
    flags.endpoint = g
        .endpoint
        .clone()
        .or_else(|| g.region.as_deref().map(crate::settings::rendering_endpoint));
    Ok(s.overlay(flags))
}

/// "no account: …": what to set, with the config file's field first when a file was read.
fn missing(s: &Settings, what: &str, field: &str, elsewhere: &str) -> Error {
    match &s.origin {
        Some(o) => usage(format!("no {what}: {}; or {elsewhere}", o.unfilled(field))),
        None => usage(format!(
            "no {what}: {elsewhere}, or write an arrconfig.json"
        )),
    }
}

/// The cost rates of the settings (flags over the file), checked; empty when none are set.
pub fn rates(s: &Settings) -> Result<CostRates, Error> {
    let r = CostRates {
        standard_per_hour: s.rate_standard,
        premium_per_hour: s.rate_premium,
    };
    r.validate().map_err(|e| {
        let flag = match e.field() {
            Some("cost_rates.premium_per_hour") => "--rate-premium (costRates.premiumPerHour)",
            _ => "--rate-standard (costRates.standardPerHour)",
        };
        let rule = e.message().split_once(": ").map_or(e.message(), |(_, r)| r);
        usage(format!("{flag} {rule}"))
    })?;
    Ok(r)
}

pub fn client(g: &Global) -> Result<(Client, Settings), Error> {
    let s = settings(g)?;
    tracing::debug!(settings = %s, "settings");
    let account_id = s.account_id.clone().ok_or_else(|| {
        missing(
            &s,
            "account",
            "accountSettings.arrAccountId",
            "set ARR_ACCOUNT_ID (and ARR_ACCOUNT_KEY, ARR_ACCOUNT_DOMAIN, ARR_ENDPOINT or ARR_REGION) or pass --account-id",
        )
    })?;
    let key = s.account_key.clone().ok_or_else(|| {
        missing(
            &s,
            "account key",
            "accountSettings.arrAccountKey",
            "set ARR_ACCOUNT_KEY",
        )
    })?;
    let mut b = Client::builder()
        .account_id(account_id)
        .account_key(key.expose())
        .user_agent_suffix("arrctl");
    b = match &s.endpoint {
        Some(e) => b.endpoint(e),
        None => {
            let field = s.origin.as_ref().map_or("", |o| o.endpoint_field);
            return Err(missing(
                &s,
                "service endpoint",
                field,
                "set ARR_ENDPOINT or ARR_REGION, or pass --endpoint or --region",
            ));
        }
    };
    if let Some(sts) = &s.sts_endpoint {
        b = b.sts_endpoint(sts);
    } else if let Some(d) = &s.account_domain {
        b = b.account_domain(d);
    }
    if let Some(p) = &g.ca_cert {
        let pem = std::fs::read(p).map_err(|e| usage(format!("--ca-cert {}: {e}", p.display())))?;
        b = b.add_root_certificate_pem(pem);
    }
    if let Some(p) = g.poll_interval {
        b = b.poll_interval(secs("--poll-interval", p)?);
    }
    Ok((b.build()?, s))
}
