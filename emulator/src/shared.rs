//! What every request handler shares: accounts, the clock, the store, the fault injector,
//! counters and settings, and the one way to change the store (so a change is saved before
//! it is acknowledged).

use crate::auth::Authenticator;
use crate::clock::Clock;
use crate::config::Limits;
use crate::error::ApiError;
use crate::faults::FaultInjector;
use crate::persist::Persister;
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
    pub page_size: usize,
    pub token_lifetime_secs: i64,
    pub scheme: &'static str,
    pub persister: Option<Arc<Persister>>,
    /// Timeouts and the connection cap.
    pub limits: Limits,
    /// The admin API's credential, when it needs one (see `access.rs`).
    pub admin_token: Option<SecretString>,
    cv_rng: Mutex<SplitMix64>,
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
        persister: Option<Arc<Persister>>,
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
            page_size,
            token_lifetime_secs,
            scheme,
            persister,
            limits,
            admin_token,
            cv_rng: Mutex::new(SplitMix64::from_entropy()),
        }
    }

    /// A correlation vector like the service's: 22 base64 characters and `.0`.
    pub(crate) fn new_cv(&self) -> String {
        format!("{}.0", self.cv_rng.lock().unwrap().base64_chars(22))
    }

    pub(crate) fn uuid(&self) -> String {
        self.cv_rng.lock().unwrap().uuid()
    }

    /// Runs a mutation on the store and, with a state file, waits until it is saved.
    pub async fn mutate<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<(T, bool), ApiError>,
    ) -> Result<T, ApiError> {
        let (value, version) = {
            let mut store = self.store.lock().unwrap();
            let (value, changed) = f(&mut store)?;
            let version = match (&self.persister, changed) {
                (Some(p), true) => Some(p.mark_changed()),
                _ => None,
            };
            (value, version)
        };
        if let (Some(p), Some(v)) = (&self.persister, version) {
            p.wait_saved(v).await;
        }
        Ok(value)
    }

    /// The same for callers that cannot wait (the library's control methods): the change is
    /// saved by the writer soon after.
    pub fn mutate_now<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut store = self.store.lock().unwrap();
        let value = f(&mut store)?;
        if let Some(p) = &self.persister {
            p.mark_changed();
        }
        Ok(value)
    }
}
