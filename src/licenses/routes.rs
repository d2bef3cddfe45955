//! `/v1/licenses`.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::rules::{self, Coverage, LicenseStatus};
use super::store::{self, LicenseFilter, LicenseRow};
use super::{csv_import, odrl};
use super::{LicenseDraft, LicensePatch, LicenseView, NewLicenseRequest};
use crate::audit::{self, Actor};
use crate::auth::{Caller, Permission, Scope};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::pagination::{PageParams, Paged};
use crate::routes::id;
use crate::startup::AppState;
use crate::types::Fields;

/// Checks what the terms refer to: both outlets exist; an article license's article exists and
/// belongs to the grantor. Fills the credit line from the article's permission statement.
fn check_references(conn: &mut DbConnection, draft: &mut LicenseDraft) -> Result<(), ApiError> {
    let mut f = Fields::new();
    for (field, outlet) in [
        ("grantor_outlet_id", draft.grantor),
        ("licensee_outlet_id", draft.licensee),
    ] {
        if crate::outlets::store::find(conn, outlet, Scope::All).is_err() {
            f.error(field, format!("there is no outlet {outlet}"));
        }
    }
    if let Coverage::Article(article_id) = draft.coverage {
        match crate::articles::store::find(conn, article_id, Scope::All) {
            Ok(article) if article.source_outlet_id != draft.grantor => f.error(
                "article_id",
                format!(
                    "article {article_id} belongs to outlet {}, not to the grantor",
                    article.source_outlet_id
                ),
            ),
            Ok(article) => {
                if draft.credit_line.is_none() {
                    draft.credit_line = article.permission_statement;
                }
            }
            Err(_) => f.error("article_id", format!("there is no article {article_id}")),
        }
    }
    f.finish(())
}

/// Refuses terms that overlap a license to another outlet when either of the two is exclusive.
fn check_exclusivity(
    conn: &mut DbConnection,
    draft: &LicenseDraft,
    id: i64,
) -> Result<(), ApiError> {
    let article = match draft.coverage {
        Coverage::Article(a) => Some(a),
        Coverage::Feed(_) => None,
    };
    let (candidates, dates) =
        store::exclusivity_candidates(conn, draft.grantor, draft.licensee, article)?;
    let terms = draft.terms(id);
    let published_on = |article: i64| dates.get(&article).copied().flatten();
    for candidate in candidates {
        if rules::exclusivity_conflict(&terms, &candidate.terms()?, published_on) {
            let which = if candidate.exclusive {
                "is exclusive and overlaps these terms"
            } else {
                "overlaps these exclusive terms"
            };
            return Err(ApiError::Conflict(format!(
                "license {} to outlet {} {which}",
                candidate.id, candidate.licensee_outlet_id
            )));
        }
    }
    Ok(())
}

fn with_etag(mut response: HttpResponse, row: &LicenseRow) -> HttpResponse {
    if let Ok(value) = header::HeaderValue::from_str(&row.etag()) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The version an `If-Match` header names (`"3"` or `W/"3"`); `None` without the header.
fn if_match(req: &HttpRequest) -> Result<Option<i32>, ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    if text == "*" {
        return Ok(None);
    }
    text.trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .map(Some)
        .map_err(|_| {
            ApiError::PreconditionFailed("If-Match does not name a version of this license".into())
        })
}

/// Writes changed terms with optimistic concurrency and audits them; 412 when stale.
fn save(
    conn: &mut DbConnection,
    caller: &Caller,
    action: &str,
    before: &LicenseRow,
    expected: Option<i32>,
    draft: &LicenseDraft,
) -> Result<LicenseRow, ApiError> {
    let expected = expected.unwrap_or(before.version);
    if expected != before.version || !store::update(conn, before.id, expected, draft)? {
        return Err(ApiError::PreconditionFailed(format!(
            "license {} is at version {}, not {expected}; read it again and retry",
            before.id, before.version
        )));
    }
    let after = store::find(conn, before.id, Scope::All)?;
    audit::record(
        conn,
        Actor::Caller(caller),
        action,
        "license",
        Some(before.id),
        Some(&LicenseView::from(before)),
        Some(&LicenseView::from(&after)),
    )?;
    Ok(after)
}

