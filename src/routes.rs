//! The route table, the service endpoints (health, readiness, OpenAPI) and small helpers every
//! feature's handlers share.

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::OpenApi;

use crate::error::{ApiError, PROBLEM_JSON};
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
            resource("/v1/licenses/import")
                .app_data(web::PayloadConfig::default().limit(licenses::routes::IMPORT_LIMIT))
                .route(post().to(licenses::routes::import_csv)),
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
        .service(resource("/v1/calendar.ics").route(get().to(crate::calendar::routes::feed)))
        .service(resource("/v1/licenses/{id}/odrl").route(get().to(licenses::routes::odrl)))
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
        licenses::routes::history, licenses::routes::remove, licenses::routes::restore, licenses::routes::odrl, licenses::routes::import_csv, crate::calendar::routes::feed,
        rights::routes::check,
        reprints::routes::create, reprints::routes::list, reprints::routes::read,
        notices::routes::list, notices::routes::run, notices::routes::test_email,
        audit::routes::list_audit,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError,
        crate::licenses::rules::LicenseStatus, crate::licenses::rules::Action, crate::licenses::rules::Medium,
        crate::types::Country)),
    modifiers(&BearerAuth, &ProblemResponses),
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

/// Every error answer is `application/problem+json`, and every operation lists the errors any
/// request to it can get: 400 (malformed), 401/403/404 (access; partners get 404), 413/415/422
/// (bodies), 429 (login throttling), 503 (database unavailable).
struct ProblemResponses;

impl ProblemResponses {
    fn problem(description: &str) -> serde_json::Value {
        let mut content = serde_json::Map::new();
        content.insert(
            PROBLEM_JSON.into(),
            serde_json::json!({"schema": {"$ref": "#/components/schemas/Problem"}}),
        );
        serde_json::json!({"description": description, "content": content})
    }

    fn operation(path: &str, op: &mut serde_json::Value) {
        let secured = op.get("security").is_some();
        let has_body = op.get("requestBody").is_some();
        let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else {
            return;
        };
        for response in responses.values_mut() {
            if let Some(content) = response.get_mut("content").and_then(|c| c.as_object_mut()) {
                let is_problem = content
                    .get("application/json")
                    .and_then(|c| c.pointer("/schema/$ref"))
                    .and_then(|r| r.as_str())
                    == Some("#/components/schemas/Problem");
                if is_problem {
                    if let Some(json) = content.remove("application/json") {
                        content.insert(PROBLEM_JSON.into(), json);
                    }
                }
            }
        }
        let mut add = |status: &str, description: &str| {
            responses
                .entry(status.to_string())
                .or_insert_with(|| Self::problem(description));
        };
        let service = matches!(path, "/healthz" | "/openapi.json" | "/metrics");
        if !service {
            add(
                "400",
                "The request is malformed: JSON, query string or path",
            );
            add("503", "The database is unavailable; retry later");
        }
        if secured {
            add("401", "No valid token or API key");
            add("403", "The caller's role does not allow this");
            add("404", "No such record, or not the caller's to see");
        }
        if has_body {
            add("413", "The body is too large");
            add("415", "The body is not of a supported content type");
            add("422", "Fields that are not valid, each named");
        }
        if path == "/v1/auth/login" {
            add("429", "Too many failed logins; see Retry-After");
        }
    }
}

impl utoipa::Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Ok(mut doc) = serde_json::to_value(&*openapi) else {
            return;
        };
        if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
            for (path, item) in paths.iter_mut() {
                for method in ["get", "post", "put", "patch", "delete"] {
                    if let Some(op) = item.get_mut(method) {
                        Self::operation(path, op);
                    }
                }
            }
        }
        if let Ok(modified) = serde_json::from_value(doc) {
            *openapi = modified;
        }
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
/// The JSON-LD media type (ODRL policies, schema.org markup).
pub const JSON_LD: &str = "application/ld+json";

/// Does the client ask for JSON-LD (`Accept: application/ld+json`)?
pub fn wants_json_ld(req: &actix_web::HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains(JSON_LD))
}

/// Is the body JSON-LD (`Content-Type: application/ld+json`)?
pub fn is_json_ld(req: &actix_web::HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().starts_with(JSON_LD))
}

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
