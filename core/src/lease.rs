//! Keeping a session alive, and making sure it is stopped.
//!
//! The [`LeaseKeeper`] extends `maxLeaseTimeMinutes` in fixed steps when the server-reported
//! `elapsedTimeMinutes` comes within a margin of it (never from local clocks, which know
//! nothing of when the session became `Ready`), up to a hard cap, and stops the session when it
//! is stopped, closed or dropped (also when the caller's code fails or panics).
//! [`ManagedSession`] is the whole pattern: start, wait for `Ready`, keep alive, always stop.
//!
//! With a [`budget`](LeaseOptions::budget) the keeper never extends the lease to one whose
//! projected cost (see [`CostRates`]) passes it: when the next step would, it stops the session
//! instead (before the lease it has runs out), and says so in [`LeaseKeeper::stopped_by_budget`].

use crate::client::{check_id, new_session_id, Client, MAX_LEASE_MINUTES};
use crate::cost::{check_budget, CostRates};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Session, SessionSize, SessionStatus};
use crate::vocabulary;
use crate::wait::WaitOptions;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How the lease keeper renews. The defaults are the same in every language.
#[derive(Clone, Debug, PartialEq)]
pub struct LeaseOptions {
    /// Minutes added to the lease each time (fixed steps, never doubling).
    pub step_minutes: u32,
    /// Extend when `elapsedTimeMinutes + margin_minutes >= maxLeaseTimeMinutes`.
    pub margin_minutes: u32,
    /// The lease is never extended past this many minutes (at most 1440): the hard cap on what
    /// the session may cost.
    pub max_total_minutes: u32,
    /// How often the session is read.
    pub check_interval: Duration,
    /// Stop the session when the keeper is dropped (or closed).
    pub stop_on_drop: bool,
    /// The most the session may cost (in the currency of `cost_rates`): the lease is never
    /// extended to one whose projected cost passes it, and the session is stopped when the next
    /// step would. `None` (the default): no budget.
    pub budget: Option<f64>,
    /// The rates the budget is counted at; needed with a budget. `None` by default: no rate is
    /// assumed.
    pub cost_rates: Option<CostRates>,
}

impl Default for LeaseOptions {
    fn default() -> Self {
        LeaseOptions {
            step_minutes: vocabulary::DEFAULT_LEASE_STEP_MINUTES,
            margin_minutes: vocabulary::DEFAULT_LEASE_MARGIN_MINUTES,
            max_total_minutes: vocabulary::DEFAULT_LEASE_MAX_TOTAL_MINUTES,
            check_interval: vocabulary::DEFAULT_LEASE_CHECK_INTERVAL,
            stop_on_drop: true,
            budget: None,
            cost_rates: None,
        }
    }
}

impl LeaseOptions {
    fn validate(&self) -> Result<()> {
        if self.step_minutes == 0 {
            return Err(Error::invalid_input(
                "lease.step_minutes",
                "must be at least 1",
            ));
        }
        if self.max_total_minutes > MAX_LEASE_MINUTES {
            return Err(Error::invalid_input(
                "lease.max_total_minutes",
                format!(
                    "must be at most {MAX_LEASE_MINUTES}, got {}",
                    self.max_total_minutes
                ),
            ));
        }
        if self.check_interval.is_zero() {
            return Err(Error::invalid_input(
                "lease.check_interval",
                "must be more than 0",
            ));
        }
        if let Some(rates) = &self.cost_rates {
            rates.validate().map_err(|e| {
                Error::invalid_input(
                    lease_field(e.field().unwrap_or("cost_rates")),
                    e.message().split_once(": ").map_or(e.message(), |(_, m)| m),
                )
            })?;
        }
        if let Some(budget) = self.budget {
            check_budget("lease.budget", budget)?;
            if self.cost_rates.as_ref().is_none_or(CostRates::is_empty) {
                return Err(Error::invalid_input(
                    "lease.cost_rates",
                    "must give the rate of the session's size when lease.budget is set",
                ));
            }
        }
        Ok(())
    }

    /// With a budget: refuses a first lease whose projected cost already passes it.
    fn check_first_lease(&self, size: &SessionSize, lease_minutes: u32) -> Result<()> {
        match (self.budget, &self.cost_rates) {
            (Some(budget), Some(rates)) => rates
                .check_lease("lease.budget", size, lease_minutes, budget)
                .map_err(|e| match e.field() {
                    Some(f) if f.starts_with("cost_rates") => Error::invalid_input(
                        lease_field(f),
                        e.message().split_once(": ").map_or(e.message(), |(_, m)| m),
                    ),
                    _ => e,
                }),
            _ => Ok(()),
        }
    }
}

