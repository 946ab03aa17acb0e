//! `arrctl conversion …`: start (optionally waiting), show, list; the blob URLs of the flags
//! and the config split into what the service takes.

use crate::args::{ConversionCommand, Global, Output};
use crate::exit;
use crate::interrupt::{interrupted, unless_interrupted};
use crate::output::{list_conversions, show_conversion, show_failed};
use crate::settings::Settings;
use crate::usage::usage;
use crate::waits;
use remote_rendering::{
    new_conversion_id, CancellationToken, Client, ConversionInputSettings,
    ConversionOutputSettings, ConversionSettings, CostRates, Error, ErrorKind,
};

/// `https://{account}.blob.core.windows.net/{container}/{path}` → (container URI, path).
fn split_blob_url(url: &str, what: &str) -> Result<(String, String), Error> {
    let bad = || {
        usage(format!(
            "{what} {url:?} is not https://{{account}}.blob.core.windows.net/{{container}}/…"
        ))
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    let (host, path) = rest.split_once('/').ok_or_else(bad)?;
    let mut segs = path.splitn(if host.contains(".blob.") { 2 } else { 3 }, '/');
    let container = if host.contains(".blob.") {
        segs.next()
            .filter(|c| !c.is_empty())
            .ok_or_else(bad)?
            .to_owned()
    } else {
        // Azurite style: http://host:port/{account}/{container}/…
        let account = segs.next().ok_or_else(bad)?;
        format!("{account}/{}", segs.next().ok_or_else(bad)?)
    };
    let rest = segs.next().unwrap_or("").trim_matches('/').to_owned();
    Ok((format!("{scheme}://{host}/{container}"), rest))
}

/// `models/v2/box.fbx` → (`Some("models/v2")`, `box.fbx`); `box.fbx` → (`None`, `box.fbx`).
fn split_folder(path: &str) -> (Option<String>, String) {
    match path.rsplit_once('/') {
        Some((folder, file)) if !folder.is_empty() => (Some(folder.to_owned()), file.to_owned()),
        _ => (None, path.trim_start_matches('/').to_owned()),
    }
}

fn conversion_settings(
    s: &Settings,
    input: Option<String>,
    output: Option<String>,
    input_sas: Option<String>,
    output_sas: Option<String>,
    output_name: Option<String>,
) -> Result<ConversionSettings, Error> {
    let blob = |account: &str, container: &str| match &s.blob_endpoint {
        Some(endpoint) => format!("{}/{container}", endpoint.trim_end_matches('/')),
        None => format!("https://{account}.blob.core.windows.net/{container}"),
    };
    let folder = |f: &Option<String>| {
        f.as_deref()
            .map(|p| p.trim_matches('/').to_owned())
            .filter(|p| !p.is_empty())
    };
    let (in_container, in_prefix, in_path) = match input {
        Some(url) => {
            let (c, p) = split_blob_url(&url, "--input")?;
            if p.is_empty() {
                return Err(usage("--input must name the model file inside the container"));
            }
            // The folder is the blob prefix and the file the relative path, as the SDKs and
            // Conversion.ps1 sent them: with the folder inside the relative path and no prefix
            // the service reads the whole container.
            let (folder, file) = split_folder(&p);
            (c, folder, file)
        }
        None => match (&s.storage_account, &s.input_container, &s.input_asset) {
            (Some(a), Some(c), Some(asset)) => (blob(a, c), folder(&s.input_folder), asset.clone()),
            _ => return Err(usage("no input: pass --input https://{account}.blob.core.windows.net/{container}/{model}, or fill the config's assetConversionSettings")),
        },
    };
    let (out_container, out_prefix) = match output {
        Some(url) => {
            let (c, p) = split_blob_url(&url, "--output")?;
            (c, Some(p).filter(|p| !p.is_empty()))
        }
        None => match (&s.storage_account, &s.output_container) {
            (Some(a), Some(c)) => (blob(a, c), folder(&s.output_folder)),
            _ => return Err(usage("no output: pass --output-url https://{account}.blob.core.windows.net/{container}[/{prefix}], or fill the config")),
        },
    };
    let env = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
    Ok(ConversionSettings {
        input_location: ConversionInputSettings {
            storage_container_uri: in_container,
            storage_container_read_list_sas: input_sas
                .or_else(|| env("ARR_INPUT_SAS"))
                .map(Into::into),
            blob_prefix: in_prefix,
            relative_input_asset_path: in_path,
        },
        output_location: ConversionOutputSettings {
            storage_container_uri: out_container,
            storage_container_write_sas: output_sas
                .or_else(|| env("ARR_OUTPUT_SAS"))
                .map(Into::into),
            blob_prefix: out_prefix,
            output_asset_filename: output_name.or_else(|| s.output_asset.clone()),
        },
    })
}

pub async fn run(
    g: &Global,
    client: &Client,
    s: &Settings,
    cmd: ConversionCommand,
    interrupt: &CancellationToken,
) -> Result<u8, Error> {
    let none = CostRates::default();
    match cmd {
        ConversionCommand::Start {
            id,
            input,
            output_url,
            input_sas,
            output_sas,
            output_name,
            wait,
            upload,
            generate_sas,
        } => {
            let mut settings =
                conversion_settings(s, input, output_url, input_sas, output_sas, output_name)?;
            if let Some(path) = upload {
                crate::convert::upload_input(g, s, path.as_deref(), &settings, interrupt).await?;
            }
            if generate_sas {
                crate::convert::generate_sas(&mut settings, &crate::convert::key(s)?)?;
            }
            let id = id.unwrap_or_else(new_conversion_id);
            let started = tokio::select! {
                r = client.start_conversion(&id, settings) => r?,
                _ = interrupt.cancelled() => return Ok(interrupted(g, &format!(
                    "conversion {id} may have been started and goes on (arrctl conversion show {id} --watch follows it)"
                ))),
            };
            if g.output == Output::Text {
                eprintln!("started conversion {id} ({})", started.status);
            }
            if !wait {
                show_conversion(g, &started);
                return Ok(exit::SUCCESS);
            }
            watch(g, client, &id, interrupt, &none).await
        }
        ConversionCommand::Show { id, watch: true } => {
            watch(g, client, &id, interrupt, &none).await
        }
        ConversionCommand::Show { id, watch: false } => {
            let c = unless_interrupted(interrupt, client.get_conversion(&id)).await?;
            show_conversion(g, &c);
            Ok(exit::SUCCESS)
        }
        ConversionCommand::List => {
            let all = unless_interrupted(interrupt, client.list_conversions_all()).await?;
            list_conversions(g, &all);
            Ok(exit::SUCCESS)
        }
    }
}

/// Waits for the conversion to finish; Ctrl-C leaves it running (a conversion cannot be
/// cancelled through this API) and says so.
async fn watch(
    g: &Global,
    client: &Client,
    id: &str,
    interrupt: &CancellationToken,
    none: &CostRates,
) -> Result<u8, Error> {
    match waits::conversion(g, client, id, interrupt).await {
        Ok(c) => {
            show_conversion(g, &c);
            Ok(exit::SUCCESS)
        }
        Err(e) if e.kind() == ErrorKind::Cancelled => {
            let state = e
                .conversion()
                .map(|c| format!(" ({})", c.status))
                .unwrap_or_default();
            Ok(interrupted(
                g,
                &format!("conversion {id}{state} goes on (arrctl conversion show {id} --watch follows it)"),
            ))
        }
        Err(e) => {
            show_failed(g, none, &e);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_urls_split_into_container_and_path() {
        assert_eq!(
            split_blob_url(
                "https://acct.blob.core.windows.net/in/models/box.fbx",
                "--input"
            )
            .unwrap(),
            (
                "https://acct.blob.core.windows.net/in".into(),
                "models/box.fbx".into()
            )
        );
        assert_eq!(
            split_blob_url("https://acct.blob.core.windows.net/out", "--output").unwrap(),
            ("https://acct.blob.core.windows.net/out".into(), "".into())
        );
        assert_eq!(
            split_blob_url(
                "http://127.0.0.1:10000/devstoreaccount1/in/box.fbx",
                "--input"
            )
            .unwrap(),
            (
                "http://127.0.0.1:10000/devstoreaccount1/in".into(),
                "box.fbx".into()
            )
        );
        assert!(split_blob_url("box.fbx", "--input").is_err());
    }

    #[test]
    fn the_folder_of_the_input_is_the_blob_prefix() {
        assert_eq!(
            split_folder("models/v2/box.fbx"),
            (Some("models/v2".into()), "box.fbx".into())
        );
        assert_eq!(split_folder("box.fbx"), (None, "box.fbx".into()));
    }
}
