//! Prometheus metrics: request counts and latency histograms per route and status, and the notice
//! backlog, served at `/metrics`.

use std::sync::OnceLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::HttpMessage;
use actix_web::{web, HttpResponse};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::db::Db;
use crate::http::problem::ApiError;

const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The process-wide recorder (installed once, shared by every App in the process).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".into()),
                LATENCY_BUCKETS,
            )
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Counts each request and times it, labelled by route pattern (not the raw path), method and status.
pub async fn record_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let res = next.call(req).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_string());
    let status = res.status().as_u16().to_string();
    let labels = [("route", route), ("method", method), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    // The access log, one line per request inside the request's span (so each line carries the
    // request id and route), with who asked. Client mistakes are INFO; WARN is kept for server
    // errors and security events (refused credentials, forbidden, throttled), so it stays rare
    // enough to alert on. `RIGHTSDESK_LOG=warn` (or `rightsdesk::access=warn`) quiets it.
    let status = res.status();
    let who = res
        .request()
        .extensions()
        .get::<crate::http::CallerLabel>()
        .map_or_else(|| "anonymous".to_string(), |c| c.0.clone());
    let elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let security = matches!(status.as_u16(), 401 | 403 | 429);
    if status.is_server_error() || security {
        tracing::warn!(target: "rightsdesk::access", status = status.as_u16(), elapsed_us, caller = %who, "request");
    } else {
        tracing::info!(target: "rightsdesk::access", status = status.as_u16(), elapsed_us, caller = %who, "request");
    }
    Ok(res)
}

/// Prometheus metrics: requests per route and status, latency histograms, the notice backlog.
#[utoipa::path(get, path = "/metrics", operation_id = "getMetrics", tag = "service",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub async fn render(db: web::Data<Db>) -> Result<HttpResponse, ApiError> {
    let handle = handle();
    if let Ok(backlog) = db
        .read(|conn| Ok::<_, ApiError>(crate::notices::store::backlog(conn)?))
        .await
    {
        for status in crate::notices::NoticeStatus::ALL {
            let n = backlog
                .counts
                .iter()
                .find(|(s, _)| s == status.as_str())
                .map_or(0, |(_, n)| *n);
            metrics::gauge!("rightsdesk_notices", "status" => status.as_str()).set(n as f64);
        }
        let age = backlog.oldest_waiting.map_or(0.0, |t| {
            (crate::types::now() - t).num_seconds().max(0) as f64
        });
        metrics::gauge!("rightsdesk_notices_oldest_pending_age_seconds").set(age);
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(handle.render()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn counters_render() {
        let handle = super::handle();
        let labels = [("route", "/x".to_string()), ("method", "GET".to_string())];
        metrics::counter!("example_total", &labels).increment(1);
        metrics::counter!("example2_total", "route" => "/y").increment(1);
        metrics::gauge!("example_gauge").set(1.0);
        metrics::histogram!("http_request_duration_seconds", &labels).record(0.01);
        let text = handle.render();
        assert!(text.contains("example_gauge"), "{text}");
        assert!(text.contains("example2_total"), "{text}");
        assert!(text.contains("example_total"), "{text}");
    }
}
