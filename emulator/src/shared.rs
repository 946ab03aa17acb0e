//! What every request handler shares: accounts, the clock, the store, the fault injector,
//! counters and settings, and the one way to change the store (so a change is saved before
//! it is acknowledged).

use crate::auth::Authenticator;
use crate::clock::Clock;
use crate::config::Limits;
use crate::db::Db;
use crate::error::ApiError;
use crate::faults::FaultInjector;
use crate::requestlog::RequestLog;
use crate::rng::SplitMix64;
use crate::state::{Behaviour, Store};
use crate::stats::Counters;
use crate::storage::Storage;
use remote_rendering_models::SecretString;
use std::sync::{Arc, Mutex};

/// Everything the request handlers share.
pub struct Shared {
    pub auth: Authenticator,
    pub clock: Clock,
    pub store: Arc<Mutex<Store>>,
    pub behaviour: Behaviour,
    pub storage: Storage,
    pub faults: FaultInjector,
    pub counters: Counters,
    /// The last API requests, for the dashboard.
    pub requests: RequestLog,
    pub page_size: usize,
    pub token_lifetime_secs: i64,
    pub scheme: &'static str,
    /// The state database, with `--state`.
    pub db: Option<Arc<Db>>,
    /// Timeouts and the connection cap.
    pub limits: Limits,
    /// The admin API's credential, when it needs one (see `access.rs`).
    pub admin_token: Option<SecretString>,
    cv_rng: Mutex<SplitMix64>,
    /// This `Shared` itself, for the tasks a request starts (blob conversions).
    this: std::sync::OnceLock<std::sync::Weak<Shared>>,
}

impl Shared {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        auth: Authenticator,
        clock: Clock,
        store: Store,
        behaviour: Behaviour,
        storage: Storage,
        faults: FaultInjector,
        page_size: usize,
        token_lifetime_secs: i64,
        scheme: &'static str,
        db: Option<Arc<Db>>,
        limits: Limits,
        admin_token: Option<SecretString>,
    ) -> Self {
        Shared {
            auth,
            clock,
            store: Arc::new(Mutex::new(store)),
            behaviour,
            storage,
            faults,
            counters: Counters::default(),
            requests: RequestLog::default(),
            page_size,
            token_lifetime_secs,
            scheme,
            db,
            limits,
            admin_token,
            cv_rng: Mutex::new(SplitMix64::from_entropy()),
            this: std::sync::OnceLock::new(),
        }
    }

    /// Remembers the `Arc` this lives in (once, right after it is made).
    pub(crate) fn set_this(self: &Arc<Self>) {
        let _ = self.this.set(Arc::downgrade(self));
    }

    /// Starts the blob work of a conversion just created: the task holds no lock while it
    /// reads and writes storage, ends within `BLOB_WORK_TIMEOUT`, and then records the outcome
    /// (the conversion is `Running` until then).
    pub(crate) fn start_blob_conversion(&self, account: &str, job: crate::blob::BlobJob) {
        let Some(this) = self.this.get().cloned() else {
            return;
        };
        let (account, id) = (account.to_owned(), job.conversion_id.clone());
        tokio::spawn(async move {
            let result = match tokio::time::timeout(
                crate::blob::BLOB_WORK_TIMEOUT,
                crate::blob::convert(job),
            )
            .await
            {
                Ok(result) => result,
                Err(_) => Err(remote_rendering_models::ServiceError::new(
                    "ConversionTimeout",
                    "The conversion did not finish reading and writing storage in time.",
                )),
            };
            // The emulator may have been stopped meanwhile: then there is nothing to record.
            if let Some(shared) = this.upgrade() {
                let _ = shared.read(|s| {
                    s.finish_blob_conversion(&account, &id, result);
                    Ok(())
                });
            }
        });
    }

    /// A correlation vector like the service's: 22 base64 characters and `.0`.
    pub(crate) fn new_cv(&self) -> String {
        let mut cv = self.cv_rng.lock().unwrap().base64_chars(22);
        cv.push_str(".0");
        cv
    }

    pub(crate) fn uuid(&self) -> String {
        self.cv_rng.lock().unwrap().uuid()
    }

    /// Runs a change on the store and, with a state database, answers once it is committed
    /// (a failed commit is a 500: the change is made in memory but not saved). Ended
    /// resources past their retention are deleted first.
    pub async fn mutate<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let (result, pending) = self.apply(f);
        if let Some(pending) = pending {
            match pending.await {
                Ok(Ok(())) => {}
                Ok(Err(_)) | Err(_) => {
                    return Err(ApiError::with_body(
                        500,
                        "InternalServerError",
                        "The change could not be saved.",
                    ))
                }
            }
        }
        result
    }

    /// The same for reads (which may settle a conversion, a change to save) and for callers
    /// that cannot wait (the library's control methods): the change is queued and committed
    /// in order, but not waited for.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.apply(f).0
    }

    /// [`read`](Shared::read) under its old name, for the library's control methods.
    pub fn mutate_now<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.read(f)
    }

    fn apply<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, ApiError>,
    ) -> (Result<T, ApiError>, Option<Commit>) {
        let now = self.clock.now();
        let mut store = self.store.lock().unwrap();
        store.purge(now);
        let result = f(&mut store);
        let rows = store.take_rows();
        let pending = match &self.db {
            // Queued under the lock, so the database sees changes in the order they were made.
            Some(db) if !rows.is_empty() => {
                Some(db.submit(rows, Vec::new(), store.last_seq(), now))
            }
            _ => None,
        };
        (result, pending)
    }

    /// Makes every token issued so far for `account` invalid, and saves that. False for an
    /// unknown account.
    pub fn revoke_tokens(&self, account: &str) -> (bool, Option<Commit>) {
        let _store = self.store.lock().unwrap();
        match self.auth.revoke_tokens(account) {
            None => (false, None),
            Some(generation) => {
                let pending = self.db.as_ref().map(|db| {
                    db.submit(
                        Vec::new(),
                        vec![(account.to_ascii_lowercase(), generation)],
                        _store.last_seq(),
                        self.clock.now(),
                    )
                });
                (true, pending)
            }
        }
    }
}

/// A queued change set: answers once it is committed.
pub type Commit = tokio::sync::oneshot::Receiver<Result<(), String>>;
