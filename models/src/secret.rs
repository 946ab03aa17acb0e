//! A string that must never be printed: account keys, access tokens, SAS query strings.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A secret string. `Debug` prints `<redacted>`; there is no `Display`. The value is sent on
/// the wire unchanged (it serialises as a plain JSON string) and read with [`expose`].
///
/// [`expose`]: SecretString::expose
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(value.into())
    }

    /// The secret itself. Call this only where the value goes on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        SecretString(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        SecretString(value.to_owned())
    }
}

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SecretString)
    }
}

#[cfg(test)]
mod tests {
    use super::SecretString;

    #[test]
    fn debug_never_shows_the_value() {
        let s = SecretString::new("sv=2020&sig=abc");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(s.expose(), "sv=2020&sig=abc");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"sv=2020&sig=abc\"");
    }
}
