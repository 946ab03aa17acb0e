//! The service's state machine: sessions and conversions per account, evaluated lazily on
//! the emulated clock. Nothing runs in the background: a session is `Starting` until
//! `created + startup_delay`, then `Ready` until its lease runs out (`Expired`) or it is
//! stopped; a conversion is `Running` until `created + duration`, then settles once into
//! `Succeeded` or `Failed` (checking the storage root, if there is one).
//!
//! Every rule here that is not in the spec comes from the recordings (see API-NOTES §7).
//!
//! The store is indexed so that a list page costs O(page size): sessions not yet known to have
//! ended and all conversions are kept in order of creation (their `$skipToken` is that order),
//! and a page is a range of that order. Every change is noted, so that a state database can
//! write just the records that changed ([`Store::take_rows`]). With a retention period, ended
//! resources are deleted once it has passed, in order of their end.

use crate::clock::{to_datetime, Nanos, NANOS_PER_MIN};
pub use crate::error::ApiError;
use crate::rng::SplitMix64;
use crate::storage::{self, Storage};
use remote_rendering_models::{
    check_resource_id, Conversion, ConversionInputSettings, ConversionOutput,
    ConversionOutputSettings, ConversionSettings, ConversionStatus, ServiceError, Session,
    SessionSize, SessionStatus, Timestamp,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Largest lease the service accepts, in minutes (spec: "between 0 and 1440").
pub const MAX_LEASE_MINUTES: i64 = 1440;

/// Timing and naming that new resources take from the configuration.
#[derive(Clone, Debug)]
pub struct Behaviour {
    pub startup_delay: Nanos,
    pub conversion_duration: Nanos,
    pub region: String,
    pub linked_storage: Vec<String>,
}

/// A session as stored. Kept small: the id is the map's key (shared with the order index), the
/// hostname is shared by every session on the same emulated load balancer, and an error is
/// boxed (most sessions never have one).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionRecord {
    seq: u64,
    size: SessionSize,
    /// The lease asked for at creation (what a re-PUT is compared with).
    requested_lease: i64,
    lease: i64,
    created: Nanos,
    ready_at: Nanos,
    handshake_port: u16,
    inspector_port: u16,
    hostname: Arc<str>,
    stopped_at: Option<Nanos>,
    failed: Option<Box<(Nanos, ServiceError)>>,
}

/// A copy of a stored session, to answer from without holding the store.
pub struct SessionSnapshot {
    id: Arc<str>,
    record: SessionRecord,
}

impl SessionSnapshot {
    /// The session as the API shows it at `now`.
    pub fn to_model(&self, now: Nanos) -> Session {
        self.record.to_model(&self.id, now)
    }
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

