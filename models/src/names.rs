//! The names Azure Storage accepts for accounts and containers, checked the same way by the
//! emulator (where they become folders and blob requests) and by the client (before a request).

/// Storage account names as Azure accepts them: 3 to 24 lowercase letters and digits (Azurite's
/// `devstoreaccount1` is one).
pub fn is_storage_account_name(name: &str) -> bool {
    (3..=24).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Container names as Azure accepts them: 3 to 63 lowercase letters, digits and hyphens,
/// starting with a letter or digit, no two hyphens in a row, no hyphen at the end; or the
/// root container `$root`.
pub fn is_container_name(name: &str) -> bool {
    if name == "$root" {
        return true;
    }
    let b = name.as_bytes();
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
        && !name.contains("--")
}
