//! Logs: tracing with a request id on every line, text or JSON.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::HttpMessage;
use tracing_subscriber::{fmt, EnvFilter};

/// Installs the global subscriber (once; later calls do nothing).
pub fn init(format: &str) {
    let filter =
        EnvFilter::try_from_env("RIGHTSDESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // Colour codes only for a person at a terminal, never in files or log collectors.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

pub use crate::http::RequestIdValue;

/// A client-sent request id is used when it is 1 to 128 characters of letters, digits, `-`, `_`, `.`.
pub fn usable_request_id(raw: &str) -> bool {
    (1..=128).contains(&raw.len())
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Takes the request id from `X-Request-Id` when present, sends it back, and logs a mismatch
/// between it and the generated one once, so both can be searched.
pub async fn request_id_header(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let generated = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string());
    let incoming = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| usable_request_id(v))
        .map(str::to_string);
    if let (Some(client), Some(generated)) = (&incoming, &generated) {
        tracing::info!(client_request_id = %client, request_id = %generated, "request id from the client");
    }
    let id = incoming.or(generated);
    if let Some(id) = &id {
        req.extensions_mut().insert(RequestIdValue(id.clone()));
    }
    let mut res = next.call(req).await?;
    if let Some(value) = id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(res)
}

/// Query strings longer than this answer 400 (before any handler runs).
pub const MAX_QUERY: usize = 4096;

/// Refuses over-long query strings with a problem.
pub async fn limit_query(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.query_string().len() > MAX_QUERY {
        return Err(crate::http::problem::ApiError::BadRequest(format!(
            "the query string is longer than {MAX_QUERY} characters"
        ))
        .into());
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn request_ids_from_clients_are_checked() {
        assert!(super::usable_request_id("abc-123_x.y"));
        assert!(!super::usable_request_id(""));
        assert!(!super::usable_request_id("has space"));
        assert!(!super::usable_request_id(&"x".repeat(129)));
    }
}