    /// When the session ends (or is due to end, if nothing else happens first).
    fn ends_at(&self) -> Nanos {
        let mut end = self.expires_at().max(self.ready_at);
        if let Some(b) = &self.failed {
            end = end.min(b.0);
        }
        if let Some(t) = self.stopped_at {
            end = end.min(t);
        }
        end
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
        if let Some(b) = &self.failed {
            consider(b.0, SessionStatus::Error);
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

    fn to_model(&self, id: &str, now: Nanos) -> Session {
        let view = self.view(now);
        let ready = view.status == SessionStatus::Ready;
        Session {
            id: id.to_owned(),
            creation_time: Some(session_creation_time(self.created)),
            arr_inspector_port: ready.then_some(self.inspector_port),
            handshake_port: ready.then_some(self.handshake_port),
            elapsed_time_minutes: Some(view.elapsed),
            hostname: ready.then(|| self.hostname.to_string()),
            max_lease_time_minutes: Some(self.lease),
            size: self.size.clone(),
            // Stopped and expired sessions keep their teraflops (recordings), drop the rest.
            teraflops: view.reached_ready.then(|| teraflops(&self.size)),
            error: match view.status {
                SessionStatus::Error => self.failed.as_ref().map(|b| b.1.clone()),
                _ => None,
            },
            status: view.status,
        }
    }
}

/// A session's `creationTime` text. Formatting it was an eighth of the instructions of a
/// GET session, and a client polls the same session again and again, so each thread keeps
/// the last few it formatted (a small direct-mapped table: bounded, and no lock).
fn session_creation_time(created: Nanos) -> Timestamp {
    const SLOTS: usize = 64;
    thread_local! {
        static FORMATTED: std::cell::RefCell<Vec<Option<(Nanos, Timestamp)>>> =
            std::cell::RefCell::new(vec![None; SLOTS]);
    }
    FORMATTED.with(|cell| {
        let mut slots = cell.borrow_mut();
        let slot = &mut slots[created.rem_euclid(SLOTS as i64) as usize];
        match slot {
            Some((at, text)) if *at == created => text.clone(),
            _ => {
                let text = Timestamp::session_form(to_datetime(created));
                *slot = Some((created, text.clone()));
                text
            }
        }
    })
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
    seq: u64,
    created: Nanos,
    finishes_at: Nanos,
    /// When it was cancelled or failed by the admin API, before `finishes_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ended_early: Option<Nanos>,
    /// Normalised settings as echoed back (no SAS).
    settings: ConversionSettings,
    /// The settings as sent (minus SAS), for comparing a re-PUT.
    requested: ConversionSettings,
    outcome: Option<ConversionOutcome>,
    /// On blob storage: the work runs in a task (`blob.rs`), and the conversion stays
    /// `Running` until its outcome is here, however late.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    blob: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    blob_outcome: Option<ConversionOutcome>,
    /// Whether this process runs the task (not saved: after a restart it is gone).
    #[serde(skip)]
    blob_task: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct ConversionOutcome {
    status: ConversionStatus,
    error: Option<ServiceError>,
    output_uri: Option<String>,
}

impl ConversionRecord {
    fn ends_at(&self) -> Nanos {
        self.ended_early.unwrap_or(self.finishes_at)
    }

    fn to_model(&self, id: &str, status: ConversionStatus) -> Conversion {
        let outcome = self.outcome.as_ref();
        Conversion {
            id: id.to_owned(),
            creation_time: Timestamp::conversion_form(to_datetime(self.created)),
            settings: self.settings.clone(),
            output: outcome
                .and_then(|o| o.output_uri.clone())
                .map(|output_asset_uri| ConversionOutput { output_asset_uri }),
            error: outcome.and_then(|o| o.error.clone()),
            status,
        }
    }

    /// Settles the outcome once the conversion's time is up. True if it settled now.
    fn settle(&mut self, now: Nanos, storage: &Storage) -> bool {
        let due = self.outcome.is_none() && now >= self.finishes_at;
        if due && self.blob {
            let outcome = match self.blob_outcome.take() {
                Some(outcome) => outcome,
                None if self.blob_task => return false,
                // Saved as running by a process that is gone: its task went with it.
                None => ConversionOutcome {
                    status: ConversionStatus::Failed,
                    error: Some(ServiceError::new(
                        "InternalServerError",
                        "The conversion was interrupted (the emulator restarted while it ran).",
                    )),
                    output_uri: None,
                },
            };
            self.outcome = Some(outcome);
            return true;
        }
        if due {
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
        due
    }

    fn status(&self) -> ConversionStatus {
        self.outcome
            .as_ref()
            .map_or(ConversionStatus::Running, |o| o.status.clone())
    }
}

/// One account's resources, by id and in order of creation.
#[derive(Debug)]
pub struct AccountState {
    key: Arc<str>,
    sessions: HashMap<Arc<str>, SessionRecord>,
    /// Sessions not yet seen to have ended, by sequence number: what the list shows. An ended
    /// session leaves it when it is stopped or failed, or when a list walks past it.
    live_sessions: BTreeMap<u64, Arc<str>>,
    conversions: HashMap<Arc<str>, ConversionRecord>,
    conversion_order: BTreeMap<u64, Arc<str>>,
}

impl AccountState {
    fn new(key: &str) -> Self {
        AccountState {
            key: key.into(),
            sessions: HashMap::new(),
            live_sessions: BTreeMap::new(),
            conversions: HashMap::new(),
            conversion_order: BTreeMap::new(),
        }
    }
}

/// Which table a record belongs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Session,
    Conversion,
}

/// A record that changed, to be written to (or, with `record: None`, deleted from) a state
/// database.
#[derive(Debug)]
pub struct Row {
    pub kind: Kind,
    pub account: Arc<str>,
    pub id: Arc<str>,
    /// `(seq, ends_at, the record as JSON)`; `None` once it is deleted.
    pub record: Option<(u64, Nanos, String)>,
}

/// A record read back from a state database.
pub struct StoredRow {
    pub kind: Kind,
    pub account: String,
    pub id: String,
    pub record: String,
}

/// Which record: its table, account (lower-cased) and id.
type RecordKey = (Kind, Arc<str>, Arc<str>);

/// All accounts' resources. Account keys are lower-cased ids.
#[derive(Debug)]
pub struct Store {
    next_seq: u64,
    accounts: HashMap<String, AccountState>,
    rng: SplitMix64,
    /// Hostnames in use, shared between sessions.
    hostnames: HashMap<String, Arc<str>>,
    /// Records changed since the last [`take_rows`](Store::take_rows).
    changed: Vec<RecordKey>,
    /// How long ended resources are kept, and when each is due to end (retention only).
    retention: Option<Nanos>,
    endings: BTreeMap<(Nanos, u64), RecordKey>,
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
    /// An empty store for these accounts. `retention`: how long (emulated) ended sessions and
    /// conversions stay readable; `None` keeps them.
    pub fn new(account_ids: impl IntoIterator<Item = String>, retention: Option<Nanos>) -> Self {
        let mut store = Store {
            next_seq: 0,
            accounts: HashMap::new(),
            rng: SplitMix64::from_entropy(),
            hostnames: HashMap::new(),
            changed: Vec::new(),
            retention,
            endings: BTreeMap::new(),
        };
        store.ensure_accounts(account_ids);
        store
    }

    /// Adds empty state for accounts that have none (after loading a state file, say).
    pub fn ensure_accounts(&mut self, account_ids: impl IntoIterator<Item = String>) {
        for id in account_ids {
            let key = id.to_ascii_lowercase();
            if !self.accounts.contains_key(&key) {
                self.accounts.insert(key.clone(), AccountState::new(&key));
            }
        }
    }

    /// Adds records read back from a state database. An unreadable record is an error naming
    /// it (the database is not half-loaded).
    pub fn restore(
        &mut self,
        rows: impl IntoIterator<Item = StoredRow>,
        next_seq: u64,
    ) -> Result<(), String> {
        self.next_seq = self.next_seq.max(next_seq);
        for row in rows {
            let key = row.account.to_ascii_lowercase();
            if !self.accounts.contains_key(&key) {
                self.accounts.insert(key.clone(), AccountState::new(&key));
            }
            let bad = |e: serde_json::Error| {
                format!(
                    "the stored {:?} {}/{} cannot be read: {e}",
                    row.kind, row.account, row.id
                )
            };
            let id: Arc<str> = row.id.as_str().into();
            match row.kind {
                Kind::Session => {
                    let mut record: SessionRecord =
                        serde_json::from_str(&row.record).map_err(bad)?;
                    record.hostname = self.intern_hostname(&record.hostname.clone());
                    self.next_seq = self.next_seq.max(record.seq);
                    let ends = record.ends_at();
                    let acct = self.accounts.get_mut(&key).expect("inserted above");
                    let account = acct.key.clone();
                    if record.stopped_at.is_none() && record.failed.is_none() {
                        acct.live_sessions.insert(record.seq, id.clone());
                    }
                    if self.retention.is_some() {
                        self.endings
                            .insert((ends, record.seq), (Kind::Session, account, id.clone()));
                    }
                    acct.sessions.insert(id, record);
                }
                Kind::Conversion => {
                    let record: ConversionRecord =
                        serde_json::from_str(&row.record).map_err(bad)?;
                    self.next_seq = self.next_seq.max(record.seq);
                    let acct = self.accounts.get_mut(&key).expect("inserted above");
                    let account = acct.key.clone();
                    acct.conversion_order.insert(record.seq, id.clone());
                    if self.retention.is_some() {
                        self.endings.insert(
                            (record.ends_at(), record.seq),
                            (Kind::Conversion, account, id.clone()),
                        );
                    }
                    acct.conversions.insert(id, record);
                }
            }
        }
        Ok(())
    }

    /// The highest sequence number handed out so far.
    pub fn last_seq(&self) -> u64 {
        self.next_seq
    }

    fn intern_hostname(&mut self, hostname: &str) -> Arc<str> {
        if let Some(h) = self.hostnames.get(hostname) {
            return h.clone();
        }
        let h: Arc<str> = hostname.into();
        self.hostnames.insert(hostname.to_owned(), h.clone());
        h
    }

    /// Notes that a record changed (and, with retention, when it now ends).
    fn touched(
        &mut self,
        kind: Kind,
        account: &Arc<str>,
        id: &Arc<str>,
        old_end: Option<(Nanos, u64)>,
        new_end: Option<(Nanos, u64)>,
    ) {
        self.changed.push((kind, account.clone(), id.clone()));
        if self.retention.is_some() && old_end != new_end {
            if let Some(old) = old_end {
                self.endings.remove(&old);
            }
            if let Some(new) = new_end {
                self.endings
                    .insert(new, (kind, account.clone(), id.clone()));
            }
        }
    }

    /// The records changed since the last call, as rows for a state database (each once, in
    /// the order of their first change).
    pub fn take_rows(&mut self) -> Vec<Row> {
        if self.changed.is_empty() {
            return Vec::new();
        }
        let mut seen = std::collections::HashSet::new();
        let changed = std::mem::take(&mut self.changed);
        let mut rows = Vec::with_capacity(changed.len());
        for (kind, account, id) in changed {
            if !seen.insert((kind, account.clone(), id.clone())) {
                continue;
            }
            let acct = self.accounts.get(account.as_ref());
            let record = match kind {
                Kind::Session => acct.and_then(|a| a.sessions.get(&id)).map(|r| {
                    (
                        r.seq,
                        r.ends_at(),
                        serde_json::to_string(r).expect("records serialise"),
                    )
                }),
                Kind::Conversion => acct.and_then(|a| a.conversions.get(&id)).map(|r| {
                    (
                        r.seq,
                        r.ends_at(),
                        serde_json::to_string(r).expect("records serialise"),
                    )
                }),
            };
            rows.push(Row {
                kind,
                account,
                id,
                record,
            });
        }
        rows
    }

    /// Deletes the resources that ended more than the retention period before `now`. Cheap
    /// when there is nothing to delete (one look at the earliest end).
    pub fn purge(&mut self, now: Nanos) {
        let Some(retention) = self.retention else {
            return;
        };
        while let Some(entry) = self.endings.first_entry() {
            let (end, seq) = *entry.key();
            if end.saturating_add(retention) > now {
                break;
            }
            let (kind, account, id) = entry.remove();
            let Some(acct) = self.accounts.get_mut(account.as_ref()) else {
                continue;
            };
            match kind {
                Kind::Session => {
                    acct.sessions.remove(&id);
                    acct.live_sessions.remove(&seq);
                }
                Kind::Conversion => {
                    acct.conversions.remove(&id);
                    acct.conversion_order.remove(&seq);
                }
            }
            self.changed.push((kind, account, id));
        }
    }

    fn account_key(&self, account: &str) -> Result<Arc<str>, ApiError> {
        self.accounts
            .get(&account.to_ascii_lowercase())
            .map(|a| a.key.clone())
            .ok_or_else(ApiError::not_found)
    }

    fn account(&mut self, account: &str) -> Result<&mut AccountState, ApiError> {
        // Authentication already tied the token to this account; a configured account always
        // has state, so this only fails for an account that does not exist.
        // Clients send the id as issued, lower-cased, most of the time: no copy for those.
        let lowered;
        let key = if account.bytes().any(|b| b.is_ascii_uppercase()) {
            lowered = account.to_ascii_lowercase();
            lowered.as_str()
        } else {
            account
        };
        self.accounts.get_mut(key).ok_or_else(ApiError::not_found)
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
                Ok((200, existing.to_model(id, now)))
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
        let hostname = self.intern_hostname(&format!(
            "lb{lb:02}.remoterendering.vm.{}.mixedreality.azure.com",
            behaviour.region
        ));
        let record = SessionRecord {
            seq,
            size,
            requested_lease: lease,
            lease,
            created: now,
            ready_at: now + behaviour.startup_delay,
            handshake_port,
            inspector_port,
            hostname,
            stopped_at: None,
            failed: None,
        };
        let model = record.to_model(id, now);
        let end = (record.ends_at(), seq);
        let key: Arc<str> = id.into();
        let acct = self.account(account)?;
        acct.live_sessions.insert(seq, key.clone());
        acct.sessions.insert(key.clone(), record);
        let account = acct.key.clone();
        self.touched(Kind::Session, &account, &key, None, Some(end));
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
            .map(|s| s.to_model(id, now))
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
        let account = self.account_key(account)?;
        let acct = self.account(&account)?;
        let key = acct
            .sessions
            .get_key_value(id)
            .map(|(k, _)| k.clone())
            .ok_or_else(ApiError::not_found)?;
        let record = acct.sessions.get_mut(id).expect("found above");
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
        let old_end = (record.ends_at(), record.seq);
        record.lease = lease;
        let new_end = (record.ends_at(), record.seq);
        let model = record.to_model(id, now);
        self.touched(Kind::Session, &account, &key, Some(old_end), Some(new_end));
        Ok(model)
    }

    /// POST `:stop`: 204. Stopping a session that already ended changes nothing.
    pub fn stop_session(&mut self, account: &str, id: &str, now: Nanos) -> Result<(), ApiError> {
        check_id(id, "session")?;
        let account = self.account_key(account)?;
        let acct = self.account(&account)?;
        let key = acct
            .sessions
            .get_key_value(id)
            .map(|(k, _)| k.clone())
            .ok_or_else(ApiError::not_found)?;
        let record = acct.sessions.get_mut(id).expect("found above");
        if !record.view(now).status.is_terminal() {
            let old_end = (record.ends_at(), record.seq);
            record.stopped_at = Some(now);
            let new_end = (record.ends_at(), record.seq);
            acct.live_sessions.remove(&new_end.1);
            self.touched(Kind::Session, &account, &key, Some(old_end), Some(new_end));
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
        let account = self.account_key(account)?;
        let acct = self.account(&account)?;
        let key = acct
            .sessions
            .get_key_value(id)
            .map(|(k, _)| k.clone())
            .ok_or_else(ApiError::not_found)?;
        let record = acct.sessions.get_mut(id).expect("found above");
        if record.view(now).status.is_terminal() {
            return Err(ApiError::unprocessable("The session has already ended."));
        }
        let old_end = (record.ends_at(), record.seq);
        record.failed = Some(Box::new((now, error)));
        let new_end = (record.ends_at(), record.seq);
        let model = record.to_model(id, now);
        acct.live_sessions.remove(&new_end.1);
        self.touched(Kind::Session, &account, &key, Some(old_end), Some(new_end));
        Ok(model)
    }

    /// Sessions in `Starting` or `Ready`, oldest first, `page_size` at a time after `after`:
    /// a range of the live index, so O(page size) however many sessions the account has
    /// (sessions found ended on the way leave the index, so each is skipped once).
    ///
    /// The page holds copies of the records (cheap: shared strings); the caller builds the
    /// answer from them after the store's lock is released.
    pub fn list_sessions(
        &mut self,
        account: &str,
        after: u64,
        page_size: usize,
        now: Nanos,
    ) -> Result<Page<SessionSnapshot>, ApiError> {
        let acct = self.account(account)?;
        let mut items = Vec::with_capacity(page_size.min(1024));
        let mut ended = Vec::new();
        let mut last = None;
        let mut next_after = None;
        for (&seq, id) in acct.live_sessions.range(after.saturating_add(1)..) {
            let Some(record) = acct.sessions.get(id) else {
                ended.push(seq);
                continue;
            };
            if record.view(now).status.is_terminal() {
                ended.push(seq);
                continue;
            }
            if items.len() == page_size {
                next_after = last;
                break;
            }
            items.push(SessionSnapshot {
                id: id.clone(),
                record: record.clone(),
            });
            last = Some(seq);
        }
        for seq in ended {
            acct.live_sessions.remove(&seq);
        }
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
        let (requested, normalised) = storage::normalise(&sent, storage.names())?;
        storage::check_access(&sent, &behaviour.linked_storage)?;
        let account = self.account_key(account)?;
        if self.account(&account)?.conversions.contains_key(id) {
            let same = self.account(&account)?.conversions[id].requested == requested;
            return if same {
                Ok((200, self.current_conversion(&account, id, now, storage)?))
            } else {
                Err(ApiError::conflict())
            };
        }
        let seq = self.next_seq();
        let record = ConversionRecord {
            seq,
            created: now,
            finishes_at: now + behaviour.conversion_duration,
            ended_early: None,
            settings: normalised,
            requested,
            outcome: None,
            blob: storage.blob_storage,
            blob_outcome: None,
            blob_task: storage.blob_storage,
        };
        // The PUT answer is the only place `NotStarted` is seen (recordings).
        let model = record.to_model(id, ConversionStatus::NotStarted);
        let end = (record.ends_at(), seq);
        let key: Arc<str> = id.into();
        let acct = self.account(&account)?;
        acct.conversion_order.insert(seq, key.clone());
        acct.conversions.insert(key.clone(), record);
        self.touched(Kind::Conversion, &account, &key, None, Some(end));
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
        let account = self.account_key(account)?;
        self.current_conversion(&account, id, now, storage)
    }

    /// The conversion as it is now, settling it (a change to save) when its time is up.
    fn current_conversion(
        &mut self,
        account: &Arc<str>,
        id: &str,
        now: Nanos,
        storage: &Storage,
    ) -> Result<Conversion, ApiError> {
        let acct = self.account(account)?;
        let key = acct
            .conversions
            .get_key_value(id)
            .map(|(k, _)| k.clone())
            .ok_or_else(ApiError::not_found)?;
        let record = acct.conversions.get_mut(id).expect("found above");
        let settled = record.settle(now, storage);
        let model = record.to_model(id, record.status());
        if settled {
            self.changed.push((Kind::Conversion, account.clone(), key));
        }
        Ok(model)
    }

    /// Records the outcome of a conversion's blob work (`blob.rs`): the conversion settles with
    /// it once its time is up. A conversion ended meanwhile (admin) keeps its end.
    pub fn finish_blob_conversion(
        &mut self,
        account: &str,
        id: &str,
        result: Result<String, ServiceError>,
    ) {
        let Ok(account) = self.account_key(account) else {
            return;
        };
        let Ok(acct) = self.account(&account) else {
            return;
        };
        let Some((key, record)) = acct
            .conversions
            .get_key_value(id)
            .map(|(k, _)| k.clone())
            .and_then(|k| acct.conversions.get_mut(id).map(|r| (k, r)))
        else {
            return;
        };
        if record.outcome.is_some() {
            return;
        }
        record.blob_task = false;
        record.blob_outcome = Some(match result {
            Ok(uri) => ConversionOutcome {
                status: ConversionStatus::Succeeded,
                error: None,
                output_uri: Some(uri),
            },
            Err(error) => ConversionOutcome {
                status: ConversionStatus::Failed,
                error: Some(error),
                output_uri: None,
            },
        });
        self.changed.push((Kind::Conversion, account, key));
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
        let account = self.account_key(account)?;
        let acct = self.account(&account)?;
        let key = acct
            .conversions
            .get_key_value(id)
            .map(|(k, _)| k.clone())
            .ok_or_else(ApiError::not_found)?;
        let record = acct.conversions.get_mut(id).expect("found above");
        if record.settle(now, storage) {
            self.changed.push((Kind::Conversion, account.clone(), key));
            return Err(ApiError::unprocessable("The conversion has already ended."));
        }
        if record.outcome.is_some() {
            return Err(ApiError::unprocessable("The conversion has already ended."));
        }
        let old_end = (record.ends_at(), record.seq);
        record.outcome = Some(ConversionOutcome {
            status,
            error,
            output_uri: None,
        });
        record.ended_early = Some(now);
        let new_end = (record.ends_at(), record.seq);
        let model = record.to_model(id, record.status());
        self.touched(
            Kind::Conversion,
            &account,
            &key,
            Some(old_end),
            Some(new_end),
        );
        Ok(model)
    }

    /// All conversions of the account (every status), oldest first: a range of the order
    /// index, O(page size).
    pub fn list_conversions(
        &mut self,
        account: &str,
        after: u64,
        page_size: usize,
        now: Nanos,
        storage: &Storage,
    ) -> Result<Page<Conversion>, ApiError> {
        let account = self.account_key(account)?;
        let acct = self.account(&account)?;
        let page: Vec<(u64, Arc<str>)> = acct
            .conversion_order
            .range(after.saturating_add(1)..)
            .take(page_size.saturating_add(1))
            .map(|(seq, id)| (*seq, id.clone()))
            .collect();
        let next_after = (page.len() > page_size).then(|| page[page_size - 1].0);
        let mut items = Vec::with_capacity(page.len().min(page_size));
        for (_, id) in page.into_iter().take(page_size) {
            items.push(self.current_conversion(&account, &id, now, storage)?);
        }
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
        let mut names: Vec<String> = self.accounts.keys().cloned().collect();
        names.sort();
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let acct = &self.accounts[&name];
            let key = acct.key.clone();
            let mut sessions: Vec<(&Arc<str>, &SessionRecord)> = acct.sessions.iter().collect();
            sessions.sort_by_key(|(_, s)| std::cmp::Reverse(s.seq));
            let session_count = sessions.len();
            let sessions: Vec<Session> = sessions
                .into_iter()
                .take(limit)
                .map(|(id, s)| s.to_model(id, now))
                .collect();
            let conversion_count = acct.conversions.len();
            let newest: Vec<Arc<str>> = acct
                .conversion_order
                .values()
                .rev()
                .take(limit)
                .cloned()
                .collect();
            // As a GET sees them: a conversion whose time is up is settled (and saved).
            let conversions = newest
                .iter()
                .filter_map(|id| self.current_conversion(&key, id, now, storage).ok())
                .collect();
            out.push(AccountOverview {
                account: name,
                sessions,
                conversions,
                session_count,
                conversion_count,
            });
        }
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
pub(crate) fn parse_conversion_settings(
    body: &serde_json::Value,
) -> Result<ConversionSettings, ApiError> {
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
