//! Content-hash conversion ids (opt-in): the id is a SHA-256 of the input's bytes and the
//! settings (without SAS), so starting the same conversion of the same input again finds the
//! first one (the service answers a PUT of an existing id with the same settings with that
//! conversion, 200) instead of converting twice.

use crate::error::{Error, Result};
use crate::model::ConversionSettings;
use ring::digest::{Context, SHA256};
use std::path::Path;
use tokio::io::AsyncReadExt;

/// `conversion-sha256-` and the first 32 bytes of the hash in hex (82 characters, within the
/// service's 256).
const PREFIX: &str = "conversion-sha256-";

fn files_of(root: &Path) -> Result<Vec<(String, std::path::PathBuf)>> {
    let meta = std::fs::metadata(root).map_err(|e| {
        Error::invalid_input(
            "path",
            format!("{:?} cannot be read ({e})", root.display().to_string()),
        )
    })?;
    if meta.is_file() {
        return Ok(vec![(String::new(), root.to_owned())]);
    }
    if !meta.is_dir() {
        return Err(Error::invalid_input(
            "path",
            format!(
                "{:?} is neither a file nor a folder",
                root.display().to_string()
            ),
        ));
    }
    let mut out = Vec::new();
    let mut stack = vec![(root.to_owned(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| Error::invalid_input("path", e))? {
            let entry = entry.map_err(|e| Error::invalid_input("path", e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let kind = entry
                .file_type()
                .map_err(|e| Error::invalid_input("path", e))?;
            let target =
                std::fs::metadata(entry.path()).map_err(|e| Error::invalid_input("path", e))?;
            if target.is_file() {
                out.push((format!("{rel}{name}"), entry.path()));
            } else if target.is_dir() && !kind.is_symlink() {
                stack.push((entry.path(), format!("{rel}{name}/")));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The content id of converting the file or folder at `local` with `settings`: every file's
/// relative name, size and bytes (in name order) and the settings as the service compares them
/// (SAS tokens left out, so a new token gives the same id).
pub async fn content_conversion_id(local: &Path, settings: &ConversionSettings) -> Result<String> {
    let mut ctx = Context::new(&SHA256);
    let mut plain = settings.clone();
    plain.input_location.storage_container_read_list_sas = None;
    plain.output_location.storage_container_write_sas = None;
    let json = serde_json::to_vec(&plain).expect("settings serialise");
    ctx.update(&(json.len() as u64).to_le_bytes());
    ctx.update(&json);
    let mut buf = vec![0u8; 256 * 1024];
    for (name, path) in files_of(local)? {
        let mut file = tokio::fs::File::open(&path).await.map_err(|e| {
            Error::invalid_input(
                "path",
                format!("{:?} cannot be read ({e})", path.display().to_string()),
            )
        })?;
        let len = file.metadata().await.map(|m| m.len()).unwrap_or(0);
        ctx.update(&(name.len() as u64).to_le_bytes());
        ctx.update(name.as_bytes());
        ctx.update(&len.to_le_bytes());
        loop {
            let n = file
                .read(&mut buf)
                .await
                .map_err(|e| Error::invalid_input("path", e))?;
            if n == 0 {
                break;
            }
            ctx.update(&buf[..n]);
        }
    }
    let digest = ctx.finish();
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{PREFIX}{hex}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ConversionInputSettings, ConversionOutputSettings, SecretString};

    fn settings(sas: &str) -> ConversionSettings {
        ConversionSettings {
            input_location: ConversionInputSettings {
                storage_container_uri: "https://a.blob.core.windows.net/in".into(),
                storage_container_read_list_sas: Some(SecretString::new(sas)),
                blob_prefix: None,
                relative_input_asset_path: "m.gltf".into(),
            },
            output_location: ConversionOutputSettings {
                storage_container_uri: "https://a.blob.core.windows.net/out".into(),
                storage_container_write_sas: None,
                blob_prefix: None,
                output_asset_filename: None,
            },
        }
    }

    #[tokio::test]
    async fn the_id_follows_the_bytes_and_settings_not_the_sas() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("m.gltf"), b"{}").unwrap();
        let a = content_conversion_id(dir.path(), &settings("sig=1"))
            .await
            .unwrap();
        let b = content_conversion_id(dir.path(), &settings("sig=2"))
            .await
            .unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with(PREFIX) && a.len() == PREFIX.len() + 64, "{a}");
        remote_rendering_models::check_resource_id(&a).unwrap();
        std::fs::write(dir.path().join("m.gltf"), b"{ }").unwrap();
        let c = content_conversion_id(dir.path(), &settings("sig=1"))
            .await
            .unwrap();
        assert_ne!(a, c);
        let mut other = settings("sig=1");
        other.output_location.blob_prefix = Some("x/".into());
        assert_ne!(c, content_conversion_id(dir.path(), &other).await.unwrap());
    }
}
