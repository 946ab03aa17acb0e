//! The blobs a conversion writes to its output container, named once for the emulator (which
//! writes them) and the client (which reads them back after a failure).
//!
//! The service wrote the `.arrAsset` and, beside it, a result file `<asset>.result.json`
//! describing the conversion (Azure/azure-remote-rendering #86, #115 name it). What it called
//! its log is documented nowhere this project could find: the name chosen here is
//! `<asset>.conversion.log`, next to the result file.

/// The names of a conversion's output blobs, its output prefix included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputBlobs {
    /// The converted asset, `{prefix}{outputAssetFilename}`.
    pub asset: String,
    /// The result file, `{prefix}{stem}.result.json`.
    pub result: String,
    /// The log, `{prefix}{stem}.conversion.log`.
    pub log: String,
}

impl OutputBlobs {
    /// For the output prefix (`None` or with or without its trailing `/`) and the asset's file
    /// name (`model.arrAsset`).
    pub fn new(prefix: Option<&str>, output_asset_filename: &str) -> OutputBlobs {
        let prefix = match prefix {
            None | Some("") => String::new(),
            Some(p) if p.ends_with('/') => p.to_owned(),
            Some(p) => format!("{p}/"),
        };
        let stem = output_asset_filename
            .len()
            .checked_sub(".arrAsset".len())
            .filter(|&n| output_asset_filename[n..].eq_ignore_ascii_case(".arrAsset"))
            .map_or(output_asset_filename, |n| &output_asset_filename[..n]);
        OutputBlobs {
            asset: format!("{prefix}{output_asset_filename}"),
            result: format!("{prefix}{stem}.result.json"),
            log: format!("{prefix}{stem}.conversion.log"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_blobs_sit_beside_the_asset() {
        let b = OutputBlobs::new(Some("Output"), "model.arrAsset");
        assert_eq!(b.asset, "Output/model.arrAsset");
        assert_eq!(b.result, "Output/model.result.json");
        assert_eq!(b.log, "Output/model.conversion.log");
        assert_eq!(OutputBlobs::new(None, "a.arrasset").result, "a.result.json");
    }
}
