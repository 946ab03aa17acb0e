//! The checks before a conversion is started: names the service refuses, the input blob, and
//! every file a `.gltf` input references (its buffers' and images' relative `uri`s), so that a
//! conversion that could only fail is never started.

use super::BlobContainer;
use crate::error::{Error, Result};
use crate::model::ConversionSettings;
use percent_encoding::percent_decode_str;

/// The largest `.gltf` read to find its references (a glTF's JSON is small; its data is in
/// the files it references).
const MAX_GLTF_BYTES: u64 = 64 * 1024 * 1024;

/// Checks a blob name against what Azure and the conversion service accept: 1 to 1024
/// characters, relative, no `.` or `..` segment, no backslash or control character, and no `&`
/// (the service failed with an internal error on one: Azure/azure-remote-rendering #15).
pub fn check_blob_name(name: &str, field: &'static str) -> Result<()> {
    let rule = if name.is_empty() {
        Some("must not be empty")
    } else if name.chars().count() > 1024 {
        Some("must be at most 1024 characters long")
    } else if name.starts_with('/') {
        Some("must be relative (no leading '/')")
    } else if name.contains('\\') {
        Some("must use '/' between folders, not '\\'")
    } else if name.chars().any(char::is_control) {
        Some("must not contain control characters")
    } else if name.contains('&') {
        Some("must not contain '&' (the conversion service fails on it)")
    } else if name
        .split('/')
        .any(|s| s == "." || s == ".." || s.is_empty())
    {
        Some("must not have empty, '.' or '..' segments")
    } else {
        None
    };
    match rule {
        None => Ok(()),
        Some(rule) => Err(Error::invalid_input(field, format!("{name:?} {rule}"))),
    }
}

/// What the preflight checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preflight {
    /// The input blob (prefix included).
    pub input_blob: String,
    /// Its size in bytes.
    pub input_bytes: u64,
    /// The blobs a glTF input references, each found.
    pub referenced: Vec<String>,
}

/// The relative `uri`s of a glTF's `buffers` and `images` (not `data:` URIs, not absolute
/// URLs), percent-decoded, as the glTF 2.0 specification defines them.
fn gltf_references(json: &[u8]) -> Result<Vec<(String, String)>> {
    let doc: serde_json::Value = serde_json::from_slice(json).map_err(|e| {
        Error::invalid_input(
            "input.relative_input_asset_path",
            format!("the .gltf input is not JSON ({e})"),
        )
    })?;
    let mut refs = Vec::new();
    for list in ["buffers", "images"] {
        if let Some(items) = doc.get(list).and_then(|v| v.as_array()) {
            for (i, item) in items.iter().enumerate() {
                let Some(uri) = item.get("uri").and_then(|u| u.as_str()) else {
                    continue;
                };
                let lower = uri.to_ascii_lowercase();
                if lower.starts_with("data:") || lower.contains("://") || uri.starts_with('/') {
                    continue;
                }
                let decoded = percent_decode_str(uri).decode_utf8_lossy().into_owned();
                refs.push((format!("{list}[{i}].uri"), decoded));
            }
        }
    }
    Ok(refs)
}

