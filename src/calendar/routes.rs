//! `/v1/calendar.ics`.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::store;
use crate::auth::{Caller, Permission, Scope};
use crate::db::Db;
use crate::http::problem::ApiError;
use crate::http::route_table::{at, RouteTable};

/// The endpoints of this feature.
pub fn configure(t: &mut RouteTable<'_>) {
    t.mount(at("/v1/calendar.ics").get(feed));
}

/// Events in one feed at most; a calendar app shows the earliest first.
pub const MAX_EVENTS: i64 = 5000;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CalendarQuery {
    /// An API key (`rdk_...`), for calendar apps that cannot send headers. Never logged.
    pub key: Option<String>,
    /// Days ahead to show (default 365, at most 3650).
    #[param(maximum = 3650)]
    pub days: Option<u32>,
    /// Days back to show (default 30, at most 3650).
    #[param(maximum = 3650)]
    pub past_days: Option<u32>,
}

/// License end dates as an iCalendar feed: one all-day event on each license's last day, with
/// the partner and the article. A partner's feed holds only its own licenses. Subscribe with
/// `https://<host>/v1/calendar.ics?key=<API key>`.
#[utoipa::path(get, path = "/v1/calendar.ics", operation_id = "getCalendarFeed", tag = "licenses", params(CalendarQuery),
    responses((status = 200, description = "RFC 5545 calendar", content_type = "text/calendar", body = String),
              (status = 400, body = crate::http::problem::Problem),
              (status = 401, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn feed(
    db: web::Data<Db>,
    caller: Caller,
    query: crate::http::query::Query<CalendarQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let today = crate::types::today();
    let mut f = crate::http::fields::Fields::new();
    for (field, value) in [("days", query.days), ("past_days", query.past_days)] {
        if value.is_some_and(|n| n > 3650) {
            f.error(field, "must be at most 3650 (ten years)");
        }
    }
    f.finish(()).map_err(crate::http::query_problem)?;
    let ahead = u64::from(query.days.unwrap_or(365));
    let back = u64::from(query.past_days.unwrap_or(30));
    let first = today - chrono::Days::new(back);
    let last = today + chrono::Days::new(ahead);
    let scope = caller.scope();
    let ends = db
        .read(move |conn| {
            Ok::<_, ApiError>(store::ends_between(conn, scope, first, last, MAX_EVENTS)?)
        })
        .await?;
    let name = match scope {
        Scope::All => "rightsdesk: license end dates".to_string(),
        Scope::Outlet(_) => "rightsdesk: your license end dates".to_string(),
    };
    let body = super::render(&name, &ends, chrono::Utc::now());
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "inline; filename=\"rightsdesk.ics\"",
        ))
        .body(body))
}
