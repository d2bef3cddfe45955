//! Parsing a request field by field into domain types, collecting every error with its field's
//! name, so that one 422 lists them all.

use std::str::FromStr;

use super::problem::{ApiError, FieldError};

/// Unicode's invisible direction marks, embeddings, overrides and isolates (U+202E turns
/// "Gazette" into "etteza​G" on screen).
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}')
}

/// Collects field errors while a request is parsed into domain types.
#[derive(Debug, Default)]
pub struct Fields {
    errors: Vec<FieldError>,
}

impl Fields {
    /// No errors yet.
    pub fn new() -> Fields {
        Fields::default()
    }

    /// Notes an error on `field`.
    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// Parses an optional value with `FromStr`, noting the error under `field`.
    pub fn parse<T: FromStr<Err = String>>(&mut self, field: &str, raw: Option<&str>) -> Option<T> {
        match raw {
            None => None,
            Some(raw) => match raw.parse() {
                Ok(value) => Some(value),
                Err(message) => {
                    self.error(field, message);
                    None
                }
            },
        }
    }

    /// A required text: trimmed, non-empty, at most `max` characters.
    pub fn text(&mut self, field: &str, raw: &str, max: usize) -> String {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            self.error(field, "must not be empty");
        } else if trimmed.chars().count() > max {
            self.error(field, format!("must have at most {max} characters"));
        }
        self.check_characters(field, trimmed, false);
        trimmed.to_string()
    }

    /// An optional one-line text: trimmed; blank becomes absent.
    pub fn optional_text(&mut self, field: &str, raw: Option<&str>, max: usize) -> Option<String> {
        let trimmed = raw.map(str::trim).filter(|s| !s.is_empty())?;
        if trimmed.chars().count() > max {
            self.error(field, format!("must have at most {max} characters"));
        }
        self.check_characters(field, trimmed, false);
        Some(trimmed.to_string())
    }

    /// An optional text of several lines (notes, reasons): as [`Fields::optional_text`], but line
    /// breaks and tabs are kept.
    pub fn optional_lines(&mut self, field: &str, raw: Option<&str>, max: usize) -> Option<String> {
        let trimmed = raw.map(str::trim).filter(|s| !s.is_empty())?;
        if trimmed.chars().count() > max {
            self.error(field, format!("must have at most {max} characters"));
        }
        self.check_characters(field, trimmed, true);
        Some(trimmed.to_string())
    }

    /// Refuses control characters (NUL, line breaks in a one-line field, escape codes) and the
    /// invisible direction overrides that make a name read differently than it is stored.
    fn check_characters(&mut self, field: &str, text: &str, multiline: bool) {
        let bad = text.chars().find(|c| {
            let allowed_break = multiline && matches!(c, '\n' | '\r' | '\t');
            (c.is_control() && !allowed_break) || is_direction_control(*c)
        });
        if let Some(c) = bad {
            self.error(
                field,
                format!(
                    "must not contain control characters (found U+{:04X}){}",
                    u32::from(c),
                    if multiline {
                        ""
                    } else {
                        "; it is one line of text"
                    }
                ),
            );
        }
    }

    /// A `YYYY-MM-DD` date.
    pub fn date(&mut self, field: &str, raw: Option<&str>) -> Option<chrono::NaiveDate> {
        let raw = raw?;
        match chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                self.error(
                    field,
                    format!("'{raw}' is not a date in the form YYYY-MM-DD"),
                );
                None
            }
        }
    }

    /// An RFC 3339 timestamp, or a date (taken as its midnight UTC); stored in UTC.
    pub fn timestamp(&mut self, field: &str, raw: Option<&str>) -> Option<chrono::NaiveDateTime> {
        let raw = raw?.trim();
        if let Ok(ts) = chrono::DateTime::parse_from_rfc3339(raw) {
            return Some(ts.with_timezone(&chrono::Utc).naive_utc());
        }
        if let Ok(date) = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            return date.and_hms_opt(0, 0, 0);
        }
        self.error(field, format!("'{raw}' is not an RFC 3339 timestamp"));
        None
    }

    /// Whether any field failed so far.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Ends parsing: the value when every field was valid, else the collected errors.
    pub fn finish<T>(self, value: T) -> Result<T, ApiError> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}
