//! The answers of soft delete and restore, the same for every kind of record: 204 for a delete;
//! 200 with the restored record (and its ETag when it has a version) for a restore.

use actix_web::HttpResponse;
use serde::Serialize;

/// 204 No Content.
pub fn deleted() -> HttpResponse {
    HttpResponse::NoContent().finish()
}

/// 200 with the restored record, with an ETag when the record is versioned.
pub fn restored<V: Serialize>(view: &V, version: Option<i32>) -> HttpResponse {
    let response = HttpResponse::Ok().json(view);
    match version {
        Some(version) => super::etag::with_etag(response, version),
        None => response,
    }
}