/// Grants a license. 409 when it would overlap an exclusive license to another outlet.
///
/// Send `Content-Type: application/ld+json` to import an ODRL 2.2 / RightsML `Agreement`
/// instead (as `GET /v1/licenses/{id}/odrl` exports it); a 422 names every construct that has no
/// equivalent in rightsdesk.
#[utoipa::path(post, path = "/v1/licenses", tag = "licenses",
    request_body(content((NewLicenseRequest = "application/json"), (OdrlPolicy = "application/ld+json"))),
    responses((status = 201, body = LicenseView), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: crate::json::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let request = if crate::routes::is_json_ld(&req) {
        odrl::import(&body)?
    } else {
        crate::json::from_object::<NewLicenseRequest>(body.into_inner())?
    };
    let mut draft = request.parse()?;
    let row = state
        .db
        .write(move |conn| {
            check_references(conn, &mut draft)?;
            check_exclusivity(conn, &draft, 0)?;
            let row = store::insert(conn, &draft)?;
            audit::record(
                conn,
                Actor::Caller(&caller),
                "create",
                "license",
                Some(row.id),
                None::<&()>,
                Some(&LicenseView::from(&row)),
            )?;
            Ok(row)
        })
        .await?;
    let response = HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/licenses/{}", row.id)))
        .json(LicenseView::from(&row));
    Ok(with_etag(response, &row))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LicenseQuery {
    pub licensee_outlet_id: Option<i64>,
    pub grantor_outlet_id: Option<i64>,
    pub article_id: Option<i64>,
    /// active, suspended or revoked
    #[param(value_type = Option<rules::LicenseStatus>)]
    pub status: Option<String>,
    /// Active and in force on this day (YYYY-MM-DD)
    #[param(value_type = Option<String>, format = Date)]
    pub active_on: Option<String>,
    /// Active and ending between today and N days from today
    #[param(maximum = 36500)]
    pub expiring_within_days: Option<u32>,
}

/// Lists licenses (a partner sees those it holds).
#[utoipa::path(get, path = "/v1/licenses", tag = "licenses", params(LicenseQuery, PageParams),
    responses((status = 200, body = Paged<LicenseView>), (status = 400, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    query: web::Query<LicenseQuery>,
    page: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let page = page.parse()?;
    let q = query.into_inner();
    let mut f = Fields::new();
    let today = crate::types::today();
    if q.expiring_within_days.is_some_and(|n| n > 36_500) {
        f.error(
            "expiring_within_days",
            "must be at most 36500 (a hundred years)",
        );
    }
    let filter = LicenseFilter {
        licensee: q.licensee_outlet_id,
        grantor: q.grantor_outlet_id,
        article: q.article_id,
        status: f.parse("status", q.status.as_deref()),
        active_on: f.date("active_on", q.active_on.as_deref()),
        ending_between: q
            .expiring_within_days
            .map(|n| (today, today + chrono::Days::new(u64::from(n.min(36_500))))),
    };
    f.finish(()).map_err(crate::routes::query_problem)?;
    let scope = caller.scope();
    if crate::csv_export::wanted(&req) {
        return Ok(csv(state.db.clone(), scope, filter));
    }
    let rows = state
        .db
        .read(move |conn| {
            Ok(store::list(
                conn,
                scope,
                &filter,
                page.after_id,
                page.limit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::new(rows, page, |r| r.id, |r| LicenseView::from(&r))))
}

/// What a CSV import wrote.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub imported: usize,
    /// The new licenses' ids, in the file's row order.
    pub license_ids: Vec<i64>,
}

/// Most bytes a CSV import takes.
pub const IMPORT_LIMIT: usize = 8 * 1024 * 1024;

/// Imports licenses from CSV (`Content-Type: text/csv`; the columns `GET /v1/licenses` exports
/// with `Accept: text/csv`). All rows or none: a 422 lists every refused row and field as
/// `rows[N].field`, N being the spreadsheet row (the header is row 1), and writes nothing.
#[utoipa::path(post, path = "/v1/licenses/import", tag = "licenses",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportReport), (status = 413, body = crate::error::Problem),
              (status = 415, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn import_csv(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let is_csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().starts_with("text/csv"));
    if !is_csv {
        return Err(ApiError::UnsupportedMediaType(
            "send the licenses as text/csv".into(),
        ));
    }
    let rows = csv_import::parse(&body)?;
    let ids = state
        .db
        .write(move |conn| {
            let mut ids = Vec::with_capacity(rows.len());
            let mut refused = Vec::new();
            for csv_import::ImportRow { row, mut draft } in rows {
                let checked = check_references(conn, &mut draft)
                    .and_then(|()| check_exclusivity(conn, &draft, 0));
                if let Err(err) = checked {
                    refused.extend(csv_import::row_errors(row, err));
                    continue;
                }
                if !refused.is_empty() {
                    continue;
                }
                let stored = store::insert(conn, &draft)?;
                audit::record(
                    conn,
                    Actor::Caller(&caller),
                    "import",
                    "license",
                    Some(stored.id),
                    None::<&()>,
                    Some(&LicenseView::from(&stored)),
                )?;
                ids.push(stored.id);
            }
            if refused.is_empty() {
                Ok(ids)
            } else {
                Err(ApiError::Validation(refused))
            }
        })
        .await?;
    Ok(HttpResponse::Created().json(ImportReport {
        imported: ids.len(),
        license_ids: ids,
    }))
}

/// One license, with its version as ETag.
#[utoipa::path(get, path = "/v1/licenses/{id}", tag = "licenses", params(("id" = u64, Path)),
    responses((status = 200, body = LicenseView), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let id = id(*path)?;
    let scope = caller.scope();
    let row = find(&state, id, scope).await?;
    if crate::routes::wants_json_ld(&req) {
        return odrl_response(&row);
    }
    Ok(with_etag(
        HttpResponse::Ok().json(LicenseView::from(&row)),
        &row,
    ))
}

fn odrl_response(row: &LicenseRow) -> Result<HttpResponse, ApiError> {
    let policy = odrl::export(row.id, &row.draft()?);
    Ok(with_etag(
        HttpResponse::Ok()
            .content_type(crate::routes::JSON_LD)
            .json(policy),
        row,
    ))
}

/// A JSON-LD document for ODRL policies (see docs/interop.md for the mapping).
#[derive(utoipa::ToSchema)]
#[schema(value_type = Object, example = json!({
    "@context": {"odrl": "http://www.w3.org/ns/odrl/2/"}, "type": "Agreement",
    "uid": "urn:rightsdesk:license:1", "assigner": "urn:rightsdesk:outlet:1",
    "assignee": "urn:rightsdesk:outlet:2", "target": "urn:rightsdesk:article:1",
    "permission": [{"action": "distribute", "constraint": [
        {"leftOperand": "spatial", "operator": "isAnyOf", "rightOperand": ["US"]}]}]}))]
