//! The service's state machine: sessions and conversions per account, evaluated lazily on
//! the emulated clock. Nothing runs in the background: a session is `Starting` until
//! `created + startup_delay`, then `Ready` until its lease runs out (`Expired`) or it is
//! stopped; a conversion is `Running` until `created + duration`, then settles once into
//! `Succeeded` or `Failed` (checking the storage root, if there is one).
//!
//! Every rule here that is not in the spec comes from the recordings (see API-NOTES §7).

use crate::clock::{to_datetime, Nanos, NANOS_PER_MIN};
use crate::rng::SplitMix64;
use crate::storage::{self, Storage};
use remote_rendering_models::{
    check_resource_id, Conversion, ConversionInputSettings, ConversionOutput,
    ConversionOutputSettings, ConversionSettings, ConversionStatus, ServiceError, Session,
    SessionSize, SessionStatus, Timestamp,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Largest lease the service accepts, in minutes (spec: "between 0 and 1440").
pub const MAX_LEASE_MINUTES: i64 = 1440;

/// An error the API answers with: status, and the spec's error body when there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub status: u16,
    /// `None` for the statuses the spec answers without a body (401, 403, 404, 429).
    pub error: Option<ServiceError>,
}

impl ApiError {
    pub fn with_body(status: u16, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            error: Some(ServiceError::new(code, message)),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::with_body(400, "BadRequest", message)
    }

    pub fn not_found() -> Self {
        ApiError {
            status: 404,
            error: None,
        }
    }

    fn conflict() -> Self {
        Self::with_body(
            409,
            "Conflict",
            "A resource already exists under the given ID.",
        )
    }

    fn unprocessable(message: impl Into<String>) -> Self {
        Self::with_body(422, "UnprocessableEntity", message)
    }
}

/// Timing and naming that new resources take from the configuration.
#[derive(Clone, Debug)]
pub struct Behaviour {
    pub startup_delay: Nanos,
    pub conversion_duration: Nanos,
    pub region: String,
    pub linked_storage: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionRecord {
    id: String,
    seq: u64,
    size: SessionSize,
    /// The lease asked for at creation (what a re-PUT is compared with).
    requested_lease: i64,
    lease: i64,
    created: Nanos,
    ready_at: Nanos,
    handshake_port: u16,
    inspector_port: u16,
    hostname: String,
    stopped_at: Option<Nanos>,
    failed: Option<(Nanos, ServiceError)>,
}

/// The derived state of a session at one instant.
struct SessionView {
    status: SessionStatus,
    /// Minutes spent in `Ready` so far (frozen once terminal).
    elapsed: i64,
    reached_ready: bool,
}

impl SessionRecord {
    fn expires_at(&self) -> Nanos {
        self.ready_at + self.lease * NANOS_PER_MIN
    }

    fn view(&self, now: Nanos) -> SessionView {
        let minutes_until = |t: Nanos| ((t - self.ready_at).max(0)) / NANOS_PER_MIN;
        // Whichever terminal event came first wins: failure, expiry or stop.
        let mut end: Option<(Nanos, SessionStatus)> = None;
        let mut consider = |t: Nanos, s: SessionStatus| {
            if t <= now && end.as_ref().is_none_or(|(e, _)| t < *e) {
                end = Some((t, s));
            }
        };
        if let Some((t, _)) = &self.failed {
            consider(*t, SessionStatus::Error);
        }
        consider(self.expires_at().max(self.ready_at), SessionStatus::Expired);
        if let Some(t) = self.stopped_at {
            consider(t, SessionStatus::Stopped);
        }
        match end {
            Some((t, status)) => SessionView {
                elapsed: minutes_until(t),
                reached_ready: t >= self.ready_at && status != SessionStatus::Error,
                status,
            },
            None if now < self.ready_at => SessionView {
                status: SessionStatus::Starting,
                elapsed: 0,
                reached_ready: false,
            },
            None => SessionView {
                status: SessionStatus::Ready,
                elapsed: minutes_until(now),
                reached_ready: true,
            },
        }
    }

