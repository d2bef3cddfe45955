//! One error type for the HTTP layer, rendered as RFC 9457 problem+json in one place. Storage
//! answers [`StoreError`]; it becomes a status here: not found 404, conflict 409, unavailable 503
//! (with `Retry-After`), anything else 500 (logged, never shown).

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;

use crate::db::StoreError;

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One field that failed validation.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct FieldError {
    /// The field, as named in the request (`contact_emails`, `rows[3].valid_until`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// An error on `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The body of every error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    /// `/problems/<slug>`.
    pub problem_type: String,
    /// The status's reason phrase.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong, in words.
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// Every field that failed, for 400 and 422.
    pub errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error)]
/// Every error an answer can carry; each maps to one status.
pub enum ApiError {
    #[error("the request has invalid fields")]
    /// 422: fields that are not valid.
    Validation(Vec<FieldError>),
    #[error("{0}")]
    /// 400: a malformed request.
    BadRequest(String),
    #[error("the query string has invalid parameters")]
    /// 400: query parameters that are not valid, each named.
    InvalidQuery(Vec<FieldError>),
    #[error("{0}")]
    /// 400: a body that does not fit, each wrong field named.
    Malformed(String, Vec<FieldError>),
    #[error("{0}")]
    /// 401: no valid credentials.
    Unauthorized(String),
    #[error(
        "the token expired; log in again, or exchange the refresh token at POST /v1/auth/refresh"
    )]
    /// 401: a token that was valid and whose time is over.
    TokenExpired,
    #[error("the token or API key is not valid")]
    /// 401: a token or key that is not valid (tampered, revoked, another key).
    InvalidToken,
    #[error("{0}")]
    /// 403: the role may not do this.
    Forbidden(String),
    #[error("no such record")]
    /// 404: no such record (or not the caller's to see).
    NotFound,
    #[error("{0}")]
    /// 409: the change conflicts with other records.
    Conflict(String),
    #[error("{detail}")]
    /// 409 with a machine-readable `code` and extension members (RFC 9457 section 3.2), e.g.
    /// `no_upstream_right` with `missing`.
    ConflictCode {
        /// What went wrong, in words.
        detail: String,
        /// The `code` member.
        code: &'static str,
        /// Further members of the problem object.
        members: serde_json::Map<String, serde_json::Value>,
    },
    #[error("{0}")]
    /// 412: `If-Match` names another version.
    PreconditionFailed(String),
    #[error("{0}")]
    /// 428: the change needs `If-Match`.
    PreconditionRequired(String),
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    /// 429: too many attempts.
    TooManyRequests {
        /// Seconds until the next try may pass.
        retry_after_secs: u64,
    },
    #[error("{0}")]
    /// 413: the body is too large.
    PayloadTooLarge(String),
    #[error("{0}")]
    /// 415: the body is of a type not taken here.
    UnsupportedMediaType(String),
    #[error("the database is unavailable")]
    /// 503: the database (or mail server) is not available now.
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    /// 500: a bug; the cause is logged, never shown.
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// A 422 on one field.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    /// A 503 from any error.
    pub fn unavailable(err: impl std::error::Error + Send + Sync + 'static) -> ApiError {
        ApiError::Unavailable(anyhow::Error::new(err))
    }

    fn slug(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "validation",
            ApiError::BadRequest(_) | ApiError::InvalidQuery(_) | ApiError::Malformed(..) => {
                "bad-request"
            }
            ApiError::Unauthorized(_) | ApiError::TokenExpired | ApiError::InvalidToken => {
                "unauthorized"
            }
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound => "not-found",
            ApiError::Conflict(_) | ApiError::ConflictCode { .. } => "conflict",
            ApiError::PreconditionFailed(_) => "precondition-failed",
            ApiError::PreconditionRequired(_) => "precondition-required",
            ApiError::TooManyRequests { .. } => "too-many-requests",
            ApiError::PayloadTooLarge(_) => "payload-too-large",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Conflict => {
                ApiError::Conflict("a record with the same unique values already exists".into())
            }
            StoreError::ForeignKey => ApiError::Conflict(
                "the record refers to, or is referred to by, another record".into(),
            ),
            StoreError::Unavailable(source) => ApiError::Unavailable(source),
            StoreError::Other(source) => ApiError::Internal(source),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        ApiError::from(StoreError::from(err))
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        ApiError::Internal(err)
    }
}

