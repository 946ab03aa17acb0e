//! After a conversion failed: its result file and log, read back from the output container
//! (a bounded read, SAS tokens redacted) into the error, so the reason reaches the caller
//! (Azure/azure-remote-rendering #86, #115).

use super::{redact_sas, BlobContainer};
use crate::client::Client;
use crate::error::{ErrorKind, Result};
use crate::model::{Conversion, ConversionSettings};
use crate::wait::WaitOptions;
use remote_rendering_models::OutputBlobs;

pub use crate::vocabulary::MAX_REPORT_BYTES;

fn blobs(settings: &ConversionSettings) -> OutputBlobs {
    let out = &settings.output_location;
    let name = out
        .output_asset_filename
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| {
            let input = &settings.input_location.relative_input_asset_path;
            let file = input.rsplit('/').next().unwrap_or(input);
            let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
            format!("{stem}.arrAsset")
        });
    OutputBlobs::new(out.blob_prefix.as_deref(), &name)
}

/// The result file's blob name for these settings: `{prefix}{stem}.result.json`.
pub fn conversion_result_name(settings: &ConversionSettings) -> String {
    blobs(settings).result
}

/// The log's blob name for these settings: `{prefix}{stem}.conversion.log`.
pub fn conversion_log_name(settings: &ConversionSettings) -> String {
    blobs(settings).log
}

/// The result file and log of `conversion` in `output` (read access needed), each cut at
/// [`MAX_REPORT_BYTES`] and redacted of SAS tokens; `None` when neither exists.
pub async fn read_conversion_report(
    output: &BlobContainer,
    conversion: &Conversion,
) -> Result<Option<String>> {
    read_conversion_report_for_settings(output, &conversion.settings).await
}

/// [`read_conversion_report`] of the conversion started with `settings`: where its result file
/// and log are depends on nothing else, so a binding that holds a conversion as its own model
/// passes its settings instead of rebuilding a core [`Conversion`].
pub async fn read_conversion_report_for_settings(
    output: &BlobContainer,
    settings: &ConversionSettings,
) -> Result<Option<String>> {
    let names = blobs(settings);
    let mut parts = Vec::new();
    for name in [&names.result, &names.log] {
        if let Some((bytes, cut)) = output.read_bounded(name, MAX_REPORT_BYTES).await? {
            let mut text = redact_sas(&String::from_utf8_lossy(&bytes));
            if cut {
                text.push_str(&format!("\n… (cut at {MAX_REPORT_BYTES} bytes)"));
            }
            parts.push(format!("--- {name}\n{}", text.trim_end()));
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join("\n")))
}

impl Client {
    /// [`wait_for_conversion`](Client::wait_for_conversion), and when the conversion failed,
    /// its result file and log read back from `output` (the output container, with read
    /// access) into the error ([`Error::conversion_report`](crate::Error::conversion_report)).
    /// A failure to read them leaves the error as it was (and is logged at `debug`).
    pub async fn wait_for_conversion_with_report(
        &self,
        id: &str,
        options: WaitOptions<Conversion>,
        output: &BlobContainer,
    ) -> Result<Conversion> {
        match self.wait_for_conversion(id, options).await {
            Err(e) if e.kind() == ErrorKind::ConversionFailed => {
                let Some(conversion) = e.conversion().cloned() else {
                    return Err(e);
                };
                let read = tokio::time::timeout(
                    crate::vocabulary::DEFAULT_REQUEST_TIMEOUT,
                    read_conversion_report(output, &conversion),
                )
                .await;
                match read {
                    Ok(Ok(Some(report))) => Err(e.with_conversion_report(report)),
                    Ok(Ok(None)) => Err(e),
                    Ok(Err(why)) => {
                        tracing::debug!(error = %why, "could not read the conversion's result file");
                        Err(e)
                    }
                    Err(_) => Err(e),
                }
            }
            other => other,
        }
    }
}