/// The name of a cost-rate field inside the lease options (`lease.cost_rates.…`).
fn lease_field(field: &str) -> &'static str {
    match field {
        "cost_rates.standard_per_hour" => "lease.cost_rates.standard_per_hour",
        "cost_rates.premium_per_hour" => "lease.cost_rates.premium_per_hour",
        _ => "lease.cost_rates",
    }
}

/// Stops a session once: on request, or when dropped while armed.
struct StopGuard {
    client: Client,
    id: String,
    armed: AtomicBool,
    runtime: tokio::runtime::Handle,
}

impl StopGuard {
    fn new(client: &Client, id: &str) -> Result<Arc<StopGuard>> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            Error::new(
                ErrorKind::InvalidInput,
                "keeping a session needs a tokio runtime (call it from within one)",
            )
        })?;
        Ok(Arc::new(StopGuard {
            client: client.clone(),
            id: id.to_owned(),
            armed: AtomicBool::new(true),
            runtime,
        }))
    }

    async fn stop_now(&self) -> Result<()> {
        if self.armed.swap(false, Ordering::SeqCst) {
            stop_quietly(&self.client, &self.id).await
        } else {
            Ok(())
        }
    }

    fn disarm(&self) {
        self.armed.store(false, Ordering::SeqCst);
    }
}

/// How long a drop may block to stop its session.
const STOP_ON_DROP_LIMIT: Duration = Duration::from_secs(30);

impl Drop for StopGuard {
    /// Stops the session before returning where the runtime allows it: a task spawned from a
    /// drop is cancelled when the runtime shuts down right after (a `main` that fails with
    /// `?`), and the session would keep running. On a multi-thread runtime, or outside any
    /// runtime, the drop blocks (at most [`STOP_ON_DROP_LIMIT`]) until the stop is answered;
    /// on a current-thread runtime, which cannot be blocked, the stop runs as a task.
    fn drop(&mut self) {
        if !self.armed.swap(false, Ordering::SeqCst) {
            return;
        }
        let client = self.client.clone();
        let id = self.id.clone();
        tracing::info!(session = %id, "stopping the session its guard was dropped with");
        let stop = async move {
            let outcome =
                tokio::time::timeout(STOP_ON_DROP_LIMIT, stop_quietly(&client, &id)).await;
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    tracing::error!(session = %id, error = %e, "could not stop the session; it keeps running until its lease ends")
                }
                Err(_) => {
                    tracing::error!(session = %id, "stopping the session timed out; it keeps running until its lease ends")
                }
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(current)
                if current.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread =>
            {
                // A runtime that is shutting down refuses (panics): never let that turn a drop
                // during unwinding into an abort.
                let driven = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    tokio::task::block_in_place(|| current.block_on(stop))
                }));
                if driven.is_err() {
                    tracing::error!(session = %self.id, "the runtime is shutting down; the session keeps running until its lease ends");
                }
            }
            Ok(current) => {
                current.spawn(stop);
            }
            Err(_)
                if self.runtime.runtime_flavor()
                    == tokio::runtime::RuntimeFlavor::CurrentThread =>
            {
                // Outside any runtime, the guard made on a current-thread runtime (a binding's
                // blocking calls, `blocking::Driver`): its handle cannot drive I/O itself, so
                // the stop runs as a task there (driven by a blocking call or the driver's
                // background thread) and this drop waits for it with a limit of its own.
                let (tx, rx) = std::sync::mpsc::channel();
                self.runtime.spawn(async move {
                    stop.await;
                    let _ = tx.send(());
                });
                if rx
                    .recv_timeout(STOP_ON_DROP_LIMIT + Duration::from_secs(1))
                    .is_err()
                {
                    tracing::error!(session = %self.id, "the runtime is gone or stuck; the session keeps running until its lease ends");
                }
            }
            Err(_) => {
                // Outside any runtime (a binding's drop on a plain thread): drive the stop on
                // the runtime the guard was made on, if it still runs.
                let runtime = self.runtime.clone();
                let driven = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    runtime.block_on(stop)
                }));
                if driven.is_err() {
                    tracing::error!(session = %self.id, "the runtime is gone; the session keeps running until its lease ends");
                }
            }
        }
    }
}

