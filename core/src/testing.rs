//! Hooks for the bindings' own test suites: each binding proves with them that a panic inside
//! a core call arrives as its language's `InternalError` (never an abort). Hidden from the
//! documentation; harmless in a release build (a panic caught at the boundary).

/// Panics with `message`, as a bug inside a blocking core call would.
#[doc(hidden)]
pub fn panic_now(message: &str) -> ! {
    panic!("{message}")
}

/// Panics with `message` after the first poll, as a bug inside an async core call would.
#[doc(hidden)]
pub async fn panic_later(message: String) {
    tokio::task::yield_now().await;
    panic!("{message}")
}

/// Azurite, the Azure Storage emulator, for tests of conversions on blob storage: started on
/// 127.0.0.1 and a free port with its data in a fresh temporary folder, stopped by PID (and
/// the folder removed) when dropped. `make azurite` installs it into `target/azurite`.
#[doc(hidden)]
pub mod azurite {
    use std::io::{BufRead, BufReader};
    use std::path::PathBuf;
    use std::process::{Child, Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    /// Azurite's well-known development account (documented by Azurite; not a secret).
    pub const ACCOUNT: &str = "devstoreaccount1";
    /// Its well-known key (documented by Azurite; not a secret).
    pub const KEY: &str =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// A running Azurite blob service.
    #[derive(Debug)]
    pub struct Azurite {
        child: Child,
        dir: PathBuf,
        port: u16,
    }

    /// Where `make azurite` puts `azurite-blob`, or `$AZURITE_BLOB`.
    pub fn program() -> PathBuf {
        match std::env::var_os("AZURITE_BLOB") {
            Some(p) => PathBuf::from(p),
            None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../target/azurite/node_modules/.bin/azurite-blob"),
        }
    }

    impl Azurite {
        /// Starts Azurite, or says why it could not.
        pub fn start() -> Result<Azurite, String> {
            let program = program();
            if !program.exists() {
                return Err(format!(
                    "Azurite is not installed at {} (run `make azurite`)",
                    program.display()
                ));
            }
            let dir = std::env::temp_dir().join(format!("rr-azurite-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            let child = Command::new(&program)
                .args(["--blobHost", "127.0.0.1", "--blobPort", "0", "--location"])
                .arg(&dir)
                // No access log; object_store's x-ms-version may be newer than Azurite knows;
                // no telemetry (Azurite collects it by default: it would send it out and leave
                // a Microsoft-AzureMonitor-* folder in the temporary folder after every run).
                .args(["--silent", "--skipApiVersionCheck", "--disableTelemetry"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn();
            let mut child = match child {
                Ok(c) => c,
                Err(e) => {
                    let _ = std::fs::remove_dir_all(&dir);
                    return Err(format!("could not start {}: {e}", program.display()));
                }
            };
            let stdout = child.stdout.take().expect("piped");
            let (tx, rx) = mpsc::channel();
            // Reads the ready line, then drains the pipe until Azurite exits.
            std::thread::spawn(move || {
                let mut tx = Some(tx);
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if let Some(port) = line
                        .split("listens on http://127.0.0.1:")
                        .nth(1)
                        .and_then(|p| p.trim().parse::<u16>().ok())
                    {
                        if let Some(tx) = tx.take() {
                            let _ = tx.send(port);
                        }
                    }
                }
            });
            let mut azurite = Azurite {
                child,
                dir,
                port: 0,
            };
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(port) => {
                    azurite.port = port;
                    Ok(azurite)
                }
                Err(_) => Err("Azurite did not report its port within 60 s".to_owned()),
            }
        }

        /// Azurite when it is installed. Without it: with `CI=true` (or `REQUIRE_AZURITE=1`, as
        /// `make test-rust` sets) a panic saying to run `make azurite`; otherwise `None` and the
        /// reason printed (the test skips).
        pub fn for_test() -> Option<Azurite> {
            let required = std::env::var("CI").is_ok_and(|v| v == "true")
                || std::env::var("REQUIRE_AZURITE").is_ok_and(|v| v == "1");
            match Azurite::start() {
                Ok(a) => Some(a),
                Err(why) if required => {
                    panic!("{why}; required here (CI=true or REQUIRE_AZURITE=1): the tests of blob storage run against it")
                }
                Err(why) => {
                    eprintln!("skipped: {why}");
                    None
                }
            }
        }

        /// The port it listens on.
        pub fn port(&self) -> u16 {
            self.port
        }

        /// The PID of its process.
        pub fn pid(&self) -> u32 {
            self.child.id()
        }

        /// The folder holding its data (removed on drop).
        pub fn data_dir(&self) -> &std::path::Path {
            &self.dir
        }

        /// `http://127.0.0.1:{port}/devstoreaccount1`.
        pub fn blob_endpoint(&self) -> String {
            format!("http://127.0.0.1:{}/{ACCOUNT}", self.port)
        }

        /// `{blob_endpoint}/{container}`.
        pub fn container_uri(&self, container: &str) -> String {
            format!("{}/{container}", self.blob_endpoint())
        }

        /// Creates a container (through [`StorageAccount::create_container`](crate::storage::StorageAccount::create_container)).
        pub async fn create_container(&self, container: &str) -> Result<(), String> {
            let account =
                crate::storage::StorageAccount::new(ACCOUNT, KEY, Some(&self.blob_endpoint()))
                    .map_err(|e| e.to_string())?;
            account
                .create_container(container)
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        }
    }

    impl Drop for Azurite {
        fn drop(&mut self) {
            // Its own process, by PID; then its data.
            let _ = self.child.kill();
            let _ = self.child.wait();
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
