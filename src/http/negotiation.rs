//! Content negotiation: JSON-LD beside plain JSON.

use actix_web::http::header;
use actix_web::HttpRequest;

/// The JSON-LD media type (ODRL policies, schema.org markup).
pub const JSON_LD: &str = "application/ld+json";

/// Does the client ask for JSON-LD (`Accept: application/ld+json`)?
pub fn wants_json_ld(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains(JSON_LD))
}

/// Is the body JSON-LD (`Content-Type: application/ld+json`)?
pub fn is_json_ld(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().starts_with(JSON_LD))
}
