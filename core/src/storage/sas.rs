//! Service SAS tokens made from a storage account key: the string-to-sign of the Blob service
//! and its HMAC-SHA256.
//!
//! Written by hand because neither blob client exposes it: `object_store` signs one blob per
//! request method (`sp=r` for GET, `w` for PUT) and never a container, and Microsoft's
//! `azure_storage_blob` makes only user-delegation SAS from an Entra token. The format is
//! Microsoft's "Create a service SAS" (version 2020-12-06 and later); the tests check it
//! against tokens Microsoft's Python SDK (`azure-storage-blob` 12.31) made for the same inputs
//! and against Azurite, which verifies the signature.

use crate::model::SecretString;
use base64::Engine;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use ring::hmac;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The `sv` (signed version) of every token made here.
pub(crate) const SAS_VERSION: &str = "2022-11-02";

/// What a SAS token allows. The letters are the service's, written in its order (`racwdxl…`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SasPermissions {
    /// `r`: read blobs (and their properties).
    pub read: bool,
    /// `c`: create new blobs.
    pub create: bool,
    /// `w`: write blobs (put blob, put block, put block list).
    pub write: bool,
    /// `d`: delete blobs.
    pub delete: bool,
    /// `l`: list the blobs of a container (container tokens only).
    pub list: bool,
}

impl SasPermissions {
    /// Read and list: what a conversion needs of its input container, and no more.
    pub const READ_LIST: SasPermissions = SasPermissions {
        read: true,
        create: false,
        write: false,
        delete: false,
        list: true,
    };
    /// Write and create: what a conversion needs of its output container (and an upload of
    /// its input), and no more: no read, no list, no delete.
    pub const WRITE: SasPermissions = SasPermissions {
        read: false,
        create: true,
        write: true,
        delete: false,
        list: false,
    };
    /// Read alone: a link to one blob (the converted asset).
    pub const READ: SasPermissions = SasPermissions {
        read: true,
        create: false,
        write: false,
        delete: false,
        list: false,
    };

    /// Permissions from the service's letters (`"rl"`, `"cw"`), as every binding takes them:
    /// some of `r`, `c`, `w`, `d`, `l`, each at most once, in any order. Anything else is an
    /// `INVALID_INPUT` naming `permissions`.
    pub fn parse(letters: &str) -> crate::Result<SasPermissions> {
        let mut p = SasPermissions::default();
        for c in letters.chars() {
            let slot = match c {
                'r' => &mut p.read,
                'c' => &mut p.create,
                'w' => &mut p.write,
                'd' => &mut p.delete,
                'l' => &mut p.list,
                other => {
                    return Err(crate::Error::invalid_input(
                        "permissions",
                        format!("{other:?} is not one of the letters r, c, w, d, l"),
                    ))
                }
            };
            if *slot {
                return Err(crate::Error::invalid_input(
                    "permissions",
                    format!("{c:?} is given twice"),
                ));
            }
            *slot = true;
        }
        if p == SasPermissions::default() {
            return Err(crate::Error::invalid_input(
                "permissions",
                "must grant something (some of r, c, w, d, l)",
            ));
        }
        Ok(p)
    }

    /// The `sp` value, in the service's order.
    pub fn letters(&self) -> String {
        let mut s = String::new();
        for (on, c) in [
            (self.read, 'r'),
            (self.create, 'c'),
            (self.write, 'w'),
            (self.delete, 'd'),
            (self.list, 'l'),
        ] {
            if on {
                s.push(c);
            }
        }
        s
    }
}

/// Characters kept as they are in a query value, as Azure's SDKs encode them (`/` is kept,
/// `:` `+` `=` are encoded).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// What a token is made for.
pub(crate) struct SasRequest<'a> {
    pub account: &'a str,
    pub container: &'a str,
    /// `None`: the whole container (`sr=c`); a blob name: that blob (`sr=b`).
    pub blob: Option<&'a str>,
    pub permissions: SasPermissions,
    pub start: OffsetDateTime,
    pub expiry: OffsetDateTime,
    /// `spr=https`: refused over plain http. Off only for loopback endpoints (Azurite).
    pub https_only: bool,
}

fn timestamp(t: OffsetDateTime) -> String {
    // Whole seconds, `Z`: the form the service documents.
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_default()
}

