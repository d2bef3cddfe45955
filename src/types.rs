//! Domain values shared by several features (email, country, web URL) and the clock. Raw
//! request strings become these at the boundary (`http::fields`); past the handler nothing holds
//! a string that could be invalid.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

/// An email address, trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(transparent)]
pub struct Email(String);

impl FromStr for Email {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let trimmed = raw.trim();
        if trimmed.len() > 254 {
            return Err("an email address has at most 254 characters".into());
        }
        let parsed = email_address::EmailAddress::from_str(trimmed)
            .map_err(|_| format!("'{trimmed}' is not an email address"))?;
        if !parsed.domain().contains('.') && parsed.domain() != "localhost" {
            return Err(format!("'{trimmed}' has no full domain"));
        }
        Ok(Email(trimmed.to_lowercase()))
    }
}

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An ISO 3166-1 alpha-2 country code, upper-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country(isocountry::CountryCode);

impl FromStr for Country {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let upper = raw.trim().to_ascii_uppercase();
        isocountry::CountryCode::for_alpha2(&upper)
            .map(Country)
            .map_err(|_| format!("'{raw}' is not an ISO 3166-1 alpha-2 country code"))
    }
}

impl Country {
    pub fn code(&self) -> &'static str {
        self.0.alpha2()
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl utoipa::PartialSchema for Country {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        let codes: Vec<&'static str> = isocountry::CountryCode::as_array()
            .iter()
            .map(|c| c.alpha2())
            .collect();
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .description(Some("ISO 3166-1 alpha-2 country code"))
            .enum_values(Some(codes))
            .into()
    }
}

impl utoipa::ToSchema for Country {}

impl Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// An absolute http(s) URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebUrl(url::Url);

impl FromStr for WebUrl {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        if raw.len() > 2048 {
            return Err("a URL has at most 2048 characters".into());
        }
        let url = url::Url::parse(raw).map_err(|_| format!("'{raw}' is not an absolute URL"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(format!("'{raw}' is not an http or https URL"));
        }
        Ok(WebUrl(url))
    }
}

impl WebUrl {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// For PATCH bodies: absent stays `None`, `null` becomes `Some(None)`, a value `Some(Some(v))`.
pub fn double_option<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

/// Timestamps in answers: RFC 3339 in UTC.
pub fn rfc3339(ts: &chrono::NaiveDateTime) -> String {
    ts.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            "  Desk@Worthy.News ".parse::<Email>().unwrap().as_str(),
            "desk@worthy.news"
        );
        assert!("not-an-email".parse::<Email>().is_err());
        assert!("a@b".parse::<Email>().is_err());
    }

    #[test]
    fn countries_are_iso_codes() {
        assert_eq!("us".parse::<Country>().unwrap().code(), "US");
        assert!("XX".parse::<Country>().is_err());
        assert!("USA".parse::<Country>().is_err());
    }

    #[test]
    fn urls_must_be_web() {
        assert!("https://worthynews.com/a".parse::<WebUrl>().is_ok());
        assert!("ftp://x.org".parse::<WebUrl>().is_err());
        assert!("nope".parse::<WebUrl>().is_err());
    }
}
