//! Timestamps as the service writes them.
//!
//! Sessions use `2024-05-02T11:24:13.8478364+00:00`, conversions `2024-05-02T11:21:20.537184Z`:
//! both have at most 7 fractional digits with trailing zeros dropped. A [`Timestamp`] keeps the
//! text it was parsed from, so a parsed body re-serialises byte for byte, and knows its instant.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A point in time with the exact text it had on the wire.
#[derive(Clone)]
pub struct Timestamp {
    text: String,
    instant: OffsetDateTime,
}

/// A timestamp that is not RFC 3339.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimestampError(
    /// The text that is not a timestamp.
    pub String,
);

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an RFC 3339 timestamp: {:?}", self.0)
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    /// Parses any RFC 3339 timestamp (`Z` or a numeric offset, any number of fractional digits).
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let instant =
            OffsetDateTime::parse(text, &Rfc3339).map_err(|_| TimestampError(text.to_owned()))?;
        Ok(Timestamp {
            text: text.to_owned(),
            instant,
        })
    }

    /// The form sessions use: `+00:00`, at most 7 fractional digits, trailing zeros dropped.
    pub fn session_form(instant: OffsetDateTime) -> Self {
        Self::format(instant, "+00:00")
    }

    /// The form conversions use: `Z`, at most 7 fractional digits, trailing zeros dropped.
    pub fn conversion_form(instant: OffsetDateTime) -> Self {
        Self::format(instant, "Z")
    }

    fn format(instant: OffsetDateTime, suffix: &str) -> Self {
        let utc = instant.to_offset(time::UtcOffset::UTC);
        // .NET ticks are 100 ns: 7 digits at most.
        let ticks = utc.nanosecond() / 100;
        let mut frac = format!("{ticks:07}");
        while frac.ends_with('0') {
            frac.pop();
        }
        let text = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{}{}",
            utc.year(),
            u8::from(utc.month()),
            utc.day(),
            utc.hour(),
            utc.minute(),
            utc.second(),
            if frac.is_empty() { "" } else { "." },
            frac,
            suffix
        );
        // Truncate the instant to what the text says, so text and instant agree.
        let instant = utc
            .replace_nanosecond(ticks * 100)
            .expect("ticks*100 is a valid nanosecond");
        Timestamp { text, instant }
    }

    /// The text as it appears on the wire.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant, in UTC.
    pub fn instant(&self) -> OffsetDateTime {
        self.instant.to_offset(time::UtcOffset::UTC)
    }
}

impl PartialEq for Timestamp {
    /// Two timestamps are equal when they name the same instant, whatever their form.
    fn eq(&self, other: &Self) -> bool {
        self.instant == other.instant
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn both_service_forms_parse_and_keep_their_text() {
        for text in [
            "2024-05-02T11:24:13.8478364+00:00",
            "2024-07-11T20:30:35.016689+00:00",
            "2024-05-02T11:21:20.537184Z",
            "2020-11-11T11:11:11.111Z",
        ] {
            let ts = Timestamp::parse(text).unwrap();
            assert_eq!(ts.as_str(), text);
            assert_eq!(serde_json::to_string(&ts).unwrap(), format!("\"{text}\""));
        }
        assert!(Timestamp::parse("yesterday").is_err());
    }

    #[test]
    fn forms_written_like_the_service() {
        let t = datetime!(2024-05-02 11:24:13.847836400 UTC);
        assert_eq!(
            Timestamp::session_form(t).as_str(),
            "2024-05-02T11:24:13.8478364+00:00"
        );
        let t = datetime!(2024-05-02 11:21:20.537184099 UTC);
        assert_eq!(
            Timestamp::conversion_form(t).as_str(),
            "2024-05-02T11:21:20.537184Z"
        );
        let t = datetime!(2024-05-02 11:21:20 UTC);
        assert_eq!(
            Timestamp::conversion_form(t).as_str(),
            "2024-05-02T11:21:20Z"
        );
    }

    #[test]
    fn equality_is_by_instant() {
        let a = Timestamp::parse("2024-05-02T11:21:20.5Z").unwrap();
        let b = Timestamp::parse("2024-05-02T11:21:20.5000000+00:00").unwrap();
        assert_eq!(a, b);
    }
}
