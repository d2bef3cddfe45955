//! The route table, the service endpoints (health, readiness, OpenAPI) and small helpers every
//! feature's handlers share.

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::OpenApi;

use crate::error::ApiError;
use crate::startup::AppState;
use crate::{articles, audit, auth, licenses, notices, outlets, reprints, rights};

/// Every route of the service. Paths with several methods are one resource, so that a wrong
/// method answers 405.
pub fn configure(cfg: &mut web::ServiceConfig) {
    use web::{delete, get, patch, post, resource};
    cfg.service(resource("/healthz").route(get().to(healthz)))
        .service(resource("/readyz").route(get().to(readyz)))
        .service(resource("/openapi.json").route(get().to(openapi)))
        .service(resource("/metrics").route(get().to(crate::metrics::render)))
        .service(resource("/v1/notices").route(get().to(notices::routes::list)))
        .service(resource("/v1/notices/run").route(post().to(notices::routes::run)))
        .service(resource("/v1/notices/test-email").route(post().to(notices::routes::test_email)))
        .service(resource("/v1/auth/login").route(post().to(auth::routes::login)))
        .service(resource("/v1/me").route(get().to(auth::routes::me)))
        .service(
            resource("/v1/users")
                .route(post().to(auth::routes::create))
                .route(get().to(auth::routes::list)),
        )
        .service(
            resource("/v1/users/{id}")
                .route(get().to(auth::routes::read))
                .route(patch().to(auth::routes::update)),
        )
        .service(
            resource("/v1/api-keys")
                .route(post().to(auth::routes::create_key))
                .route(get().to(auth::routes::list_keys)),
        )
        .service(resource("/v1/api-keys/{id}").route(delete().to(auth::routes::revoke_key)))
        .service(
            resource("/v1/outlets")
                .route(post().to(outlets::routes::create))
                .route(get().to(outlets::routes::list)),
        )
        .service(
            resource("/v1/outlets/{id}")
                .route(get().to(outlets::routes::read))
                .route(patch().to(outlets::routes::update))
                .route(delete().to(outlets::routes::remove)),
        )
        .service(resource("/v1/outlets/{id}/restore").route(post().to(outlets::routes::restore)))
        .service(
            resource("/v1/articles")
                .route(post().to(articles::routes::create))
                .route(get().to(articles::routes::list)),
        )
        .service(
            resource("/v1/articles/ingest")
                .app_data(
                    web::JsonConfig::default()
                        .limit(crate::startup::INGEST_LIMIT)
                        .error_handler(crate::error::json_error),
                )
                .route(post().to(articles::routes::ingest)),
        )
        .service(
            resource("/v1/articles/{id}")
                .route(get().to(articles::routes::read))
                .route(patch().to(articles::routes::update))
                .route(delete().to(articles::routes::remove)),
        )
        .service(resource("/v1/articles/{id}/restore").route(post().to(articles::routes::restore)))
        .service(
            resource("/v1/licenses")
                .route(post().to(licenses::routes::create))
                .route(get().to(licenses::routes::list)),
        )
        .service(
            resource("/v1/licenses/{id}")
                .route(get().to(licenses::routes::read))
                .route(patch().to(licenses::routes::update))
                .route(delete().to(licenses::routes::remove)),
        )
        .service(resource("/v1/licenses/{id}/restore").route(post().to(licenses::routes::restore)))
        .service(resource("/v1/licenses/{id}/renew").route(post().to(licenses::routes::renew)))
        .service(resource("/v1/licenses/{id}/revoke").route(post().to(licenses::routes::revoke)))
        .service(resource("/v1/licenses/{id}/suspend").route(post().to(licenses::routes::suspend)))
        .service(resource("/v1/licenses/{id}/resume").route(post().to(licenses::routes::resume)))
        .service(resource("/v1/licenses/{id}/history").route(get().to(licenses::routes::history)))
        .service(resource("/v1/rights/check").route(get().to(rights::routes::check)))
        .service(
            resource("/v1/reprints")
                .route(post().to(reprints::routes::create))
                .route(get().to(reprints::routes::list)),
        )
        .service(resource("/v1/reprints/{id}").route(get().to(reprints::routes::read)))
        .service(resource("/v1/audit").route(get().to(audit::routes::list_audit)));
}