/// `dir/../x` → `x`, relative to the folder of the glTF; `None` if it leaves the container.
fn resolve(base_dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = base_dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Checks a conversion before it is started, against its input container (`input`, with a
/// read SAS or the account key): the input blob's name is one the service accepts and it
/// exists; when it is a `.gltf`, every buffer and image it references by a relative `uri`
/// exists (under the input's `blob_prefix`, which is all the service downloads). A failure is
/// an [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) naming the missing blob.
pub async fn preflight(input: &BlobContainer, settings: &ConversionSettings) -> Result<Preflight> {
    let loc = &settings.input_location;
    let prefix = match loc.blob_prefix.as_deref() {
        None | Some("") => String::new(),
        Some(p) if p.ends_with('/') => p.to_owned(),
        Some(p) => format!("{p}/"),
    };
    if !prefix.is_empty() {
        check_blob_name(prefix.trim_end_matches('/'), "input.blob_prefix")?;
    }
    check_blob_name(
        &loc.relative_input_asset_path,
        "input.relative_input_asset_path",
    )?;
    if let Some(name) = settings
        .output_location
        .output_asset_filename
        .as_deref()
        .filter(|n| !n.is_empty())
    {
        check_blob_name(name, "output.output_asset_filename")?;
    }
    if let Some(p) = settings
        .output_location
        .blob_prefix
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        check_blob_name(p.trim_end_matches('/'), "output.blob_prefix")?;
    }
    let input_blob = format!("{prefix}{}", loc.relative_input_asset_path);
    let Some(input_bytes) = input.blob_size(&input_blob).await? else {
        return Err(Error::invalid_input(
            "input.relative_input_asset_path",
            format!(
                "the input blob {input_blob:?} does not exist in {}",
                input.uri()
            ),
        ));
    };
    let mut referenced = Vec::new();
    if input_blob.to_ascii_lowercase().ends_with(".gltf") {
        let Some((json, cut)) = input.read_bounded(&input_blob, MAX_GLTF_BYTES).await? else {
            return Err(Error::invalid_input(
                "input.relative_input_asset_path",
                format!(
                    "the input blob {input_blob:?} does not exist in {}",
                    input.uri()
                ),
            ));
        };
        if cut {
            return Err(Error::invalid_input(
                "input.relative_input_asset_path",
                format!("the .gltf input {input_blob:?} is larger than {MAX_GLTF_BYTES} bytes"),
            ));
        }
        let dir = input_blob.rsplit_once('/').map_or("", |(d, _)| d);
        let refs = gltf_references(&json)?;
        // One listing of the prefix answers for every reference (a SAS for conversions has
        // list permission); without it, one request per reference.
        let listed: Option<std::collections::HashSet<String>> = if refs.is_empty() {
            None
        } else {
            match input.list(&prefix).await {
                Ok(names) => Some(names.into_iter().collect()),
                Err(e) if e.kind() == crate::ErrorKind::Forbidden => None,
                Err(e) => return Err(e),
            }
        };
        for (place, uri) in refs {
            let blob = resolve(dir, &uri).filter(|b| b.starts_with(&prefix) && !b.is_empty());
            let Some(blob) = blob else {
                return Err(Error::invalid_input(
                    "input.relative_input_asset_path",
                    format!("{input_blob:?} references {uri:?} ({place}), which is outside the input's blob prefix {prefix:?}: the service would not download it"),
                ));
            };
            check_blob_name(&blob, "input.relative_input_asset_path")?;
            let found = match &listed {
                Some(names) => names.contains(&blob),
                None => input.exists(&blob).await?,
            };
            if !found {
                return Err(Error::invalid_input(
                    "input.relative_input_asset_path",
                    format!("the blob {blob:?}, which {input_blob:?} references ({place}), does not exist in {}", input.uri()),
                ));
            }
            referenced.push(blob);
        }
    }
    Ok(Preflight {
        input_blob,
        input_bytes,
        referenced,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_buffer_and_image_uris_are_the_references() {
        let json = br#"{"buffers":[{"uri":"scene.bin"},{"uri":"data:application/octet-stream;base64,AAAA"}],
            "images":[{"uri":"textures/wood%20dark.png"},{"uri":"https://example.com/a.png"},{"bufferView":0}]}"#;
        let refs = gltf_references(json).unwrap();
        assert_eq!(
            refs,
            vec![
                ("buffers[0].uri".to_owned(), "scene.bin".to_owned()),
                (
                    "images[0].uri".to_owned(),
                    "textures/wood dark.png".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn references_resolve_against_the_gltf_folder() {
        assert_eq!(
            resolve("model", "scene.bin").as_deref(),
            Some("model/scene.bin")
        );
        assert_eq!(
            resolve("model/sub", "../tex/a.png").as_deref(),
            Some("model/tex/a.png")
        );
        assert_eq!(resolve("", "../a.bin"), None);
    }

    #[test]
    fn names_the_service_refuses_are_refused() {
        for bad in ["", "/abs", "a\\b", "a/../b", "a//b", "R&D.fbx", "a\u{7}b"] {
            assert!(check_blob_name(bad, "f").is_err(), "{bad:?}");
        }
        for ok in ["model.fbx", "dir/sub/model name.gltf", "a..b.fbx"] {
            check_blob_name(ok, "f").unwrap();
        }
    }
}