    fn to_model(&self, now: Nanos) -> Session {
        let view = self.view(now);
        let ready = view.status == SessionStatus::Ready;
        Session {
            id: self.id.clone(),
            creation_time: Some(Timestamp::session_form(to_datetime(self.created))),
            arr_inspector_port: ready.then_some(self.inspector_port),
            handshake_port: ready.then_some(self.handshake_port),
            elapsed_time_minutes: Some(view.elapsed),
            hostname: ready.then(|| self.hostname.clone()),
            max_lease_time_minutes: Some(self.lease),
            size: self.size.clone(),
            // Stopped and expired sessions keep their teraflops (recordings), drop the rest.
            teraflops: view.reached_ready.then(|| teraflops(&self.size)),
            error: match view.status {
                SessionStatus::Error => self.failed.as_ref().map(|(_, e)| e.clone()),
                _ => None,
            },
            status: view.status,
        }
    }
}

fn teraflops(size: &SessionSize) -> f64 {
    match size {
        // Every recording of a Standard session says 8.1. Premium was never recorded; the
        // emulator uses four times Standard's, like the VM sizes' GPU share.
        SessionSize::Premium => 32.4,
        _ => 8.1,
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ConversionRecord {
    id: String,
    seq: u64,
    created: Nanos,
    finishes_at: Nanos,
    /// Normalised settings as echoed back (no SAS).
    settings: ConversionSettings,
    /// The settings as sent (minus SAS), for comparing a re-PUT.
    requested: ConversionSettings,
    outcome: Option<ConversionOutcome>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct ConversionOutcome {
    status: ConversionStatus,
    error: Option<ServiceError>,
    output_uri: Option<String>,
}

impl ConversionRecord {
    fn to_model(&self, status: ConversionStatus) -> Conversion {
        let outcome = self.outcome.as_ref();
        Conversion {
            id: self.id.clone(),
            creation_time: Timestamp::conversion_form(to_datetime(self.created)),
            settings: self.settings.clone(),
            output: outcome
                .and_then(|o| o.output_uri.clone())
                .map(|output_asset_uri| ConversionOutput { output_asset_uri }),
            error: outcome.and_then(|o| o.error.clone()),
            status,
        }
    }

    /// Settles the outcome once the conversion's time is up.
    fn settle(&mut self, now: Nanos, storage: &Storage) {
        if self.outcome.is_none() && now >= self.finishes_at {
            self.outcome = Some(match storage.convert(&self.settings) {
                Ok(output_uri) => ConversionOutcome {
                    status: ConversionStatus::Succeeded,
                    error: None,
                    output_uri: Some(output_uri),
                },
                Err(error) => ConversionOutcome {
                    status: ConversionStatus::Failed,
                    error: Some(error),
                    output_uri: None,
                },
            });
        }
    }

    fn current(&mut self, now: Nanos, storage: &Storage) -> Conversion {
        self.settle(now, storage);
        let status = self
            .outcome
            .as_ref()
            .map_or(ConversionStatus::Running, |o| o.status.clone());
        self.to_model(status)
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AccountState {
    sessions: HashMap<String, SessionRecord>,
    conversions: HashMap<String, ConversionRecord>,
}

/// All accounts' resources. Account keys are lower-cased ids.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Store {
    next_seq: u64,
    accounts: HashMap<String, AccountState>,
    #[serde(skip, default = "SplitMix64::from_entropy")]
    rng: SplitMix64,
}

impl Default for SplitMix64 {
    fn default() -> Self {
        SplitMix64::from_entropy()
    }
}

/// One account's resources as [`Store::overview`] gives them.
pub struct AccountOverview {
    pub account: String,
    pub sessions: Vec<Session>,
    pub conversions: Vec<Conversion>,
    /// How many there are in all (the lists hold at most the newest `limit`).
    pub session_count: usize,
    pub conversion_count: usize,
}

/// One page of a list, and the sequence number to continue after.
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_after: Option<u64>,
}

fn check_id(id: &str, what: &str) -> Result<(), ApiError> {
    check_resource_id(id).map_err(|rule| ApiError::bad_request(format!("The {what} id {rule}.")))
}

/// Reads an integer field of a JSON body, with the service's messages for a wrong type.
fn lease_field(body: &serde_json::Value) -> Result<i64, ApiError> {
    match body.get("maxLeaseTimeMinutes") {
        None | Some(serde_json::Value::Null) => Err(ApiError::bad_request(
            "The maxLeaseTimeMinutes field is required.",
        )),
        Some(v) => v.as_i64().ok_or_else(|| {
            ApiError::bad_request(
                "The maxLeaseTimeMinutes value must be a whole number of minutes.",
            )
        }),
    }
}

impl Store {
    pub fn new(account_ids: impl IntoIterator<Item = String>) -> Self {
        let mut store = Store::default();
        store.ensure_accounts(account_ids);
        store
    }

    /// Adds empty state for accounts that have none (after loading a state file, say).
    pub fn ensure_accounts(&mut self, account_ids: impl IntoIterator<Item = String>) {
        for id in account_ids {
            self.accounts.entry(id.to_ascii_lowercase()).or_default();
        }
    }

    fn account(&mut self, account: &str) -> Result<&mut AccountState, ApiError> {
        // Authentication already tied the token to this account; a configured account always
        // has state, so this only fails for an account that does not exist.
        self.accounts
            .get_mut(&account.to_ascii_lowercase())
            .ok_or_else(ApiError::not_found)
    }

    fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// PUT session: 201 with a new session, 200 with the stored one when the settings match,
    /// 409 when they do not.
    pub fn create_session(
        &mut self,
        account: &str,
        id: &str,
        body: &serde_json::Value,
        now: Nanos,
        behaviour: &Behaviour,
    ) -> Result<(u16, Session), ApiError> {
        check_id(id, "session")?;
        let lease = lease_field(body)?;
        if lease < 0 {
            return Err(ApiError::bad_request(
                "The maxLeaseTimeMinutes value cannot be negative.",
            ));
        }
        if lease > MAX_LEASE_MINUTES {
            return Err(ApiError::bad_request(format!(
                "The maxLeaseTimeMinutes value cannot be larger than {MAX_LEASE_MINUTES}."
            )));
        }
        let size = match body.get("size").and_then(|v| v.as_str()) {
            None => return Err(ApiError::bad_request("The size field is required.")),
            Some(text) => match SessionSize::parse(text) {
                SessionSize::Unknown(other) => {
                    return Err(ApiError::bad_request(format!(
                        "The size value '{other}' is not valid. Valid values are: {}.",
                        SessionSize::KNOWN.join(", ")
                    )))
                }
                known => known,
            },
        };
        if let Some(existing) = self.account(account)?.sessions.get(id) {
            return if existing.size == size && existing.requested_lease == lease {
                Ok((200, existing.to_model(now)))
            } else {
                Err(ApiError::conflict())
            };
        }
        let seq = self.next_seq();
        let handshake_port = self.rng.range_u16(49152, 65534);
        let mut inspector_port = self.rng.range_u16(49152, 65534);
        if inspector_port == handshake_port {
            inspector_port = if handshake_port == 65534 {
                49152
            } else {
                handshake_port + 1
            };
        }
        let lb = self.rng.next_u64() % 16;
        let record = SessionRecord {
            id: id.to_owned(),
            seq,
            size,
            requested_lease: lease,
            lease,
            created: now,
            ready_at: now + behaviour.startup_delay,
            handshake_port,
            inspector_port,
            hostname: format!(
                "lb{lb:02}.remoterendering.vm.{}.mixedreality.azure.com",
                behaviour.region
            ),
            stopped_at: None,
            failed: None,
        };
        let model = record.to_model(now);
        self.account(account)?
            .sessions
            .insert(id.to_owned(), record);
        Ok((201, model))
    }

    pub fn get_session(
        &mut self,
        account: &str,
        id: &str,
        now: Nanos,
    ) -> Result<Session, ApiError> {
        check_id(id, "session")?;
        self.account(account)?
            .sessions
            .get(id)
            .map(|s| s.to_model(now))
            .ok_or_else(ApiError::not_found)
    }

    /// PATCH session: the new lease must be larger than the current one and at most 1440
    /// (422 otherwise); allowed while `Starting` or `Ready`.
    pub fn update_session(
        &mut self,
        account: &str,
        id: &str,
        body: &serde_json::Value,
        now: Nanos,
    ) -> Result<Session, ApiError> {
        check_id(id, "session")?;
        let lease = match lease_field(body) {
            Ok(v) => v,
            Err(e) => {
                return Err(ApiError::unprocessable(
                    e.error.map(|e| e.message).unwrap_or_default(),
                ))
            }
        };
        let record = self
            .account(account)?
            .sessions
            .get_mut(id)
            .ok_or_else(ApiError::not_found)?;
        let status = record.view(now).status;
        if status.is_terminal() {
            return Err(ApiError::unprocessable(format!(
                "The session is {status}; only a Starting or Ready session can be updated."
            )));
        }
        if lease <= record.lease {
            return Err(ApiError::unprocessable(format!(
                "The maxLeaseTimeMinutes value must be larger than the current value ({}).",
                record.lease
            )));
        }
        if lease > MAX_LEASE_MINUTES {
            return Err(ApiError::unprocessable(format!(
                "The maxLeaseTimeMinutes value cannot be larger than {MAX_LEASE_MINUTES}."
            )));
        }
        record.lease = lease;
        Ok(record.to_model(now))
    }

    /// POST `:stop`: 204. Stopping a session that already ended changes nothing.
    pub fn stop_session(&mut self, account: &str, id: &str, now: Nanos) -> Result<(), ApiError> {
        check_id(id, "session")?;
        let record = self
            .account(account)?
            .sessions
            .get_mut(id)
            .ok_or_else(ApiError::not_found)?;
        if !record.view(now).status.is_terminal() {
            record.stopped_at = Some(now);
        }
        Ok(())
    }

    /// Puts a running session into `Error` (admin: to test a client's failure path). When the
    /// session is still starting the failure shows at once.
    pub fn fail_session(
        &mut self,
        account: &str,
        id: &str,
        error: ServiceError,
        now: Nanos,
    ) -> Result<Session, ApiError> {
        let record = self
            .account(account)?
            .sessions
            .get_mut(id)
            .ok_or_else(ApiError::not_found)?;
        if record.view(now).status.is_terminal() {
            return Err(ApiError::unprocessable("The session has already ended."));
        }
        record.failed = Some((now, error));
        Ok(record.to_model(now))
    }

    /// Sessions in `Starting` or `Ready`, oldest first, `page_size` at a time after `after`.
    pub fn list_sessions(
        &mut self,
        account: &str,
        after: u64,
        page_size: usize,
        now: Nanos,
    ) -> Result<Page<Session>, ApiError> {
        let mut live: Vec<&SessionRecord> = self
            .account(account)?
            .sessions
            .values()
            .filter(|s| s.seq > after && !s.view(now).status.is_terminal())
            .collect();
        live.sort_by_key(|s| s.seq);
        let next_after = (live.len() > page_size).then(|| live[page_size - 1].seq);
        let items = live
            .into_iter()
            .take(page_size)
            .map(|s| s.to_model(now))
            .collect();
        Ok(Page { items, next_after })
    }

    /// PUT conversion: validates and normalises the settings; 201 `NotStarted`, 200 with the
    /// stored conversion when the settings match, 409 when they do not, 403 without access to
    /// the storage.
    pub fn create_conversion(
        &mut self,
        account: &str,
        id: &str,
        body: &serde_json::Value,
        now: Nanos,
        behaviour: &Behaviour,
        storage: &Storage,
    ) -> Result<(u16, Conversion), ApiError> {
        check_id(id, "conversion")?;
        let sent = parse_conversion_settings(body)?;
        let (requested, normalised) = storage::normalise(&sent)?;
        storage::check_access(&sent, &behaviour.linked_storage)?;
        let acct = self.account(account)?;
        if let Some(existing) = acct.conversions.get_mut(id) {
            return if existing.requested == requested {
                Ok((200, existing.current(now, storage)))
            } else {
                Err(ApiError::conflict())
            };
        }
        let seq = self.next_seq();
        let record = ConversionRecord {
            id: id.to_owned(),
            seq,
            created: now,
            finishes_at: now + behaviour.conversion_duration,
            settings: normalised,
            requested,
            outcome: None,
        };
        // The PUT answer is the only place `NotStarted` is seen (recordings).
        let model = record.to_model(ConversionStatus::NotStarted);
        self.account(account)?
            .conversions
            .insert(id.to_owned(), record);
        Ok((201, model))
    }

    pub fn get_conversion(
        &mut self,
        account: &str,
        id: &str,
        now: Nanos,
        storage: &Storage,
    ) -> Result<Conversion, ApiError> {
        check_id(id, "conversion")?;
        self.account(account)?
            .conversions
            .get_mut(id)
            .map(|c| c.current(now, storage))
            .ok_or_else(ApiError::not_found)
    }

    /// Ends a running conversion as `Cancelled` or `Failed` (admin).
    pub fn end_conversion(
        &mut self,
        account: &str,
        id: &str,
        status: ConversionStatus,
        error: Option<ServiceError>,
        now: Nanos,
        storage: &Storage,
    ) -> Result<Conversion, ApiError> {
        let record = self
            .account(account)?
            .conversions
            .get_mut(id)
            .ok_or_else(ApiError::not_found)?;
        record.settle(now, storage);
        if record.outcome.is_some() {
            return Err(ApiError::unprocessable("The conversion has already ended."));
        }
        record.outcome = Some(ConversionOutcome {
            status,
            error,
            output_uri: None,
        });
        Ok(record.current(now, storage))
    }

    /// All conversions of the account (every status), oldest first.
    pub fn list_conversions(
        &mut self,
        account: &str,
        after: u64,
        page_size: usize,
        now: Nanos,
        storage: &Storage,
    ) -> Result<Page<Conversion>, ApiError> {
        let acct = self.account(account)?;
        let mut all: Vec<&mut ConversionRecord> = acct
            .conversions
            .values_mut()
            .filter(|c| c.seq > after)
            .collect();
        all.sort_by_key(|c| c.seq);
        let next_after = (all.len() > page_size).then(|| all[page_size - 1].seq);
        let items = all
            .into_iter()
            .take(page_size)
            .map(|c| c.current(now, storage))
            .collect();
        Ok(Page { items, next_after })
    }

    /// Every account's newest `limit` sessions (any status, also ended ones) and conversions,
    /// newest first, with the totals: what the dashboard shows. Accounts by id.
    pub fn overview(
        &mut self,
        now: Nanos,
        storage: &Storage,
        limit: usize,
    ) -> Vec<AccountOverview> {
        let mut out: Vec<AccountOverview> = self
            .accounts
            .iter_mut()
            .map(|(id, acct)| {
                let mut sessions: Vec<&SessionRecord> = acct.sessions.values().collect();
                sessions.sort_by_key(|s| std::cmp::Reverse(s.seq));
                let mut conversions: Vec<&mut ConversionRecord> =
                    acct.conversions.values_mut().collect();
                conversions.sort_by_key(|c| std::cmp::Reverse(c.seq));
                AccountOverview {
                    account: id.clone(),
                    session_count: sessions.len(),
                    conversion_count: conversions.len(),
                    sessions: sessions
                        .into_iter()
                        .take(limit)
                        .map(|s| s.to_model(now))
                        .collect(),
                    conversions: conversions
                        .into_iter()
                        .take(limit)
                        .map(|c| c.current(now, storage))
                        .collect(),
                }
            })
            .collect();
        out.sort_by(|a, b| a.account.cmp(&b.account));
        out
    }

    /// Counts per account and status, for the admin statistics.
    pub fn census(&self, now: Nanos) -> serde_json::Value {
        let mut sessions: HashMap<String, u64> = HashMap::new();
        let mut conversions: HashMap<String, u64> = HashMap::new();
        for acct in self.accounts.values() {
            for s in acct.sessions.values() {
                *sessions.entry(s.view(now).status.to_string()).or_default() += 1;
            }
            for c in acct.conversions.values() {
                let status = match &c.outcome {
                    Some(o) => o.status.to_string(),
                    None if now >= c.finishes_at => "Settling".to_owned(),
                    None => "Running".to_owned(),
                };
                *conversions.entry(status).or_default() += 1;
            }
        }
        serde_json::json!({ "sessions": sessions, "conversions": conversions })
    }
}

/// Reads a conversion body into settings, naming the first missing or mistyped field.
fn parse_conversion_settings(body: &serde_json::Value) -> Result<ConversionSettings, ApiError> {
    let settings = body
        .get("settings")
        .filter(|v| v.is_object())
        .ok_or_else(|| ApiError::bad_request("The settings field is required."))?;
    let section = |name: &str| {
        settings
            .get(name)
            .filter(|v| v.is_object())
            .ok_or_else(|| ApiError::bad_request(format!("The settings.{name} field is required.")))
    };
    let input = section("inputLocation")?;
    let output = section("outputLocation")?;
    let text = |obj: &serde_json::Value, section: &str, field: &str, required: bool| match obj
        .get(field)
    {
        None | Some(serde_json::Value::Null) if !required => Ok(None),
        None | Some(serde_json::Value::Null) => Err(ApiError::bad_request(format!(
            "The settings.{section}.{field} field is required."
        ))),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::bad_request(format!(
            "The settings.{section}.{field} field must be a string."
        ))),
    };
    let req = |obj, section, field| text(obj, section, field, true).map(|v| v.unwrap_or_default());
    Ok(ConversionSettings {
        input_location: ConversionInputSettings {
            storage_container_uri: req(input, "inputLocation", "storageContainerUri")?,
            storage_container_read_list_sas: text(
                input,
                "inputLocation",
                "storageContainerReadListSas",
                false,
            )?
            .map(Into::into),
            blob_prefix: text(input, "inputLocation", "blobPrefix", false)?,
            relative_input_asset_path: req(input, "inputLocation", "relativeInputAssetPath")?,
        },
        output_location: ConversionOutputSettings {
            storage_container_uri: req(output, "outputLocation", "storageContainerUri")?,
            storage_container_write_sas: text(
                output,
                "outputLocation",
                "storageContainerWriteSas",
                false,
            )?
            .map(Into::into),
            blob_prefix: text(output, "outputLocation", "blobPrefix", false)?,
            output_asset_filename: text(output, "outputLocation", "outputAssetFilename", false)?,
        },
    })
}

/// Nanoseconds in a whole number of emulated seconds given as `Duration`.
pub fn nanos(d: std::time::Duration) -> Nanos {
    i64::try_from(d.as_nanos()).unwrap_or(i64::MAX / 4)
}
