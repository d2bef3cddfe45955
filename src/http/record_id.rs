//! The id in a path (`/v1/licenses/{id}`): a positive `i64`. Something that is not a whole
//! number (or past `i64`) is a 400 naming the parameter; 0 names no record (404).

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Required, Type};

use super::ApiError;

/// A record id read from the `{id}` segment of the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordId(pub i64);

impl RecordId {
    /// Parses a path segment: digits only, within `i64` (else 400); positive (else 404).
    pub fn parse(raw: &str) -> Result<RecordId, ApiError> {
        let number = raw
            .parse::<i64>()
            .ok()
            .filter(|_| !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "the path parameter id must be a positive whole number, not '{}'",
                    raw.chars().take(40).collect::<String>()
                ))
            })?;
        if number > 0 {
            Ok(RecordId(number))
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// The id as stored.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl FromRequest for RecordId {
    type Error = ApiError;
    type Future = Ready<Result<RecordId, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(
            req.match_info()
                .get("id")
                .ok_or(ApiError::NotFound)
                .and_then(RecordId::parse),
        )
    }
}

impl utoipa::IntoParams for RecordId {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![ParameterBuilder::new()
            .name("id")
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .description(Some("The record's id"))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Int64,
                    )))
                    .minimum(Some(1)),
            ))
            .build()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_positive_whole_numbers_name_a_record() {
        assert_eq!(RecordId::parse("42").ok(), Some(RecordId(42)));
        assert!(matches!(RecordId::parse("0"), Err(ApiError::NotFound)));
        for bad in ["-1", "abc", "+3", "99999999999999999999", ""] {
            assert!(
                matches!(RecordId::parse(bad), Err(ApiError::BadRequest(_))),
                "{bad}"
            );
        }
    }
}