#[derive(OpenApi)]
#[openapi(
    info(title = "rightsdesk", description = "Syndication and republication rights for news articles"),
    paths(
        healthz, readyz, openapi, crate::metrics::render,
        auth::routes::login, auth::routes::me, auth::routes::create, auth::routes::list, auth::routes::read,
        auth::routes::update, auth::routes::create_key, auth::routes::list_keys, auth::routes::revoke_key,
        outlets::routes::create, outlets::routes::list, outlets::routes::read, outlets::routes::update,
        outlets::routes::remove, outlets::routes::restore,
        articles::routes::create, articles::routes::list, articles::routes::read, articles::routes::update,
        articles::routes::remove, articles::routes::restore, articles::routes::ingest,
        licenses::routes::create, licenses::routes::list, licenses::routes::read, licenses::routes::update,
        licenses::routes::renew, licenses::routes::revoke, licenses::routes::suspend, licenses::routes::resume,
        licenses::routes::history, licenses::routes::remove, licenses::routes::restore,
        rights::routes::check,
        reprints::routes::create, reprints::routes::list, reprints::routes::read,
        notices::routes::list, notices::routes::run, notices::routes::test_email,
        audit::routes::list_audit,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "service", responses((status = 200, body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// The database answers.
#[utoipa::path(get, path = "/readyz", tag = "service",
    responses((status = 200, body = Health), (status = 503, body = crate::error::Problem)))]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .db
        .read(|conn| crate::db::ping(conn).map_err(ApiError::unavailable))
        .await?;
    Ok(HttpResponse::Ok().json(Health { status: "ready" }))
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "service", responses((status = 200, description = "OpenAPI 3.1", content_type = "application/json")))]
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

/// Unknown routes.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

/// A path id: positive, within i64; anything else names no record.
pub fn id(raw: u64) -> Result<i64, ApiError> {
    i64::try_from(raw)
        .ok()
        .filter(|id| *id > 0)
        .ok_or(ApiError::NotFound)
}

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

diesel::define_sql_function! {
    /// SQL `lower()`, the same on both backends (for case-insensitive searches).
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A LIKE pattern matching `text` anywhere, lower-cased (compare it with `lower(column)`), with LIKE's wildcards escaped (escape char `\`).
pub fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{}%", escaped.to_lowercase())
}

/// Field errors found in a query string answer 400, not 422.
pub fn query_problem(err: ApiError) -> ApiError {
    match err {
        ApiError::Validation(errors) => ApiError::InvalidQuery(errors),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route in `configure` is in the OpenAPI document: a route added without
    /// `#[utoipa::path]` and a line in `ApiDoc` fails here.
    #[test]
    fn every_route_is_documented() {
        let source = include_str!("routes.rs");
        let table = &source
            [source.find("pub fn configure").unwrap()..source.find("#[derive(OpenApi)]").unwrap()];
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let mut checked = 0;
        for block in table.split("resource(\"").skip(1) {
            let path = &block[..block.find('"').unwrap()];
            let block = block.split("resource(\"").next().unwrap_or(block);
            let block = &block[..block.find(".service(").unwrap_or(block.len())];
            for method in ["get", "post", "patch", "delete", "put"] {
                if block.contains(&format!("{method}().to(")) {
                    assert!(
                        doc["paths"][path][method].is_object(),
                        "{} {path} is served but missing from the OpenAPI document",
                        method.to_uppercase()
                    );
                    checked += 1;
                }
            }
        }
        assert!(
            checked > 40,
            "only {checked} routes found: is the table still in configure?"
        );
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
    }
}