/// The query string of the token (no leading `?`), signed with `key` (the decoded account key).
pub(crate) fn sign(req: &SasRequest<'_>, key: &[u8]) -> SecretString {
    let sp = req.permissions.letters();
    let st = timestamp(req.start);
    let se = timestamp(req.expiry);
    let spr = if req.https_only { "https" } else { "" };
    let sr = if req.blob.is_some() { "b" } else { "c" };
    let mut resource = format!("/blob/{}/{}", req.account, req.container);
    if let Some(blob) = req.blob {
        resource.push('/');
        resource.push_str(blob);
    }
    // Version 2020-12-06 and later: permissions, start, expiry, resource, identifier, IP,
    // protocol, version, resource type, snapshot time, encryption scope, then the five
    // response-header overrides (rscc, rscd, rsce, rscl, rsct).
    let string_to_sign = [
        sp.as_str(),
        &st,
        &se,
        &resource,
        "",
        "",
        spr,
        SAS_VERSION,
        sr,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    .join("\n");
    let mac = hmac::sign(
        &hmac::Key::new(hmac::HMAC_SHA256, key),
        string_to_sign.as_bytes(),
    );
    let sig = base64::engine::general_purpose::STANDARD.encode(mac.as_ref());
    let enc = |v: &str| utf8_percent_encode(v, QUERY_VALUE).to_string();
    let mut query = format!("st={}&se={}&sp={sp}", enc(&st), enc(&se));
    if req.https_only {
        query.push_str("&spr=https");
    }
    query.push_str(&format!("&sv={SAS_VERSION}&sr={sr}&sig={}", enc(&sig)));
    SecretString::new(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_are_parsed_from_the_services_letters() {
        assert_eq!(
            SasPermissions::parse("lr").unwrap(),
            SasPermissions::READ_LIST
        );
        assert_eq!(SasPermissions::parse("cw").unwrap(), SasPermissions::WRITE);
        assert_eq!(SasPermissions::parse("rcwdl").unwrap().letters(), "rcwdl");
        for (bad, why) in [
            ("", "must grant"),
            ("rr", "twice"),
            ("rx", "'x'"),
            ("R", "'R'"),
        ] {
            let e = SasPermissions::parse(bad).unwrap_err();
            assert_eq!(e.field(), Some("permissions"));
            assert!(e.message().contains(why), "{bad}: {}", e.message());
        }
    }
    use time::macros::datetime;

    /// Azurite's published development key (not a secret).
    const DEV_KEY: &str =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    fn req(container: &str, blob: Option<&str>, p: SasPermissions, https: bool) -> String {
        let key = base64::engine::general_purpose::STANDARD
            .decode(DEV_KEY)
            .unwrap();
        sign(
            &SasRequest {
                account: "devstoreaccount1",
                container,
                blob,
                permissions: p,
                start: datetime!(2026-01-02 03:04:05 UTC),
                expiry: datetime!(2026-01-02 05:04:05 UTC),
                https_only: https,
            },
            &key,
        )
        .expose()
        .to_owned()
    }

    /// The expected tokens were made by Microsoft's Python SDK, azure-storage-blob 12.31.1:
    /// `BlobSharedAccessSignature("devstoreaccount1", account_key=DEV_KEY)` with
    /// `x_ms_version = "2022-11-02"`, `generate_container(...)` / `generate_blob(...)`, start
    /// 2026-01-02T03:04:05Z, expiry 2026-01-02T05:04:05Z.
    #[test]
    fn tokens_match_the_ones_microsofts_sdk_makes() {
        assert_eq!(
            req("input", None, SasPermissions::READ_LIST, true),
            "st=2026-01-02T03%3A04%3A05Z&se=2026-01-02T05%3A04%3A05Z&sp=rl&spr=https&sv=2022-11-02&sr=c&sig=252yk0XbzPLr7BaUd7AUIJqxeyIJ0%2BhbWrD1hy9Y6QU%3D"
        );
        assert_eq!(
            req("output", None, SasPermissions::WRITE, false),
            "st=2026-01-02T03%3A04%3A05Z&se=2026-01-02T05%3A04%3A05Z&sp=cw&sv=2022-11-02&sr=c&sig=EEjZVXj6CQzklwVtcevLpI4PnhdiDFV8iKU4oA%2Ba6tk%3D"
        );
        assert_eq!(
            req("output", Some("Output/model.arrAsset"), SasPermissions::READ, false),
            "st=2026-01-02T03%3A04%3A05Z&se=2026-01-02T05%3A04%3A05Z&sp=r&sv=2022-11-02&sr=b&sig=W/dIF3K1A3hZ1nD0UQK4xvgnCgOIlY4EbHkpUwF0eww%3D"
        );
    }

    #[test]
    fn permission_letters_are_in_the_services_order() {
        assert_eq!(SasPermissions::READ_LIST.letters(), "rl");
        assert_eq!(SasPermissions::WRITE.letters(), "cw");
        let all = SasPermissions {
            read: true,
            create: true,
            write: true,
            delete: true,
            list: true,
        };
        assert_eq!(all.letters(), "rcwdl");
    }
}