/// A problem+json answer with the given status and detail.
pub fn problem_response(
    status: StatusCode,
    slug: &str,
    detail: String,
    errors: Vec<FieldError>,
) -> HttpResponse {
    problem_with_members(status, slug, detail, errors, serde_json::Map::new())
}

/// A problem+json answer with extension members besides the standard ones.
fn problem_with_members(
    status: StatusCode,
    slug: &str,
    detail: String,
    errors: Vec<FieldError>,
    members: serde_json::Map<String, serde_json::Value>,
) -> HttpResponse {
    let problem = Problem {
        problem_type: format!("/problems/{slug}"),
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        detail,
        errors,
    };
    let mut body = serde_json::to_value(&problem).unwrap_or_default();
    if let serde_json::Value::Object(object) = &mut body {
        for (key, value) in members {
            object.entry(key).or_insert(value);
        }
    }
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .body(body.to_string())
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest(_) | ApiError::InvalidQuery(_) | ApiError::Malformed(..) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Unauthorized(_) | ApiError::TokenExpired | ApiError::InvalidToken => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) | ApiError::ConflictCode { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        // Internal details go to the log, never to the client.
        match self {
            ApiError::Internal(err) => {
                tracing::error!(error = format!("{err:#}"), "internal error")
            }
            ApiError::Unavailable(err) => {
                tracing::warn!(error = format!("{err:#}"), "database unavailable")
            }
            _ => {}
        }
        let errors = match self {
            ApiError::Validation(errors)
            | ApiError::InvalidQuery(errors)
            | ApiError::Malformed(_, errors) => errors.clone(),
            _ => Vec::new(),
        };
        let members = match self {
            ApiError::ConflictCode { code, members, .. } => {
                let mut all = members.clone();
                all.insert("code".into(), serde_json::Value::from(*code));
                all
            }
            _ => serde_json::Map::new(),
        };
        let mut response = problem_with_members(
            self.status_code(),
            self.slug(),
            self.to_string(),
            errors,
            members,
        );
        match self {
            ApiError::TooManyRequests { retry_after_secs } => {
                if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
            }
            ApiError::Unavailable(_) => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            ApiError::Unauthorized(_) => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            // RFC 6750 section 3: say why, so a client knows to refresh rather than give up.
            ApiError::TokenExpired => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(
                        "Bearer error=\"invalid_token\", error_description=\"expired\"",
                    ),
                );
            }
            ApiError::InvalidToken => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"invalid_token\""),
                );
            }
            _ => {}
        }
        response
    }
}

/// JSON body errors: malformed (400), too large (413), wrong content type (415).
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError;
    let api = match &err {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => {
            ApiError::PayloadTooLarge(format!("the body is larger than the {limit} bytes allowed"))
        }
        JsonPayloadError::ContentType => {
            ApiError::UnsupportedMediaType("send the body as application/json".into())
        }
        JsonPayloadError::Deserialize(e) => {
            ApiError::BadRequest(format!("the JSON body is not valid: {e}"))
        }
        other => ApiError::BadRequest(format!("the body could not be read: {other}")),
    };
    api.into()
}

/// Query string errors (400).
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &HttpRequest,
) -> actix_web::Error {
    ApiError::BadRequest(format!("the query string is not valid: {err}")).into()
}

/// Path errors, such as a non-numeric id (400).
pub fn path_error(err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::BadRequest(format!("the path is not valid: {err}")).into()
}

/// Turns any error answer that is not problem+json yet (unknown route, wrong method, actix's own
/// errors) into one, so that every error the server sends has the same shape.
pub fn ensure_problem<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .response()
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON) || v.starts_with("text/html"));
    // Problems pass as they are, and so do the error pages of the HTML pages.
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (slug, detail) = match status {
        StatusCode::NOT_FOUND => ("not-found", "no such resource".to_string()),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method-not-allowed",
            "this method is not allowed here".to_string(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload-too-large", "the body is too large".to_string()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported-media-type",
            "unsupported content type".to_string(),
        ),
        s if s.is_server_error() => ("internal", "internal error".to_string()),
        s => (
            "bad-request",
            s.canonical_reason().unwrap_or("error").to_lowercase(),
        ),
    };
    let (req, original) = res.into_parts();
    let mut replacement = problem_response(status, slug, detail, Vec::new());
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            replacement
                .headers_mut()
                .insert(name.clone(), value.clone());
        }
    }
    let res: ServiceResponse<EitherBody<B, BoxBody>> = ServiceResponse::new(req, replacement)
        .map_into_boxed_body()
        .map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}
