//! What every handler shares and nothing feature-specific: the problem+json error, the JSON body
//! extractor, the typed path id, content negotiation, pagination, CSV streaming, ETags, the
//! answers of soft delete and restore, and field-by-field parsing of inputs.
//!
//! Nothing here names a feature; features use it.

#![warn(missing_docs)]

pub mod csv;
pub mod etag;
pub mod fields;
pub mod json;
pub mod negotiation;
pub mod pagination;
pub mod problem;
pub mod query;
pub mod record_id;
pub mod route_table;
pub mod soft_delete;

use actix_web::HttpResponse;
use serde::Serialize;

pub use problem::ApiError;
pub use record_id::RecordId;

/// 201 with a Location header.
pub fn created<T: Serialize>(location: String, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header(("Location", location))
        .json(body)
}

/// A `?q=` search text: trimmed, at most 200 characters, blank means none.
pub fn search_text(raw: Option<String>) -> Result<Option<String>, ApiError> {
    match raw.map(|q| q.trim().to_string()).filter(|q| !q.is_empty()) {
        Some(q) if q.chars().count() > 200 => {
            Err(ApiError::BadRequest("q has at most 200 characters".into()))
        }
        other => Ok(other),
    }
}

/// Field errors found in a query string answer 400, not 422.
pub fn query_problem(err: ApiError) -> ApiError {
    match err {
        ApiError::Validation(errors) => ApiError::InvalidQuery(errors),
        other => other,
    }
}

/// The request's id: the client's `X-Request-Id` when it sent a usable one, else the one
/// generated for the request. Audit entries carry it; answers send it back.
#[derive(Debug, Clone)]
pub struct RequestIdValue(pub String);

/// Who made the request, as the access log names them (`user:3`, `user:3 key:7`); set by the
/// caller extractor once the credentials are checked.
#[derive(Debug, Clone)]
pub struct CallerLabel(pub String);
