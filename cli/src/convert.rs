//! `arrctl convert PATH` and the storage half of `conversion start` (`--upload`,
//! `--generate-sas`): the storage account and key from the settings, the upload with its
//! progress bar, least-privilege SAS tokens, the preflight, and the asset's read URL.
//!
//! The key comes from the environment or the config file only, and is never printed: it is a
//! `SecretString` from the moment it is read, and errors name where it comes from, not it.

use crate::args::{ConvertArgs, Global, Output};
use crate::exit;
use crate::interrupt::interrupted;
use crate::output::{print_json, show_conversion, show_failed};
use crate::progress::{Progress, UploadBar};
use crate::settings::Settings;
use crate::usage::usage;
use remote_rendering::storage::{self, BlobContainer, StorageAccount, UploadOptions, UploadReport};
use remote_rendering::vocabulary::DEFAULT_SAS_EXPIRY;
use remote_rendering::{
    new_conversion_id, CancellationToken, Client, Conversion, ConversionInputSettings,
    ConversionOutputSettings, ConversionSettings, CostRates, Error, ErrorKind, SecretString,
    WaitOptions,
};
use std::path::Path;

/// The storage key of the settings, or a usage error saying where to set it.
pub fn key(s: &Settings) -> Result<SecretString, Error> {
    s.storage_account_key.clone().ok_or_else(|| {
        let file = s
            .origin
            .as_ref()
            .map(|o| format!("{}: assetConversionSettings.storageAccountKey, or ", o.path.display()))
            .unwrap_or_default();
        usage(format!(
            "no storage account key: set {file}ARR_STORAGE_ACCOUNT_KEY (key1 or key2 of the storage account)"
        ))
    })
}

/// Uploads `path` to `container` under `prefix`, with the progress bar; Ctrl-C stops it (and
/// the error says what was and was not uploaded).
pub async fn upload(
    g: &Global,
    container: &BlobContainer,
    path: &Path,
    prefix: &str,
    concurrency: usize,
    interrupt: &CancellationToken,
) -> Result<UploadReport, Error> {
    let bar = UploadBar::start(format!("uploading to {}", container.uri()));
    let options = UploadOptions::new()
        .concurrency(concurrency)
        .cancel(interrupt.clone())
        .on_progress(bar.callback());
    let r = container.upload(path, prefix, options).await;
    bar.finish();
    let report = r?;
    if g.output == Output::Text {
        eprintln!(
            "uploaded {} files ({} bytes) to {}/{}",
            report.uploaded.len(),
            report.bytes,
            container.uri(),
            prefix
        );
    }
    Ok(report)
}

/// Both SAS tokens of `settings` made from the key: read+list on the input container, write on
/// the output container.
pub fn generate_sas(settings: &mut ConversionSettings, key: &SecretString) -> Result<(), Error> {
    let (input, c) = StorageAccount::for_container_uri(
        &settings.input_location.storage_container_uri,
        key.clone(),
    )?;
    settings.input_location.storage_container_read_list_sas = Some(input.input_sas(&c)?);
    let (output, c) = StorageAccount::for_container_uri(
        &settings.output_location.storage_container_uri,
        key.clone(),
    )?;
    settings.output_location.storage_container_write_sas = Some(output.output_sas(&c)?);
    Ok(())
}

/// `--upload [PATH]` of `conversion start`: the folder (or the config's
/// localAssetDirectoryPath) to the input container under the input's blob prefix.
pub async fn upload_input(
    g: &Global,
    s: &Settings,
    path: Option<&Path>,
    settings: &ConversionSettings,
    interrupt: &CancellationToken,
) -> Result<(), Error> {
    let path = match (path, &s.local_asset_dir) {
        (Some(p), _) => p.to_owned(),
        (None, Some(d)) => std::path::PathBuf::from(d),
        (None, None) => return Err(usage("--upload needs a PATH, or the config's assetConversionSettings.localAssetDirectoryPath")),
    };
    let (account, container) =
        StorageAccount::for_container_uri(&settings.input_location.storage_container_uri, key(s)?)?;
    let prefix = settings
        .input_location
        .blob_prefix
        .clone()
        .unwrap_or_default();
    upload(
        g,
        &account.container(&container)?,
        &path,
        &prefix,
        remote_rendering::vocabulary::DEFAULT_UPLOAD_CONCURRENCY,
        interrupt,
    )
    .await?;
    Ok(())
}

/// The model file in an uploaded folder: the flag, the config's inputAssetPath, or the one
/// .gltf, .glb or .fbx at its top.
fn input_asset(path: &Path, flag: Option<String>, s: &Settings) -> Result<String, Error> {
    if let Some(a) = flag.or_else(|| s.input_asset.clone()) {
        return Ok(a);
    }
    if path.is_file() {
        return path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_owned)
            .ok_or_else(|| usage("the model's file name is not UTF-8"));
    }
    let entries = std::fs::read_dir(path).map_err(|e| usage(format!("{}: {e}", path.display())))?;
    let mut models: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|n| {
            let l = n.to_ascii_lowercase();
            l.ends_with(".gltf") || l.ends_with(".glb") || l.ends_with(".fbx")
        })
        .collect();
    models.sort();
    match models.len() {
        1 => Ok(models.remove(0)),
        0 => Err(usage(format!(
            "{} holds no .gltf, .glb or .fbx: name the model with --input-asset",
            path.display()
        ))),
        _ => Err(usage(format!(
            "{} holds several models ({}): name one with --input-asset",
            path.display(),
            models.join(", ")
        ))),
    }
}

fn trimmed(v: Option<String>) -> Option<String> {
    v.map(|p| p.trim_matches('/').to_owned())
        .filter(|p| !p.is_empty())
}