pub struct OdrlPolicy(pub serde_json::Value);

/// The license as an ODRL 2.2 / IPTC RightsML `Agreement` (JSON-LD, context embedded).
/// The same as `GET /v1/licenses/{id}` with `Accept: application/ld+json`.
#[utoipa::path(get, path = "/v1/licenses/{id}/odrl", tag = "licenses", params(("id" = u64, Path)),
    responses((status = 200, body = OdrlPolicy, content_type = "application/ld+json"),
              (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn odrl(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let id = id(*path)?;
    let scope = caller.scope();
    odrl_response(&find(&state, id, scope).await?)
}

/// One license the caller may see.
async fn find(state: &AppState, id: i64, scope: Scope) -> Result<LicenseRow, ApiError> {
    state
        .db
        .read(move |conn| Ok(store::find(conn, id, scope)?))
        .await
}

/// Changes the terms. Send the ETag back as `If-Match`: a stale one answers 412.
#[utoipa::path(patch, path = "/v1/licenses/{id}", tag = "licenses", params(("id" = u64, Path)), request_body = LicensePatch,
    responses((status = 200, body = LicenseView), (status = 409, body = crate::error::Problem),
              (status = 412, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<u64>,
    body: crate::json::Json<LicensePatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let id = id(*path)?;
    let expected = if_match(&req)?;
    let patch = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let before = store::find(conn, id, Scope::All)?;
            let draft = patch.apply(&before.draft()?)?;
            check_exclusivity(conn, &draft, id)?;
            save(conn, &caller, "update", &before, expected, &draft)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok().json(LicenseView::from(&row)),
        &row,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewRequest {
    /// The new last day (YYYY-MM-DD), or null for open-ended
    #[schema(example = "2026-12-31")]
    pub valid_until: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    pub reason: Option<String>,
}

/// Moves a license's end date.
#[utoipa::path(post, path = "/v1/licenses/{id}/renew", tag = "licenses", params(("id" = u64, Path)), request_body = RenewRequest,
    responses((status = 200, body = LicenseView), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn renew(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<u64>,
    body: crate::json::Json<RenewRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let id = id(*path)?;
    let expected = if_match(&req)?;
    let mut f = Fields::new();
    let until = f.date("valid_until", body.valid_until.as_deref());
    f.finish(())?;
    let row = state
        .db
        .write(move |conn| {
            let before = store::find(conn, id, Scope::All)?;
            let mut draft = before.draft()?;
            if draft.status == LicenseStatus::Revoked {
                return Err(ApiError::Conflict(format!(
                    "license {id} is revoked; grant a new one"
                )));
            }
            draft.window = rules::DateWindow::new(draft.window.from, until)
                .map_err(|m| ApiError::validation("valid_until", m))?;
            check_exclusivity(conn, &draft, id)?;
            save(conn, &caller, "renew", &before, expected, &draft)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok().json(LicenseView::from(&row)),
        &row,
    ))
}

/// Sets a license's status (revoke, suspend, resume), keeping its history.
async fn set_status(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<u64>,
    reason: Option<String>,
    to: LicenseStatus,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let id = id(*path)?;
    let expected = if_match(&req)?;
    let mut f = Fields::new();
    let reason = f.optional_text("reason", reason.as_deref(), 2000);
    if to == LicenseStatus::Revoked && reason.is_none() {
        f.error("reason", "say why the license is revoked");
    }
    f.finish(())?;
    let action = match to {
        LicenseStatus::Revoked => "revoke",
        LicenseStatus::Suspended => "suspend",
        LicenseStatus::Active => "resume",
    };
    let row = state
        .db
        .write(move |conn| {
            let before = store::find(conn, id, Scope::All)?;
            let mut draft = before.draft()?;
            match (draft.status, to) {
                (LicenseStatus::Revoked, _) => {
                    return Err(ApiError::Conflict(format!(
                        "license {id} is revoked; a revocation is final"
                    )))
                }
                (from, to) if from == to => {
                    return Err(ApiError::Conflict(format!(
                        "license {id} is already {}",
                        to.as_str()
                    )))
                }
                _ => {}
            }
            draft.status = to;
            draft.status_reason = reason;
            if to == LicenseStatus::Active {
                check_exclusivity(conn, &draft, id)?;
            }
            save(conn, &caller, action, &before, expected, &draft)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok().json(LicenseView::from(&row)),
        &row,
    ))
}

/// Revokes a license for good, with a reason. It stays readable.
#[utoipa::path(post, path = "/v1/licenses/{id}/revoke", tag = "licenses", params(("id" = u64, Path)), request_body = ReasonRequest,
    responses((status = 200, body = LicenseView), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<u64>,
    body: crate::json::Json<ReasonRequest>,
) -> Result<HttpResponse, ApiError> {
    set_status(
        state,
        caller,
        req,
        path,
        body.into_inner().reason,
        LicenseStatus::Revoked,
    )
    .await
}

/// Suspends a license until it is resumed.
#[utoipa::path(post, path = "/v1/licenses/{id}/suspend", tag = "licenses", params(("id" = u64, Path)), request_body = ReasonRequest,
    responses((status = 200, body = LicenseView), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn suspend(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<u64>,
    body: crate::json::Json<ReasonRequest>,
) -> Result<HttpResponse, ApiError> {
    set_status(
        state,
        caller,
        req,
        path,
        body.into_inner().reason,
        LicenseStatus::Suspended,
    )
    .await
}

/// Resumes a suspended license.
#[utoipa::path(post, path = "/v1/licenses/{id}/resume", tag = "licenses", params(("id" = u64, Path)), request_body = ReasonRequest,
    responses((status = 200, body = LicenseView), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn resume(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<u64>,
    body: crate::json::Json<ReasonRequest>,
) -> Result<HttpResponse, ApiError> {
    set_status(
        state,
        caller,
        req,
        path,
        body.into_inner().reason,
        LicenseStatus::Active,
    )
    .await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub action: String,
    pub actor: String,
    pub at: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

/// Every change to a license: who, when, before and after.
#[utoipa::path(get, path = "/v1/licenses/{id}/history", tag = "licenses", params(("id" = u64, Path)),
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn history(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let id = id(*path)?;
    let scope = caller.scope();
    let entries = state
        .db
        .read(move |conn| {
            store::find(conn, id, scope)?;
            Ok(audit::list(conn, Some("license"), Some(id), 0, 10_000)?)
        })
        .await?;
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    let history: Vec<HistoryEntry> = entries
        .into_iter()
        .map(|e| HistoryEntry {
            action: e.action,
            actor: e.actor,
            at: crate::types::rfc3339(&e.created_at),
            before: parse(e.before_json),
            after: parse(e.after_json),
        })
        .collect();
    Ok(HttpResponse::Ok().json(history))
}

/// Deletes a license (softly: it stops counting, stays in the audit log, and an admin can
/// restore it).
#[utoipa::path(delete, path = "/v1/licenses/{id}", tag = "licenses", params(("id" = u64, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn remove(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let id = id(*path)?;
    state
        .db
        .write(move |conn| {
            let before = store::find(conn, id, Scope::All)?;
            store::set_deleted(conn, id, Some(crate::types::now()))?;
            audit::record(
                conn,
                Actor::Caller(&caller),
                "delete",
                "license",
                Some(id),
                Some(&LicenseView::from(&before)),
                None::<&()>,
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restores a deleted license (admin), unless it would now overlap an exclusive one.
#[utoipa::path(post, path = "/v1/licenses/{id}/restore", tag = "licenses", params(("id" = u64, Path)),
    responses((status = 200, body = LicenseView), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn restore(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Administer)?;
    let id = id(*path)?;
    let row = state
        .db
        .write(move |conn| {
            let deleted = store::find_any(conn, id)?;
            check_exclusivity(conn, &deleted.draft()?, id)?;
            store::set_deleted(conn, id, None)?;
            let after = store::find(conn, id, Scope::All)?;
            audit::record(
                conn,
                Actor::Caller(&caller),
                "restore",
                "license",
                Some(id),
                None::<&()>,
                Some(&LicenseView::from(&after)),
            )?;
            Ok(after)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok().json(LicenseView::from(&row)),
        &row,
    ))
}

/// The license list as CSV, every page, streamed.
fn csv(db: crate::db::Db, scope: Scope, filter: LicenseFilter) -> HttpResponse {
    use crate::csv_export::opt;
    crate::csv_export::stream(
        db,
        "licenses",
        csv_import::EXPORTED,
        move |conn, after, limit| store::list(conn, scope, &filter, after, limit),
        |r: &LicenseRow| {
            (
                r.id,
                vec![
                    r.id.to_string(),
                    r.grantor_outlet_id.to_string(),
                    r.licensee_outlet_id.to_string(),
                    r.scope.clone(),
                    opt(&r.article_id),
                    opt(&r.feed_published_from),
                    opt(&r.feed_published_until),
                    r.actions.clone(),
                    r.media.clone(),
                    r.territories.clone(),
                    r.valid_from.to_string(),
                    opt(&r.valid_until),
                    r.exclusive.to_string(),
                    opt(&r.credit_line),
                    opt(&r.fee_cents),
                    opt(&r.currency),
                    opt(&r.max_reprints),
                    r.status.clone(),
                    opt(&r.status_reason),
                    r.version.to_string(),
                    crate::types::rfc3339(&r.created_at),
                    crate::types::rfc3339(&r.updated_at),
                ],
            )
        },
    )
}
