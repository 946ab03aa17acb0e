//! Conversions stay inside `--storage-root`: storage account and container names Azure would
//! refuse are a 400 before anything is touched, and blob paths (`blobPrefix`,
//! `relativeInputAssetPath`, `outputAssetFilename`) that lead out of the root, also through a
//! symlink, fail the conversion without reading or writing a file outside.

mod common;

use common::{conversion_body, fast_config, Env};
use remote_rendering_emulator::EmulatorConfig;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// `T/root` is the storage root, `T/outside` a folder next to it with a secret input and a
/// victim file an escaping output would overwrite.
struct Layout {
    _dir: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
}

fn layout() -> Layout {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(root.join("acct/input/Input")).unwrap();
    std::fs::create_dir_all(root.join("acct/output")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(root.join("acct/input/Input/box.fbx"), b"inside").unwrap();
    std::fs::write(outside.join("secret.fbx"), b"outside").unwrap();
    std::fs::write(outside.join("victim.arrAsset"), b"untouched").unwrap();
    Layout {
        _dir: dir,
        root,
        outside,
    }
}

async fn env(l: &Layout) -> Env {
    Env::with(EmulatorConfig {
        storage_root: Some(l.root.clone()),
        ..fast_config()
    })
    .await
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() && !p.is_symlink() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

fn outside_unchanged(l: &Layout) {
    assert_eq!(files(&l.outside), ["secret.fbx", "victim.arrAsset"]);
    assert_eq!(
        std::fs::read(l.outside.join("victim.arrAsset")).unwrap(),
        b"untouched"
    );
}

fn with_uri(mut body: Value, location: &str, uri: &str) -> Value {
    body["settings"][location]["storageContainerUri"] = json!(uri);
    body
}

#[tokio::test]
async fn storage_account_and_container_names_azure_refuses_are_a_400() {
    let l = layout();
    let env = env(&l).await;
    let bad_uris = [
        "http://127.0.0.1:10000/../..",
        "https://...blob.core.windows.net/..",
        "https://acct.blob.core.windows.net/..",
        "https://acct.blob.core.windows.net/%2e%2e",
        "http://127.0.0.1:10000/%2e%2e/%2e%2e",
        "http://127.0.0.1:10000/devstoreaccount1/..%2f..",
        "http://127.0.0.1:10000/devstoreaccount1/..%5c..",
        "http://127.0.0.1:10000/..\\../input",
        "http://127.0.0.1:10000/acct/..\\..",
        "https://ACCT.blob.core.windows.net/Input",
        "https://acct.blob.core.windows.net/in--put",
        "https://a.blob.core.windows.net/input",
        "https://acct.blob.core.windows.net/ab",
        "https://acct.blob.core.windows.net/-input",
        "https://acct-1.blob.core.windows.net/input",
    ];
    for (n, uri) in bad_uris.iter().enumerate() {
        for location in ["inputLocation", "outputLocation"] {
            let body = with_uri(conversion_body("acct", "box.fbx"), location, uri);
            let a = env
                .put_conversion(&format!("bad-{n}-{location}"), body)
                .await;
            assert_eq!(a.status, 400, "{location} {uri}: {}", a.text);
            assert_eq!(a.body["error"]["code"], "BadRequest");
            let message = a.body["error"]["message"].as_str().unwrap();
            assert!(
                message.contains(&format!("settings.{location}.storageContainerUri")),
                "{message}"
            );
            let listed = env.get_conversion(&format!("bad-{n}-{location}")).await;
            assert_eq!(listed.status, 404, "nothing was created for {uri}");
        }
    }
    // Names Azure accepts, Azurite's account and the root container included, are fine.
    for (n, uri) in [
        "http://127.0.0.1:10000/devstoreaccount1/input",
        "https://acct.blob.core.windows.net/$root",
        "https://a1b2c3.blob.core.windows.net/my-container-1",
    ]
    .iter()
    .enumerate()
    {
        let body = with_uri(conversion_body("acct", "box.fbx"), "inputLocation", uri);
        assert_eq!(
            env.put_conversion(&format!("ok-{n}"), body).await.status,
            201
        );
    }
    outside_unchanged(&l);
}

#[tokio::test]
async fn blob_paths_that_leave_the_root_fail_and_touch_nothing_outside() {
    let l = layout();
    let env = env(&l).await;
    // The secret is at root/../outside/secret.fbx, i.e. three levels above the container's
    // folder root/acct/input.
    let escaping_inputs: Vec<(&str, Option<&str>, &str)> = vec![
        ("relative-dots", None, "../../../outside/secret.fbx"),
        ("prefix-dots", Some("../../../outside/"), "secret.fbx"),
        (
            "prefix-dots-no-slash",
            Some("../../../outside"),
            "secret.fbx",
        ),
        ("mixed", Some("Input/"), "../../../../outside/secret.fbx"),
        ("absolute", None, "/etc/passwd"),
        ("absolute-prefix", Some("/etc/"), "passwd"),
        ("percent", None, "%2e%2e/%2e%2e/%2e%2e/outside/secret.fbx"),
        ("percent-slash", None, "..%2f..%2f..%2foutside%2fsecret.fbx"),
        ("backslash", None, "..\\..\\..\\outside\\secret.fbx"),
        (
            "backslash-prefix",
            Some("..\\..\\..\\outside\\"),
            "secret.fbx",
        ),
    ];
    for (id, prefix, path) in &escaping_inputs {
        let mut body = conversion_body("acct", path);
        body["settings"]["inputLocation"]["blobPrefix"] = json!(prefix);
        assert_eq!(env.put_conversion(id, body).await.status, 201, "{id}");
    }
    let escaping_outputs: Vec<(&str, Option<&str>, &str)> = vec![
        ("out-name-dots", None, "../../../outside/victim.arrAsset"),
        (
            "out-prefix-dots",
            Some("../../../outside/"),
            "victim.arrAsset",
        ),
        ("out-absolute", Some("/tmp/"), "victim.arrAsset"),
        ("out-absolute-name", None, "/tmp/victim.arrAsset"),
        (
            "out-percent",
            Some("%2e%2e/%2e%2e/%2e%2e/outside/"),
            "victim.arrAsset",
        ),
        (
            "out-backslash",
            None,
            "..\\..\\..\\outside\\victim.arrAsset",
        ),
    ];
    for (id, prefix, name) in &escaping_outputs {
        let mut body = conversion_body("acct", "box.fbx");
        body["settings"]["outputLocation"]["blobPrefix"] = json!(prefix);
        body["settings"]["outputLocation"]["outputAssetFilename"] = json!(name);
        assert_eq!(env.put_conversion(id, body).await.status, 201, "{id}");
    }
    env.advance(600);
    for (id, ..) in &escaping_inputs {
        let c = env.get_conversion(id).await;
        assert_eq!(c.body["status"], "Failed", "{id}: {}", c.text);
        assert_eq!(c.body["error"]["code"], "InputContainerError", "{id}");
    }
    for (id, ..) in &escaping_outputs {
        let c = env.get_conversion(id).await;
        assert_eq!(c.body["status"], "Failed", "{id}: {}", c.text);
        assert_eq!(c.body["error"]["code"], "OutputContainerError", "{id}");
    }
    outside_unchanged(&l);
    assert!(!Path::new("/tmp/victim.arrAsset").exists());
    // Nothing was written inside the root either (no output of a failed conversion).
    assert_eq!(files(&l.root), ["acct/input/Input/box.fbx"]);
}

#[cfg(unix)]
#[tokio::test]
async fn symlinks_pointing_out_of_the_root_are_not_followed_out() {
    use std::os::unix::fs::symlink;
    let l = layout();
    let input = l.root.join("acct/input");
    symlink(&l.outside, input.join("dir-link")).unwrap();
    symlink(l.outside.join("secret.fbx"), input.join("file-link.fbx")).unwrap();
    symlink(&l.outside, l.root.join("acct/evil")).unwrap();
    std::fs::create_dir_all(l.root.join("acct/output/Output")).unwrap();
    symlink(
        l.outside.join("victim.arrAsset"),
        l.root.join("acct/output/Output/box.arrAsset"),
    )
    .unwrap();
    // A symlink that stays inside the root is followed.
    symlink(input.join("Input"), input.join("inner-link")).unwrap();
    let env = env(&l).await;

    let put = |id: &'static str, body: Value| {
        let env = &env;
        async move { assert_eq!(env.put_conversion(id, body).await.status, 201, "{id}") }
    };
    let input_with = |prefix: Option<&str>, path: &str| {
        let mut b = conversion_body("acct", path);
        b["settings"]["inputLocation"]["blobPrefix"] = json!(prefix);
        b
    };
    let output_prefix = |prefix: &str| {
        let mut b = conversion_body("acct", "box.fbx");
        b["settings"]["outputLocation"]["blobPrefix"] = json!(prefix);
        b
    };
    put("in-dir-link", input_with(Some("dir-link/"), "secret.fbx")).await;
    put("in-file-link", input_with(None, "file-link.fbx")).await;
    put(
        "in-container-link",
        with_uri(
            input_with(None, "secret.fbx"),
            "inputLocation",
            "https://acct.blob.core.windows.net/evil",
        ),
    )
    .await;
    put("out-dir-link", output_prefix("../input/dir-link/")).await;
    put("out-dir-link-2", output_prefix("")).await; // output/box.arrAsset: fine, inside
    put(
        "out-container-link",
        with_uri(
            conversion_body("acct", "box.fbx"),
            "outputLocation",
            "https://acct.blob.core.windows.net/evil",
        ),
    )
    .await;
    put("out-file-link", output_prefix("Output/")).await;
    let mut inner = input_with(Some("inner-link/"), "box.fbx");
    inner["settings"]["outputLocation"]["outputAssetFilename"] = json!("inner.arrAsset");
    put("inner", inner).await;
    env.advance(600);

    let status = |id: &'static str| {
        let env = &env;
        async move {
            let c = env.get_conversion(id).await;
            (
                c.body["status"].as_str().unwrap_or_default().to_owned(),
                c.body["error"]["code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        }
    };
    for id in ["in-dir-link", "in-file-link", "in-container-link"] {
        assert_eq!(
            status(id).await,
            ("Failed".to_owned(), "InputContainerError".to_owned()),
            "{id}"
        );
    }
    // "../input/dir-link/" is refused for its "..", the container link and the file link
    // because they resolve outside.
    for id in ["out-dir-link", "out-container-link", "out-file-link"] {
        assert_eq!(
            status(id).await,
            ("Failed".to_owned(), "OutputContainerError".to_owned()),
            "{id}"
        );
    }
    assert_eq!(status("out-dir-link-2").await.0, "Succeeded");
    assert_eq!(status("inner").await.0, "Succeeded");
    outside_unchanged(&l);
}