/// `arrctl convert PATH [--wait]`.
pub async fn run(
    g: &Global,
    client: &Client,
    s: &Settings,
    a: ConvertArgs,
    interrupt: &CancellationToken,
) -> Result<u8, Error> {
    let name = a
        .storage_account
        .clone()
        .or_else(|| s.storage_account.clone())
        .ok_or_else(|| usage("no storage account: pass --storage-account, set ARR_STORAGE_ACCOUNT, or the config's assetConversionSettings.storageAccountName"))?;
    let endpoint = a.blob_endpoint.clone().or_else(|| s.blob_endpoint.clone());
    let account = StorageAccount::new(name, key(s)?, endpoint.as_deref())?;
    let input_container = a
        .input_container
        .clone()
        .or_else(|| s.input_container.clone())
        .ok_or_else(|| usage("no input container: pass --input-container, or the config's assetConversionSettings.blobInputContainerName"))?;
    let output_container = a
        .output_container
        .clone()
        .or_else(|| s.output_container.clone())
        .ok_or_else(|| usage("no output container: pass --output-container, or the config's assetConversionSettings.blobOutputContainerName"))?;
    let meta = std::fs::metadata(&a.path)
        .map_err(|e| Error::invalid_input("path", format!("{}: {e}", a.path.display())))?;
    let asset = input_asset(&a.path, a.input_asset.clone(), s)?;
    // A folder goes under its own name unless told otherwise; a file under the configured
    // folder, or the container's root.
    let folder_name = (meta.is_dir())
        .then(|| {
            a.path
                .canonicalize()
                .ok()?
                .file_name()?
                .to_str()
                .map(str::to_owned)
        })
        .flatten();
    let in_prefix = trimmed(a.input_folder.clone())
        .or_else(|| trimmed(s.input_folder.clone()))
        .or(folder_name);
    let out_prefix = trimmed(a.output_folder.clone()).or_else(|| trimmed(s.output_folder.clone()));
    let mut settings = ConversionSettings {
        input_location: ConversionInputSettings {
            storage_container_uri: account.container_uri(&input_container),
            storage_container_read_list_sas: None,
            blob_prefix: in_prefix.clone(),
            relative_input_asset_path: asset,
        },
        output_location: ConversionOutputSettings {
            storage_container_uri: account.container_uri(&output_container),
            storage_container_write_sas: None,
            blob_prefix: out_prefix,
            output_asset_filename: a.output_name.clone().or_else(|| s.output_asset.clone()),
        },
    };
    let input = account.container(&input_container)?;
    let prefix = in_prefix.map(|p| format!("{p}/")).unwrap_or_default();
    upload(g, &input, &a.path, &prefix, a.concurrency, interrupt).await?;
    settings.input_location.storage_container_read_list_sas =
        Some(account.input_sas(&input_container)?);
    settings.output_location.storage_container_write_sas =
        Some(account.output_sas(&output_container)?);
    storage::preflight(&input, &settings).await?;
    let id = match (a.id.clone(), a.content_id) {
        (Some(id), _) => id,
        (None, true) => storage::content_conversion_id(&a.path, &settings).await?,
        (None, false) => new_conversion_id(),
    };
    let started = tokio::select! {
        r = client.start_conversion(&id, settings) => r?,
        _ = interrupt.cancelled() => return Ok(interrupted(g, &format!(
            "conversion {id} may have been started and goes on (arrctl conversion show {id} --watch follows it)"
        ))),
    };
    if g.output == Output::Text {
        eprintln!("started conversion {id} ({})", started.status);
    }
    if !a.wait {
        show_conversion(g, &started);
        return Ok(exit::SUCCESS);
    }
    let output = account.container(&output_container)?;
    let progress = Progress::start(format!("conversion {id}"));
    let mut options = WaitOptions::new()
        .on_progress(progress.callback(|c: &Conversion| c.status.to_string()))
        .cancel(interrupt.clone());
    if let Some(t) = crate::waits::timeout(g)? {
        options = options.timeout(t);
    }
    let r = client
        .wait_for_conversion_with_report(&id, options, &output)
        .await;
    progress.finish();
    match r {
        Ok(c) => {
            let uri = c.output_asset_uri.clone().unwrap_or_default();
            let url = account.asset_read_url(&uri, DEFAULT_SAS_EXPIRY)?;
            // The read URL is the result asked for: it goes to stdout, nowhere else.
            if g.output == Output::Json {
                let mut v = serde_json::to_value(&c).unwrap_or_default();
                v["assetReadUrl"] = url.expose().into();
                print_json(&v);
            } else {
                show_conversion(g, &c);
                println!("read url    {}", url.expose());
            }
            Ok(exit::SUCCESS)
        }
        Err(e) if e.kind() == ErrorKind::Cancelled => Ok(interrupted(
            g,
            &format!("conversion {id} goes on (arrctl conversion show {id} --watch follows it)"),
        )),
        Err(e) => {
            show_failed(g, &CostRates::default(), &e);
            if let (Some(report), Output::Text) = (e.conversion_report(), g.output) {
                eprintln!("{report}");
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_of_a_folder_is_its_one_gltf_glb_or_fbx() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("scene.gltf"), "{}").unwrap();
        std::fs::write(dir.path().join("scene.bin"), "").unwrap();
        let s = Settings::default();
        assert_eq!(input_asset(dir.path(), None, &s).unwrap(), "scene.gltf");
        std::fs::write(dir.path().join("other.fbx"), "").unwrap();
        assert!(input_asset(dir.path(), None, &s)
            .unwrap_err()
            .message()
            .contains("several models"));
        assert_eq!(
            input_asset(dir.path(), Some("other.fbx".into()), &s).unwrap(),
            "other.fbx"
        );
    }
}
