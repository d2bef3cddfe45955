//! The query string read into a typed struct, like `web::Query`, but a value that does not fit
//! names its parameter (`expiring_within_days: expected a whole number, got "-5"`) in the
//! `errors[]` of a 400. Unknown parameters are refused before (see `app::routes`).

use std::future::{ready, Ready};
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use super::problem::{ApiError, FieldError};

/// A query string parsed into `T`.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    /// The parsed parameters.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// Serde's words for a value's type, in words a person uses.
pub fn humanize(message: &str) -> String {
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .replace("a sequence", "a list")
        .replace("a map", "an object")
        .replace("i64", "a whole number")
        .replace("i32", "a whole number")
        .replace("u64", "a whole number (0 or more)")
        .replace("u32", "a whole number (0 or more)")
        .replace("invalid digit found in string", "expected a whole number")
        .replace(
            "provided string was not `true` or `false`",
            "expected true or false",
        );
    match message.strip_prefix("invalid type: ") {
        Some(rest) => match rest.split_once(", expected ") {
            Some((got, expected)) => format!("expected {expected}, got {got}"),
            None => rest.to_string(),
        },
        None => message,
    }
}

/// The path serde was at when it failed (`contact_emails[0]`), without the leading dot.
pub fn field_of<E>(err: &serde_path_to_error::Error<E>) -> String {
    let path = err.path().to_string();
    if path == "." {
        String::new()
    } else {
        path
    }
}

/// Parses a query string into `T`, naming the parameter that does not fit.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let pairs = form_urlencoded::parse(query.as_bytes());
    let deserializer = serde_urlencoded::Deserializer::new(pairs);
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let field = field_of(&err);
        let message = humanize(&err.inner().to_string());
        let message = match query_value(query, &field) {
            Some(value) if !message.contains(&value) => format!("{message}, got '{value}'"),
            _ => message,
        };
        ApiError::InvalidQuery(vec![FieldError::new(field, message)])
    })
}

/// The raw value of one parameter, for the error message.
fn query_value(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.chars().take(60).collect())
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Query<T>, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(Query))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Filter {
        expiring_within_days: Option<u32>,
        active: Option<bool>,
    }

    #[test]
    fn a_value_that_does_not_fit_names_its_parameter() {
        let Err(ApiError::InvalidQuery(errors)) = parse::<Filter>("expiring_within_days=-5") else {
            panic!("not refused");
        };
        assert_eq!(errors[0].field, "expiring_within_days");
        assert!(errors[0].message.contains("-5"), "{}", errors[0].message);
        let Err(ApiError::InvalidQuery(errors)) = parse::<Filter>("active=maybe") else {
            panic!("not refused");
        };
        assert_eq!(errors[0].field, "active");
        let ok = parse::<Filter>("expiring_within_days=30").unwrap();
        assert_eq!((ok.expiring_within_days, ok.active), (Some(30), None));
    }
}
