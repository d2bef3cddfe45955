//! Optimistic concurrency: a record's version as a strong ETag, `If-Match` read back.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

use super::ApiError;

/// The ETag of a record version: `"3"`.
pub fn of_version(version: i32) -> String {
    format!("\"{version}\"")
}

/// Adds the version's ETag to an answer.
pub fn with_etag(mut response: HttpResponse, version: i32) -> HttpResponse {
    if let Ok(value) = header::HeaderValue::from_str(&of_version(version)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The version an `If-Match` header names (`"3"` or `W/"3"`); `None` without the header or
/// with `*`. Anything else answers 412.
pub fn if_match(req: &HttpRequest) -> Result<Option<i32>, ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    if text == "*" {
        return Ok(None);
    }
    text.trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .map(Some)
        .map_err(|_| {
            ApiError::PreconditionFailed("If-Match does not name a version of this record".into())
        })
}