/// Stops a session; a session that is gone already counts as stopped.
async fn stop_quietly(client: &Client, id: &str) -> Result<()> {
    match client.stop_session(id).await {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[derive(Default)]
struct KeeperState {
    latest: Mutex<Option<Session>>,
    extensions: AtomicU32,
    finished: AtomicBool,
    stopped_by_budget: AtomicBool,
}

/// Keeps one session's lease renewed in the background (a task on the current tokio runtime).
pub struct LeaseKeeper {
    id: String,
    cancel: CancellationToken,
    state: Arc<KeeperState>,
    guard: Option<Arc<StopGuard>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for LeaseKeeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaseKeeper")
            .field("session_id", &self.id)
            .field("extensions", &self.extensions())
            .field("finished", &self.is_finished())
            .finish()
    }
}

impl LeaseKeeper {
    /// The id of the session this keeper extends.
    pub fn session_id(&self) -> &str {
        &self.id
    }

    /// The session as the keeper last read it.
    pub fn latest(&self) -> Option<Session> {
        self.state.latest.lock().unwrap().clone()
    }

    /// How many times the lease was extended.
    pub fn extensions(&self) -> u32 {
        self.state.extensions.load(Ordering::SeqCst)
    }

    /// Whether the keeper ended because the session ended (or is gone), also when it stopped
    /// the session for its budget.
    pub fn is_finished(&self) -> bool {
        self.state.finished.load(Ordering::SeqCst)
    }

    /// Whether the keeper stopped the session because the next extension would have passed
    /// [`LeaseOptions::budget`].
    pub fn stopped_by_budget(&self) -> bool {
        self.state.stopped_by_budget.load(Ordering::SeqCst)
    }

    /// Ends the renewals and stops the session (when `stop_on_drop` was set), waiting for the
    /// stop to be acknowledged.
    pub async fn close(mut self) -> Result<()> {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        match self.guard.take() {
            Some(g) => g.stop_now().await,
            None => Ok(()),
        }
    }

    /// Ends the renewals and leaves the session running.
    pub async fn detach(mut self) {
        if let Some(g) = self.guard.take() {
            g.disarm();
        }
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for LeaseKeeper {
    fn drop(&mut self) {
        self.cancel.cancel();
        // The guard, if still here, stops the session as it drops.
    }
}

impl Client {
    /// Starts keeping session `id` alive (see [`LeaseOptions`]). Must be called within a
    /// tokio runtime; the renewals run as a task on it.
    pub fn keep_alive(&self, id: &str, options: LeaseOptions) -> Result<LeaseKeeper> {
        check_id("session_id", id)?;
        options.validate()?;
        let guard = StopGuard::new(self, id)?;
        let cancel = CancellationToken::new();
        let state = Arc::new(KeeperState::default());
        let task = guard.runtime.spawn(keep(
            self.clone(),
            id.to_owned(),
            options.clone(),
            cancel.clone(),
            state.clone(),
        ));
        if !options.stop_on_drop {
            guard.disarm();
        }
        Ok(LeaseKeeper {
            id: id.to_owned(),
            cancel,
            state,
            guard: options.stop_on_drop.then_some(guard),
            task: Some(task),
        })
    }
}

async fn keep(
    client: Client,
    id: String,
    options: LeaseOptions,
    cancel: CancellationToken,
    state: Arc<KeeperState>,
) {
    let cap = i64::from(options.max_total_minutes);
    loop {
        let read = tokio::select! {
            r = client.get_session(&id) => r,
            _ = cancel.cancelled() => return,
        };
        match read {
            Ok(resp) => {
                let s = resp.into_inner();
                *state.latest.lock().unwrap() = Some(s.clone());
                if s.status.is_terminal() {
                    tracing::info!(session = %id, status = %s.status, "the session ended; lease keeper done");
                    state.finished.store(true, Ordering::SeqCst);
                    return;
                }
                let lease = s.lease_minutes.unwrap_or(0);
                let elapsed = s.elapsed_minutes.unwrap_or(0);
                let due = s.status == SessionStatus::Ready
                    && elapsed + i64::from(options.margin_minutes) >= lease;
                if due && lease < cap {
                    let new_lease = (lease + i64::from(options.step_minutes)).min(cap);
                    if let Some(over) = over_budget(&options, &s, new_lease as u32) {
                        tracing::warn!(session = %id, lease, next = new_lease, reason = %over, "stopping the session: the next extension would pass the budget");
                        let stop = tokio::select! {
                            r = stop_quietly(&client, &id) => r,
                            _ = cancel.cancelled() => return,
                        };
                        match stop {
                            Ok(()) => {
                                state.stopped_by_budget.store(true, Ordering::SeqCst);
                                if let Ok(now) = client.get_session(&id).await {
                                    *state.latest.lock().unwrap() = Some(now.into_inner());
                                }
                                state.finished.store(true, Ordering::SeqCst);
                                return;
                            }
                            Err(e) => {
                                tracing::error!(session = %id, error = %e, "stopping the session for its budget failed; trying again next check");
                            }
                        }
                        tokio::select! {
                            _ = tokio::time::sleep(options.check_interval) => {}
                            _ = cancel.cancelled() => return,
                        }
                        continue;
                    }
                    let update = tokio::select! {
                        r = client.update_session(&id, new_lease as u32) => r,
                        _ = cancel.cancelled() => return,
                    };
                    match update {
                        Ok(updated) => {
                            state.extensions.fetch_add(1, Ordering::SeqCst);
                            tracing::info!(session = %id, from = lease, to = new_lease, elapsed, "lease extended");
                            *state.latest.lock().unwrap() = Some(updated.into_inner());
                        }
                        Err(e) => {
                            tracing::warn!(session = %id, error = %e, "extending the lease failed; trying again next check")
                        }
                    }
                } else if due {
                    tracing::info!(session = %id, lease, cap, "the lease is at its cap; the session will end with it");
                }
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {
                tracing::warn!(session = %id, "the session is gone; lease keeper done");
                state.finished.store(true, Ordering::SeqCst);
                return;
            }
            Err(e) => {
                tracing::warn!(session = %id, error = %e, "reading the session failed; trying again next check")
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(options.check_interval) => {}
            _ = cancel.cancelled() => return,
        }
    }
}

/// Why extending `session` to `new_lease` minutes would pass the options' budget, if it would
/// (also when the budget cannot be counted: a size without a rate must not run unbounded).
fn over_budget(options: &LeaseOptions, session: &Session, new_lease: u32) -> Option<String> {
    let budget = options.budget?;
    let rates = options.cost_rates.unwrap_or_default();
    match rates.cost(&session.size, new_lease) {
        Ok(cost) if cost <= budget => None,
        Ok(cost) => Some(format!(
            "a lease of {new_lease} minutes would cost {cost:.2}, more than the budget of {budget:.2}"
        )),
        Err(e) => Some(e.to_string()),
    }
}

/// What [`Client::open_session`] starts.
#[derive(Debug)]
pub struct SessionOptions {
    /// The id; a new one ([`new_session_id`]) when `None`.
    pub id: Option<String>,
    /// The size of the session (default `Standard`).
    pub size: SessionSize,
    /// The initial lease, in minutes.
    pub lease_minutes: u32,
    /// Keep the lease renewed while the session is open; `None` lets it run out.
    pub keep_alive: Option<LeaseOptions>,
    /// How long to wait for `Ready`, how often to poll, and progress.
    pub wait: WaitOptions<Session>,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            id: None,
            size: vocabulary::DEFAULT_SESSION_SIZE,
            lease_minutes: vocabulary::DEFAULT_LEASE_MINUTES,
            keep_alive: Some(LeaseOptions::default()),
            wait: WaitOptions::default(),
        }
    }
}

/// A session that is `Ready`, kept alive if asked, and stopped when closed or dropped.
pub struct ManagedSession {
    session: Session,
    keeper: Option<LeaseKeeper>,
    guard: Arc<StopGuard>,
}

impl std::fmt::Debug for ManagedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagedSession")
            .field("session", &self.session)
            .field("keeper", &self.keeper)
            .finish()
    }
}

impl ManagedSession {
    /// The session as it was when it became `Ready`.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The session's id.
    pub fn id(&self) -> &str {
        &self.session.id
    }

    /// The lease keeper, when the session is kept alive.
    pub fn keeper(&self) -> Option<&LeaseKeeper> {
        self.keeper.as_ref()
    }

    /// Stops the session and waits for the service to acknowledge it.
    pub async fn close(mut self) -> Result<()> {
        if let Some(k) = self.keeper.take() {
            k.detach().await;
        }
        self.guard.stop_now().await
    }
}

impl Client {
    /// Starts a session, waits until it is `Ready`, and keeps it alive if asked. If anything
    /// fails on the way (the wait times out, is cancelled, the session fails) the session is
    /// stopped before the error is returned; once open, it is stopped by
    /// [`close`](ManagedSession::close) or when dropped.
    pub async fn open_session(&self, options: SessionOptions) -> Result<ManagedSession> {
        let id = options.id.unwrap_or_else(new_session_id);
        check_id("session_id", &id)?;
        if let Some(lease) = &options.keep_alive {
            lease.validate()?;
            lease.check_first_lease(&options.size, options.lease_minutes)?;
        }
        let guard = StopGuard::new(self, &id)?;
        if let Err(e) = self
            .start_session(&id, options.size, options.lease_minutes)
            .await
        {
            // A start whose answer was lost may still have created the session.
            if e.is_retriable() || e.kind() == ErrorKind::Timeout {
                let _ = guard.stop_now().await;
            } else {
                guard.disarm();
            }
            return Err(e);
        }
        let session = match self.wait_for_session(&id, options.wait).await {
            Ok(s) => s,
            Err(e) => {
                if let Err(stop_error) = guard.stop_now().await {
                    tracing::error!(session = %id, error = %stop_error, "could not stop the session after the wait failed");
                }
                return Err(e);
            }
        };
        let keeper = match options.keep_alive {
            Some(lease) => Some(self.keep_alive(
                &id,
                LeaseOptions {
                    stop_on_drop: false,
                    ..lease
                },
            )?),
            None => None,
        };
        Ok(ManagedSession {
            session,
            keeper,
            guard,
        })
    }
}
