//! Rendering a page, and the answers of a page that cannot be shown (HTML, never problem+json).

use std::sync::LazyLock;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use crate::db::StoreError;
use crate::http::problem::ApiError;

static TEMPLATES: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html.j2") || name.ends_with(".svg.j2") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    for (name, source) in [
        ("base.html.j2", include_str!("templates/base.html.j2")),
        ("login.html.j2", include_str!("templates/login.html.j2")),
        ("error.html.j2", include_str!("templates/error.html.j2")),
        ("portal.html.j2", include_str!("templates/portal.html.j2")),
        ("check.html.j2", include_str!("templates/check.html.j2")),
        ("desk.html.j2", include_str!("templates/desk.html.j2")),
        ("ingest.html.j2", include_str!("templates/ingest.html.j2")),
        ("timeline.svg.j2", include_str!("templates/timeline.svg.j2")),
        ("bars.svg.j2", include_str!("templates/bars.svg.j2")),
    ] {
        env.add_template(name, source)
            .map_err(|e| format!("template {name}: {e}"))?;
    }
    Ok(env)
});

/// Renders one template with `context`.
pub fn render<T: Serialize>(template: &str, context: &T) -> Result<String, PageError> {
    let env = TEMPLATES
        .as_ref()
        .map_err(|e| PageError::Internal(anyhow::anyhow!("{e}")))?;
    env.get_template(template)
        .and_then(|t| t.render(context))
        .map_err(|e| PageError::Internal(anyhow::anyhow!("rendering {template}: {e:#}")))
}

/// A 200 page.
pub fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(CSP)
        .body(body)
}

/// Scripts and styles only from this server; no inline script; forms post only here.
pub const CSP: (&str, &str) = (
    "Content-Security-Policy",
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
);

/// Why a page cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// No session, or an expired one: go and sign in.
    #[error("sign in first")]
    SignIn,
    #[error("there is no such page")]
    NotFound,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    BadInput(String),
    #[error("too many failed sign-ins: try again in {0} seconds")]
    TooMany(u64),
    #[error("the database is not answering just now: try again in a moment")]
    Unavailable,
    #[error("something went wrong on our side")]
    Internal(anyhow::Error),
}

impl From<ApiError> for PageError {
    fn from(err: ApiError) -> Self {
        match err {
            ApiError::NotFound => PageError::NotFound,
            ApiError::Unauthorized(_) => PageError::SignIn,
            ApiError::Forbidden(why) => PageError::Forbidden(why),
            ApiError::TooManyRequests { retry_after_secs } => PageError::TooMany(retry_after_secs),
            ApiError::Unavailable(..) => PageError::Unavailable,
            ApiError::Validation(errors) | ApiError::InvalidQuery(errors) => PageError::BadInput(
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ApiError::BadRequest(why) => PageError::BadInput(why),
            other => PageError::Internal(anyhow::anyhow!("{other}")),
        }
    }
}

impl From<StoreError> for PageError {
    fn from(err: StoreError) -> Self {
        PageError::from(ApiError::from(err))
    }
}

impl From<diesel::result::Error> for PageError {
    fn from(err: diesel::result::Error) -> Self {
        PageError::from(StoreError::from(err))
    }
}

#[derive(Serialize)]
struct ErrorPage<'a> {
    title: &'a str,
    message: String,
    signed_in: bool,
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::SignIn => StatusCode::SEE_OTHER,
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::Forbidden(_) => StatusCode::FORBIDDEN,
            PageError::BadInput(_) => StatusCode::BAD_REQUEST,
            PageError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            PageError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            PageError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let PageError::SignIn = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/login"))
                .finish();
        }
        if let PageError::Internal(err) = self {
            tracing::error!(error = %format!("{err:#}"), "a page failed");
        }
        let title = match self {
            PageError::NotFound => "Not found",
            PageError::Forbidden(_) => "Not allowed",
            PageError::BadInput(_) => "Please check what you entered",
            PageError::TooMany(_) => "Too many tries",
            _ => "Not available",
        };
        let page = ErrorPage {
            title,
            message: self.to_string(),
            signed_in: false,
        };
        let body = render("error.html.j2", &page)
            .unwrap_or_else(|_| "<!doctype html><title>Error</title><p>Error</p>".to_string());
        let mut answer = HttpResponse::build(self.status_code());
        answer
            .content_type("text/html; charset=utf-8")
            .insert_header(CSP);
        if let PageError::TooMany(secs) = self {
            answer.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if let PageError::Unavailable = self {
            answer.insert_header((header::RETRY_AFTER, "5"));
        }
        answer.body(body)
    }
}
