//! `POST /v1/notices/{id}/acknowledge` and `GET /v1/licenses/{id}/notices`.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::acks::{self, AckView};
use super::view::NoticeView;
use crate::auth::{Caller, Permission, Scope};
use crate::db::Db;
use crate::http::fields::Fields;
use crate::http::problem::ApiError;
use crate::http::{created, RecordId};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeRequest {
    /// No further lead notices for the license before this day (YYYY-MM-DD)
    #[schema(example = "2026-03-01", format = Date)]
    pub until: String,
    /// e.g. "renewal in progress"
    pub note: Option<String>,
}

fn licensee(caller: &Caller) -> Option<i64> {
    match caller.scope() {
        Scope::All => None,
        Scope::Outlet(own) => Some(own),
    }
}

/// Acknowledges a notice ("renewal in progress"): the license's further lead notices are snoozed
/// until `until`; notices still waiting for a day before it are suppressed.
#[utoipa::path(post, path = "/v1/notices/{id}/acknowledge", operation_id = "acknowledgeNotice", tag = "notices", params(RecordId),
    request_body = AcknowledgeRequest,
    responses((status = 201, body = AckView), (status = 404, body = crate::http::problem::Problem),
              (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn acknowledge(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
    body: crate::http::json::Json<AcknowledgeRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::RunNotices)?;
    let body = body.into_inner();
    let mut f = Fields::new();
    let until: Option<NaiveDate> = f.date("until", Some(&body.until));
    let note = f.optional_text("note", body.note.as_deref(), 2000);
    f.finish(())?;
    let until = until.ok_or_else(|| ApiError::validation("until", "a date, YYYY-MM-DD"))?;
    let id = id.get();
    let scope = licensee(&caller);
    let actor = caller.actor();
    let row = db
        .write_touching(crate::db::Touches::Nothing, move |conn| {
            Ok::<_, ApiError>(acks::acknowledge(conn, &actor, id, scope, until, note)?)
        })
        .await?;
    Ok(created(
        format!("/v1/notices/{}", row.notice_id),
        &AckView::from(&row),
    ))
}

/// One notice in a license's history, with the acknowledgements made on it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoticeHistoryItem {
    #[serde(flatten)]
    pub notice: NoticeView,
    pub acknowledgements: Vec<AckView>,
}

/// The notices of a license and its acknowledgements.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LicenseNotices {
    pub license_id: i64,
    /// The latest acknowledgement's date: no lead notices whose day falls before it
    pub snoozed_until: Option<NaiveDate>,
    /// Every notice, oldest first
    pub notices: Vec<NoticeHistoryItem>,
    pub acknowledgements: Vec<AckView>,
}

/// Every notice of a license, oldest first, with acknowledgements (a partner: its own licenses).
#[utoipa::path(get, path = "/v1/licenses/{id}/notices", operation_id = "listLicenseNotices", tag = "notices", params(RecordId),
    responses((status = 200, body = LicenseNotices), (status = 404, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn license_notices(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let id = id.get();
    let scope = caller.scope();
    let (notices, acks) = db
        .read(move |conn| {
            crate::licenses::store::find(conn, id, scope)?;
            Ok::<_, ApiError>(acks::history(conn, id)?)
        })
        .await?;
    let views: Vec<AckView> = acks.iter().map(AckView::from).collect();
    Ok(HttpResponse::Ok().json(LicenseNotices {
        license_id: id,
        snoozed_until: acks.iter().map(|a| a.until).max(),
        notices: notices
            .iter()
            .map(|n| NoticeHistoryItem {
                notice: NoticeView::from(n),
                acknowledgements: views
                    .iter()
                    .filter(|a| a.notice_id == n.id)
                    .cloned()
                    .collect(),
            })
            .collect(),
        acknowledgements: views,
    }))
}
