//! Where the pages are mounted. They are not part of the API: mounted through
//! [`RouteTable::pages`], served but not listed in the OpenAPI document.

use actix_web::error::UrlencodedError;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::page::PageError;
use super::{desk, ingest, portal, session};
use crate::http::route_table::RouteTable;

const STYLESHEET: &str = include_str!("assets/site.css");
const SCRIPT: &str = include_str!("assets/copy.js");

/// Form bodies: small, except the pasted article.
const FORM_LIMIT: usize = 64 * 1024;

fn form_config(limit: usize) -> web::FormConfig {
    web::FormConfig::default()
        .limit(limit)
        .error_handler(|err, _req| match err {
            UrlencodedError::Overflow { .. } | UrlencodedError::UnknownLength => {
                PageError::BadInput(format!("the form could not be read: {err}")).into()
            }
            // Not a form of ours, so it carries no CSRF token: refused like one without it.
            _ => session::refused_form().into(),
        })
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        PageError::BadInput(format!(
            "the address has parameters that cannot be read: {err}"
        ))
        .into()
    })
}

/// The pages of this feature.
pub fn configure(t: &mut RouteTable<'_>) {
    t.pages(|cfg| {
        cfg.service(
            web::resource("/login")
                .app_data(form_config(FORM_LIMIT))
                .get(session::login_form)
                .post(session::login),
        )
        .service(
            web::resource("/logout")
                .app_data(form_config(FORM_LIMIT))
                .post(session::logout),
        )
        .service(web::resource("/portal").get(portal::portal))
        .service(
            web::resource("/portal/calendar")
                .app_data(form_config(FORM_LIMIT))
                .post(portal::calendar_link),
        )
        .service(
            web::resource("/portal/check")
                .app_data(query_config())
                .get(portal::check),
        )
        .service(
            web::resource("/desk")
                .app_data(query_config())
                .get(desk::board),
        )
        .service(
            web::resource("/desk/notices/{id}/retry")
                .app_data(form_config(FORM_LIMIT))
                .post(desk::retry),
        )
        .service(
            web::resource("/desk/ingest")
                .app_data(form_config(ingest::TEXT_LIMIT + FORM_LIMIT))
                .get(ingest::form)
                .post(ingest::submit),
        )
        .service(web::resource("/assets/site.css").get(stylesheet))
        .service(web::resource("/assets/copy.js").get(script));
    });
}

fn asset(req: &HttpRequest, content_type: &str, body: &'static str) -> HttpResponse {
    let _ = req;
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

async fn stylesheet(req: HttpRequest) -> HttpResponse {
    asset(&req, "text/css; charset=utf-8", STYLESHEET)
}

async fn script(req: HttpRequest) -> HttpResponse {
    asset(&req, "text/javascript; charset=utf-8", SCRIPT)
}
