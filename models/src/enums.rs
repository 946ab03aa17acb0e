//! The service's string enums. All are `modelAsString` in the spec: a value this crate does not
//! know is kept as `Unknown(text)` instead of failing, and written back unchanged.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value the service sent that this version does not know.
            Unknown(String),
        }

        impl $name {
            /// The wire text of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Unknown(text) => text,
                }
            }

            /// Parses a wire value. Known values match case-insensitively (the PowerShell
            /// scripts send `standard`) and come back in their canonical spelling; anything
            /// else is kept as `Unknown`.
            pub fn parse(text: &str) -> Self {
                $(if text.eq_ignore_ascii_case($text) { return $name::$variant; })+
                $name::Unknown(text.to_owned())
            }

            /// Every value this version knows, in the spec's order.
            pub const KNOWN: &'static [&'static str] = &[$($text),+];
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                // Keep an unknown value's exact text; a known one in any case is canonical.
                Ok($name::parse(&text))
            }
        }
    };
}

wire_enum!(
    /// The size of the rendering server (`session_size`).
    SessionSize {
        /// The standard server.
        Standard = "Standard",
        /// The larger server, for models with many polygons.
        Premium = "Premium",
    }
);

wire_enum!(
    /// The state of a rendering session (`session_status`).
    SessionStatus {
        /// Startup failed; terminal.
        Error = "Error",
        /// The lease ran out; terminal.
        Expired = "Expired",
        /// Being provisioned.
        Starting = "Starting",
        /// Accepting connections; the lease counts from here.
        Ready = "Ready",
        /// Stopped by a client; terminal.
        Stopped = "Stopped",
    }
);

wire_enum!(
    /// The state of an asset conversion (`conversion_status`).
    ConversionStatus {
        /// Accepted, not yet running.
        NotStarted = "NotStarted",
        /// Converting.
        Running = "Running",
        /// Terminal.
        Cancelled = "Cancelled",
        /// Terminal.
        Failed = "Failed",
        /// Terminal.
        Succeeded = "Succeeded",
    }
);

impl SessionStatus {
    /// `Error`, `Expired` and `Stopped` never change again.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            SessionStatus::Error | SessionStatus::Expired | SessionStatus::Stopped
        )
    }
}

impl ConversionStatus {
    /// `Cancelled`, `Failed` and `Succeeded` never change again.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            ConversionStatus::Cancelled | ConversionStatus::Failed | ConversionStatus::Succeeded
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_are_kept_verbatim() {
        let s: SessionStatus = serde_json::from_str("\"Hibernating\"").unwrap();
        assert_eq!(s, SessionStatus::Unknown("Hibernating".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"Hibernating\"");
        assert!(!s.is_terminal());
    }

    #[test]
    fn known_values_match_any_case_and_become_canonical() {
        assert_eq!(SessionSize::parse("standard"), SessionSize::Standard);
        assert_eq!(SessionSize::parse("PREMIUM").as_str(), "Premium");
        assert_eq!(
            ConversionStatus::parse("Succeeded"),
            ConversionStatus::Succeeded
        );
    }

    #[test]
    fn terminal_states_follow_the_spec() {
        assert!(SessionStatus::Stopped.is_terminal());
        assert!(SessionStatus::Expired.is_terminal());
        assert!(SessionStatus::Error.is_terminal());
        assert!(!SessionStatus::Ready.is_terminal());
        assert!(ConversionStatus::Cancelled.is_terminal());
        assert!(!ConversionStatus::NotStarted.is_terminal());
    }
}
