//! The optional state file: every session and conversion survives a restart.
//!
//! Writes are atomic (a temporary file in the same folder, flushed, then renamed over the old
//! one) and coalesced: one writer task saves the newest state, and a mutating request answers
//! only once a save that includes it is on disk, so an acknowledged change is never lost.

use crate::clock::{wall_now, Nanos};
use crate::state::Store;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{watch, Notify};

const FORMAT: u32 = 1;

#[derive(Serialize)]
struct FileBodyRef<'a> {
    format: u32,
    saved_at_wall: Nanos,
    emulated_now: Nanos,
    store: &'a Store,
}

#[derive(Deserialize)]
struct FileBody {
    format: u32,
    /// Real time of the save.
    saved_at_wall: Nanos,
    /// Emulated time of the save: the clock continues from here.
    emulated_now: Nanos,
    store: Store,
}

/// What a state file held.
pub struct Loaded {
    pub store: Store,
    /// Where the emulated clock resumes, given the time scale.
    pub resume_at: Nanos,
}

/// Reads the state file, or `None` when it does not exist yet. A file that exists but cannot
/// be read is an error: silently starting empty would lose sessions.
pub fn load(path: &Path, time_scale: f64) -> Result<Option<Loaded>, String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read state file {}: {e}", path.display())),
    };
    let body: FileBody = serde_json::from_slice(&bytes)
        .map_err(|e| format!("state file {} is not valid: {e}", path.display()))?;
    if body.format != FORMAT {
        return Err(format!(
            "state file {} has format {}, this emulator reads format {FORMAT}",
            path.display(),
            body.format
        ));
    }
    let real_gap = (wall_now() - body.saved_at_wall).max(0) as f64;
    Ok(Some(Loaded {
        store: body.store,
        resume_at: body.emulated_now + (real_gap * time_scale) as Nanos,
    }))
}

/// Saves snapshots of the store as it changes.
pub struct Persister {
    path: PathBuf,
    /// Bumped (under the store lock) by every change.
    changed: AtomicU64,
    wake: Notify,
    saved: watch::Sender<u64>,
    last_error: Mutex<Option<String>>,
}

impl Persister {
    pub fn new(path: PathBuf) -> Arc<Self> {
        Arc::new(Persister {
            path,
            changed: AtomicU64::new(0),
            wake: Notify::new(),
            saved: watch::channel(0).0,
            last_error: Mutex::new(None),
        })
    }

    /// Records a change; call with the store lock held. Returns the version to wait for.
    pub fn mark_changed(&self) -> u64 {
        let v = self.changed.fetch_add(1, Ordering::SeqCst) + 1;
        self.wake.notify_one();
        v
    }

    /// Waits until version `v` is on disk.
    pub async fn wait_saved(&self, v: u64) {
        let mut rx = self.saved.subscribe();
        let _ = rx.wait_for(|saved| *saved >= v).await;
    }

    /// Saves now (under the store lock, for a consistent snapshot). Returns the version saved.
    pub fn save(&self, store: &Mutex<Store>, emulated_now: Nanos) -> u64 {
        let (version, bytes) = {
            let guard = store.lock().unwrap();
            let version = self.changed.load(Ordering::SeqCst);
            let body = FileBodyRef {
                format: FORMAT,
                saved_at_wall: wall_now(),
                emulated_now,
                store: &guard,
            };
            (version, serde_json::to_vec(&body))
        };
        let result = bytes
            .map_err(|e| e.to_string())
            .and_then(|b| write_atomically(&self.path, &b).map_err(|e| e.to_string()));
        match result {
            Ok(()) => {
                *self.last_error.lock().unwrap() = None;
                self.saved.send_replace(version);
            }
            Err(e) => {
                tracing::error!(path = %self.path.display(), error = %e, "saving the state failed");
                *self.last_error.lock().unwrap() = Some(e);
                // The change is applied in memory; answering the waiting requests keeps a
                // full disk from hanging the API. The error is logged and the next change
                // tries again.
                self.saved.send_replace(version);
            }
        }
        version
    }

    /// Runs until `stop` fires, saving whenever something changed; saves once more at the end.
    pub async fn run(
        self: Arc<Self>,
        store: Arc<Mutex<Store>>,
        now: impl Fn() -> Nanos + Send + 'static,
        mut stop: watch::Receiver<bool>,
    ) {
        loop {
            let pending = self.changed.load(Ordering::SeqCst) > *self.saved.borrow();
            if !pending {
                tokio::select! {
                    _ = self.wake.notified() => {}
                    _ = stop.changed() => break,
                }
            }
            let me = self.clone();
            let st = store.clone();
            let t = now();
            let _ = tokio::task::spawn_blocking(move || me.save(&st, t)).await;
        }
        let me = self.clone();
        let t = now();
        let _ = tokio::task::spawn_blocking(move || me.save(&store, t)).await;
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("state"),
        std::process::id()
    ));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
