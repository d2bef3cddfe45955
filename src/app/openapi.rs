//! The OpenAPI document: every operation, the bearer scheme, and the problem answers each
//! operation can give.

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::OpenApi;

use crate::db::Db;
use crate::http::problem::{ApiError, PROBLEM_JSON};
use crate::{articles, audit, auth, licenses, notices, outlets, reprints, rights};

#[derive(OpenApi)]
#[openapi(
    info(title = "rightsdesk", description = "Syndication and republication rights for news articles"),
    paths(
        healthz, readyz, openapi, super::metrics::render,
        auth::routes::login, auth::session::refresh, auth::routes::me, auth::session::change_password, auth::routes::create, auth::routes::list, auth::routes::read,
        auth::routes::update, auth::routes::create_key, auth::routes::list_keys, auth::routes::revoke_key,
        outlets::routes::create, outlets::routes::list, outlets::routes::read, outlets::routes::update,
        outlets::routes::remove, outlets::routes::restore,
        articles::routes::create, articles::routes::list, articles::routes::read, articles::routes::update,
        articles::routes::remove, articles::routes::restore, articles::routes::ingest,
        articles::tdm_routes::tdmrep, articles::tdm_routes::tdm, licenses::chain_routes::chain_of,
        licenses::routes::create, licenses::odrl_routes::import_odrl, licenses::routes::list, licenses::routes::read, licenses::routes::update,
        licenses::routes::renew, licenses::routes::revoke, licenses::routes::suspend, licenses::routes::resume,
        licenses::routes::history, licenses::routes::remove, licenses::routes::restore, licenses::routes::odrl, licenses::routes::import_csv, crate::calendar::routes::feed,
        rights::routes::check,
        reprints::routes::create, reprints::routes::list, reprints::routes::read,
        reprints::routes::update, reprints::routes::remove, reprints::routes::restore,
        reprints::routes::verify,
        notices::routes::list, notices::routes::run, notices::routes::test_email,
        notices::ack_routes::acknowledge, notices::ack_routes::license_notices,
        audit::routes::list_audit,
    ),
    components(schemas(crate::http::problem::Problem, crate::http::problem::FieldError,
        crate::licenses::rules::LicenseStatus, crate::licenses::rules::Action, crate::licenses::rules::Medium,
        crate::types::Country)),
    modifiers(&BearerAuth, &ProblemResponses, &PageItemRefs),
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

/// Page schemas (`Paged_LicenseView`, ...) refer to their item schema instead of carrying an
/// inline copy of it, so that a generated client has one `LicenseView` model, not a
/// `PagedLicenseViewItemsItem` beside it.
struct PageItemRefs;

impl utoipa::Modify for PageItemRefs {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{ArrayBuilder, Schema};
        use utoipa::openapi::{Ref, RefOr};
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let names: Vec<String> = components.schemas.keys().cloned().collect();
        for name in names {
            let Some(item) = name.strip_prefix("Paged_") else {
                continue;
            };
            if !components.schemas.contains_key(item) {
                continue;
            }
            let item_ref = format!("#/components/schemas/{item}");
            if let Some(RefOr::T(Schema::Object(page))) = components.schemas.get_mut(&name) {
                if let Some(RefOr::T(Schema::Array(items))) = page.properties.get("items") {
                    let description = items.description.clone();
                    let array = ArrayBuilder::new()
                        .items(Ref::new(item_ref))
                        .description(description)
                        .build();
                    page.properties.insert("items".into(), array.into());
                }
            }
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", operation_id = "getHealth", tag = "service", responses((status = 200, body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// The database answers.
#[utoipa::path(get, path = "/readyz", operation_id = "getReadiness", tag = "service",
    responses((status = 200, body = Health), (status = 503, body = crate::http::problem::Problem)))]
pub async fn readyz(db: web::Data<Db>) -> Result<HttpResponse, ApiError> {
    db.read(|conn| crate::db::ping(conn).map_err(ApiError::unavailable))
        .await?;
    Ok(HttpResponse::Ok().json(Health { status: "ready" }))
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", operation_id = "getOpenApi", tag = "service", responses((status = 200, description = "OpenAPI 3.1", content_type = "application/json")))]
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> serde_json::Value {
        serde_json::to_value(ApiDoc::openapi()).unwrap()
    }

    #[test]
    fn every_operation_has_a_unique_operation_id_and_a_tag() {
        let doc = document();
        let mut seen = std::collections::BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let id = op["operationId"].as_str().unwrap_or_default();
                assert!(!id.is_empty(), "{method} {path} has no operationId");
                assert!(
                    id.chars().all(|c| c.is_ascii_alphanumeric()),
                    "{method} {path}: operationId {id} is not camelCase"
                );
                assert!(seen.insert(id.to_string()), "operationId {id} repeats");
                assert!(
                    op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                    "{method} {path} has no tag"
                );
            }
        }
        for id in [
            "listOutlets",
            "createLicense",
            "checkRights",
            "importLicenseOdrl",
        ] {
            assert!(seen.contains(id), "{id} missing");
        }
    }

    #[test]
    fn page_schemas_refer_to_their_item_schema() {
        let doc = document();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let pages: Vec<_> = schemas.keys().filter(|k| k.starts_with("Paged_")).collect();
        assert!(pages.len() >= 8, "{pages:?}");
        for name in pages {
            let item = name.trim_start_matches("Paged_");
            assert_eq!(
                schemas[name.as_str()]["properties"]["items"]["items"]["$ref"],
                format!("#/components/schemas/{item}"),
                "{name}"
            );
        }
    }

    #[test]
    fn every_request_body_has_one_media_type() {
        let doc = document();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                if let Some(content) = op.pointer("/requestBody/content") {
                    assert_eq!(content.as_object().unwrap().len(), 1, "{method} {path}");
                }
            }
        }
    }
}
