//! The route table and the service endpoints (health, readiness, OpenAPI).

use crate::http::problem::ApiError;
use crate::http::route_table::{at, RouteTable};
use crate::{articles, audit, auth, calendar, licenses, notices, outlets, reprints, rights};
use actix_web::{web, HttpResponse};

/// Every route of the service, mounted on the App. Paths with several methods are one resource,
/// so that a wrong method answers 405.
pub fn configure(cfg: &mut web::ServiceConfig) {
    mount(&mut RouteTable::mounting(cfg));
    front_door(cfg);
}

/// The pages at the door, outside the API: `/` with links, and the API documentation at `/docs/`
/// (Swagger UI, its files served from the binary) reading `/openapi.json`.
fn front_door(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(web::get().to(index)))
        .service(web::resource("/docs").route(web::get().to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header(("Location", "/docs/"))
                .finish()
        })))
        .service(
            utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}")
                .config(utoipa_swagger_ui::Config::new(["/openapi.json"])),
        );
}

/// `/`: where to go from here.
async fn index() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(include_str!("index.html"))
}

/// Every (method, path) the App serves, from the same calls that mount them.
pub fn table() -> Vec<(&'static str, &'static str)> {
    let mut t = RouteTable::listing();
    mount(&mut t);
    t.mounted().to_vec()
}

fn mount(t: &mut RouteTable<'_>) {
    t.mount(at("/healthz").get(super::openapi::healthz));
    t.mount(at("/readyz").get(super::openapi::readyz));
    t.mount(at("/openapi.json").get(super::openapi::openapi));
    t.mount(at("/metrics").get(super::metrics::render));
    // The rights check answers a partner's CMS on every page render: mounted first, it is found
    // by the router (and by the access log's and the query check's pattern lookups) at the first
    // try instead of after every other resource's pattern.
    rights::routes::configure(t);
    auth::routes::configure(t);
    outlets::routes::configure(t);
    articles::routes::configure(t);
    licenses::odrl_routes::configure(t);
    licenses::routes::configure(t);
    calendar::routes::configure(t);
    reprints::routes::configure(t);
    notices::routes::configure(t);
    audit::routes::configure(t);
    crate::web::routes::configure(t);
}

/// Unknown routes.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

/// JSON bodies above this answer 413.
pub const JSON_LIMIT: usize = 1024 * 1024;

#[cfg(test)]
mod tests {
    use utoipa::OpenApi;

    /// The route table, as mounted, and the OpenAPI document name the same operations: a route
    /// served without `#[utoipa::path]` and a line in `ApiDoc`, or documented but not served,
    /// fails here.
    #[test]
    fn every_route_is_documented_and_every_documented_route_is_served() {
        let doc = serde_json::to_value(super::super::openapi::ApiDoc::openapi()).unwrap();
        let served = super::table();
        assert!(served.len() > 40, "only {} routes mounted", served.len());
        for (method, path) in &served {
            assert!(
                doc["paths"][path][method].is_object(),
                "{} {path} is served but missing from the OpenAPI document",
                method.to_uppercase()
            );
        }
        let mut documented = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, _) in item.as_object().unwrap() {
                if ["get", "post", "patch", "delete", "put"].contains(&method.as_str()) {
                    documented += 1;
                    assert!(
                        served.iter().any(|(m, p)| m == method && p == path),
                        "{} {path} is documented but not served",
                        method.to_uppercase()
                    );
                }
            }
        }
        assert_eq!(documented, served.len());
    }
}
