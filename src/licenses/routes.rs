//! `/v1/licenses`.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::rules::{self, LicenseStatus};
use super::service::{self, Licenses};
use super::store::{self, LicenseFilter, LicenseRow};
use super::{csv_import, odrl};
use super::{LicensePatch, LicenseView, NewLicenseRequest};
use crate::audit::{self};
use crate::auth::{Caller, Permission, Scope};
use crate::db::Db;
use crate::http::etag::if_match;
use crate::http::etag::with_etag;
use crate::http::fields::Fields;
use crate::http::pagination::{PageParams, Paged};
use crate::http::problem::ApiError;
use crate::http::route_table::{at, RouteTable};
use crate::http::RecordId;

/// The endpoints of this feature.
pub fn configure(t: &mut RouteTable<'_>) {
    t.mount(at("/v1/licenses").post(create).get(list));
    t.mount(
        at("/v1/licenses/import")
            .app_data(web::PayloadConfig::default().limit(IMPORT_LIMIT))
            .post(import_csv),
    );
    t.mount(
        at("/v1/licenses/{id}")
            .get(read)
            .patch(update)
            .delete(remove),
    );
    t.mount(at("/v1/licenses/{id}/restore").post(restore));
    t.mount(at("/v1/licenses/{id}/renew").post(renew));
    t.mount(at("/v1/licenses/{id}/revoke").post(revoke));
    t.mount(at("/v1/licenses/{id}/suspend").post(suspend));
    t.mount(at("/v1/licenses/{id}/resume").post(resume));
    t.mount(at("/v1/licenses/{id}/odrl").get(odrl));
    t.mount(at("/v1/licenses/{id}/history").get(history));
    super::chain_routes::configure(t);
}

/// Grants a license. 409 when it would overlap an exclusive license to another outlet.
///
/// To import an ODRL 2.2 / RightsML `Agreement`, use `POST /v1/licenses/odrl`
/// (`importLicenseOdrl`). For callers written before that operation existed, this one still
/// reads a body sent as `Content-Type: application/ld+json` as ODRL.
#[utoipa::path(post, path = "/v1/licenses", operation_id = "createLicense", tag = "licenses",
    request_body(content = NewLicenseRequest, content_type = "application/json"),
    responses((status = 201, body = LicenseView), (status = 409, body = crate::http::problem::Problem),
              (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    db: web::Data<Db>,
    caller: Caller,
    req: HttpRequest,
    body: crate::http::json::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let request = if crate::http::negotiation::is_json_ld(&req) {
        odrl::import(&body)?
    } else {
        crate::http::json::from_object::<NewLicenseRequest>(body.into_inner())?
    };
    let draft = request.parse()?;
    let actor = caller.actor();
    let row = db
        .write(move |conn| service::grant(conn, &actor, draft))
        .await?;
    answer(&db, row, true).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LicenseQuery {
    pub licensee_outlet_id: Option<i64>,
    pub grantor_outlet_id: Option<i64>,
    pub article_id: Option<i64>,
    /// active (in force or to come), expired (active, last day passed), suspended or revoked
    #[param(value_type = Option<rules::LicenseState>)]
    pub status: Option<String>,
    /// Active and in force on this day (YYYY-MM-DD)
    #[param(value_type = Option<String>, format = Date)]
    pub active_on: Option<String>,
    /// Active and ending between today and N days from today
    #[param(maximum = 36500)]
    pub expiring_within_days: Option<u32>,
}

/// Lists licenses (a partner sees those it holds).
#[utoipa::path(get, path = "/v1/licenses", operation_id = "listLicenses", tag = "licenses", params(LicenseQuery, PageParams),
    responses((status = 200, body = Paged<LicenseView>), (status = 400, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn list(
    db: web::Data<Db>,
    pages: web::Data<super::pages::LicensePages>,
    caller: Caller,
    req: HttpRequest,
    query: crate::http::query::Query<LicenseQuery>,
    page: crate::http::query::Query<PageParams>,
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
    f.finish(()).map_err(crate::http::query_problem)?;
    let scope = caller.scope();
    if crate::http::csv::wanted(&req) {
        return Ok(csv(db.get_ref().clone(), scope, filter));
    }
    let body = pages.page(&db, scope, filter, page).await?;
    Ok(HttpResponse::Ok()
        .content_type(header::ContentType::json())
        .body(body))
}

/// What a CSV import wrote (or, on a dry run, would write).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Rows written: created plus updated
    pub imported: usize,
    /// The licenses created or updated, in the file's row order
    pub license_ids: Vec<i64>,
    pub created: usize,
    pub updated: usize,
    /// Rows naming a license that is already as they say: nothing written
    pub unchanged: usize,
    pub dry_run: bool,
    /// Every row and what happened to it
    pub rows: Vec<service::ImportedRow>,
}

impl ImportReport {
    fn of(rows: Vec<service::ImportedRow>, dry_run: bool) -> ImportReport {
        use service::RowOutcome;
        let count = |o: RowOutcome| rows.iter().filter(|r| r.outcome == o).count();
        let (created, updated) = (count(RowOutcome::Create), count(RowOutcome::Update));
        ImportReport {
            imported: created + updated,
            license_ids: rows
                .iter()
                .filter(|r| r.outcome != RowOutcome::Unchanged)
                .filter_map(|r| r.license_id)
                .collect(),
            created,
            updated,
            unchanged: count(RowOutcome::Unchanged),
            dry_run,
            rows,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ImportQuery {
    /// Only say, row by row, what the import would do; write nothing
    pub dry_run: Option<bool>,
}

/// Most bytes a CSV import takes.
pub const IMPORT_LIMIT: usize = 8 * 1024 * 1024;

/// Imports licenses from CSV (`Content-Type: text/csv`; the columns `GET /v1/licenses` exports
/// with `Accept: text/csv`). All rows or none: a 422 lists every refused row and field as
/// `rows[N].field`, N being the spreadsheet row (the header is row 1), and writes nothing. A row
/// with an `id` updates that license (its `version`, when given, must be current, as If-Match);
/// a row that changes nothing writes nothing, so an export imported back unchanged changes
/// nothing. `?dry_run=true` answers 200 with what each row would do.
#[utoipa::path(post, path = "/v1/licenses/import", operation_id = "importLicensesCsv", tag = "licenses", params(ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportReport), (status = 200, description = "A dry run: what each row would do", body = ImportReport), (status = 413, body = crate::http::problem::Problem),
              (status = 415, body = crate::http::problem::Problem), (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn import_csv(
    db: web::Data<Db>,
    caller: Caller,
    req: HttpRequest,
    query: crate::http::query::Query<ImportQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let dry_run = query.dry_run.unwrap_or(false);
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
    let actor = caller.actor();
    let done = db
        .write(move |conn| service::import(conn, &actor, rows, dry_run))
        .await;
    match done {
        Ok(rows) => Ok(HttpResponse::Created().json(ImportReport::of(rows, false))),
        Err(service::ImportStop::DryRun(rows)) => {
            Ok(HttpResponse::Ok().json(ImportReport::of(rows, true)))
        }
        Err(service::ImportStop::Refused(err)) => Err(err),
    }
}

/// One license, with its version as ETag.
#[utoipa::path(get, path = "/v1/licenses/{id}", operation_id = "readLicense", tag = "licenses", params(RecordId),
    responses((status = 200, body = LicenseView), (status = 404, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn read(
    db: web::Data<Db>,
    caller: Caller,
    req: HttpRequest,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let id = id.get();
    let scope = caller.scope();
    let row = find(&db, id, scope).await?;
    if crate::http::negotiation::wants_json_ld(&req) {
        return odrl_response(&row);
    }
    answer(&db, row, false).await
}

fn odrl_response(row: &LicenseRow) -> Result<HttpResponse, ApiError> {
    let policy = odrl::export(row.id, &row.draft()?);
    Ok(with_etag(
        HttpResponse::Ok()
            .content_type(crate::http::negotiation::JSON_LD)
            .json(policy),
        row.version,
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
#[utoipa::path(get, path = "/v1/licenses/{id}/odrl", operation_id = "exportLicenseOdrl", tag = "licenses", params(RecordId),
    responses((status = 200, body = OdrlPolicy, content_type = "application/ld+json"),
              (status = 404, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn odrl(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let id = id.get();
    let scope = caller.scope();
    odrl_response(&find(&db, id, scope).await?)
}

/// One license the caller may see.
async fn find(db: &Db, id: i64, scope: Scope) -> Result<LicenseRow, ApiError> {
    db.read(move |conn| Ok(store::find(conn, id, scope)?)).await
}

/// The answer for one license: its view with the names of its parties, and its version as ETag.
pub(super) async fn answer(
    db: &Db,
    row: LicenseRow,
    created: bool,
) -> Result<HttpResponse, ApiError> {
    let version = row.version;
    let id = row.id;
    let view = db
        .read(move |conn| Ok::<_, ApiError>(service::views(conn, std::slice::from_ref(&row))?))
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    let mut response = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    if created {
        response.insert_header((header::LOCATION, format!("/v1/licenses/{id}")));
    }
    Ok(with_etag(response.json(view), version))
}

/// Changes the terms. Send the ETag back as `If-Match`: a stale one answers 412.
#[utoipa::path(patch, path = "/v1/licenses/{id}", operation_id = "updateLicense", tag = "licenses", params(RecordId), request_body = LicensePatch,
    responses((status = 200, body = LicenseView), (status = 409, body = crate::http::problem::Problem),
              (status = 412, body = crate::http::problem::Problem), (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn update(
    db: web::Data<Db>,
    caller: Caller,
    req: HttpRequest,
    id: RecordId,
    body: crate::http::json::Json<LicensePatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let id = id.get();
    let expected = if_match(&req)?;
    let patch = body.into_inner();
    let actor = caller.actor();
    let row = db
        .write(move |conn| service::update(conn, &actor, id, expected, patch))
        .await?;
    answer(&db, row, false).await
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
#[utoipa::path(post, path = "/v1/licenses/{id}/renew", operation_id = "renewLicense", tag = "licenses", params(RecordId), request_body = RenewRequest,
    responses((status = 200, body = LicenseView), (status = 409, body = crate::http::problem::Problem),
              (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn renew(
    db: web::Data<Db>,
    caller: Caller,
    req: HttpRequest,
    id: RecordId,
    body: crate::http::json::Json<RenewRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let id = id.get();
    let expected = if_match(&req)?;
    let mut f = Fields::new();
    let until = f.date("valid_until", body.valid_until.as_deref());
    f.finish(())?;
    let actor = caller.actor();
    let row = db
        .write(move |conn| service::renew(conn, &actor, id, expected, until))
        .await?;
    answer(&db, row, false).await
}

/// Sets a license's status (revoke, suspend, resume), keeping its history.
async fn set_status(
    db: web::Data<Db>,
    caller: Caller,
    req: HttpRequest,
    id: RecordId,
    reason: Option<String>,
    to: LicenseStatus,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let id = id.get();
    let expected = if_match(&req)?;
    let mut f = Fields::new();
    let reason = f.optional_lines("reason", reason.as_deref(), 2000);
    if to == LicenseStatus::Revoked && reason.is_none() {
        f.error("reason", "say why the license is revoked");
    }
    f.finish(())?;
    let actor = caller.actor();
    let (row, affected) = db
        .write(move |conn| service::set_status(conn, &actor, id, expected, to, reason))
        .await?;
    super::chain_routes::status_answer(&db, row, affected).await
}

/// Revokes a license for good, with a reason. It stays readable.
#[utoipa::path(post, path = "/v1/licenses/{id}/revoke", operation_id = "revokeLicense", tag = "licenses", params(RecordId), request_body = ReasonRequest,
    responses((status = 200, body = LicenseView), (status = 409, body = crate::http::problem::Problem),
              (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn revoke(
    db: web::Data<Db>,
    caller: Caller,
    req: HttpRequest,
    id: RecordId,
    body: crate::http::json::Json<ReasonRequest>,
) -> Result<HttpResponse, ApiError> {
    set_status(
        db,
        caller,
        req,
        id,
        body.into_inner().reason,
        LicenseStatus::Revoked,
    )
    .await
}

/// Suspends a license until it is resumed.
#[utoipa::path(post, path = "/v1/licenses/{id}/suspend", operation_id = "suspendLicense", tag = "licenses", params(RecordId), request_body = ReasonRequest,
    responses((status = 200, body = LicenseView), (status = 409, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn suspend(
    db: web::Data<Db>,
    caller: Caller,
    req: HttpRequest,
    id: RecordId,
    body: crate::http::json::Json<ReasonRequest>,
) -> Result<HttpResponse, ApiError> {
    set_status(
        db,
        caller,
        req,
        id,
        body.into_inner().reason,
        LicenseStatus::Suspended,
    )
    .await
}

/// Resumes a suspended license.
#[utoipa::path(post, path = "/v1/licenses/{id}/resume", operation_id = "resumeLicense", tag = "licenses", params(RecordId), request_body = ReasonRequest,
    responses((status = 200, body = LicenseView), (status = 409, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn resume(
    db: web::Data<Db>,
    caller: Caller,
    req: HttpRequest,
    id: RecordId,
    body: crate::http::json::Json<ReasonRequest>,
) -> Result<HttpResponse, ApiError> {
    set_status(
        db,
        caller,
        req,
        id,
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
#[utoipa::path(get, path = "/v1/licenses/{id}/history", operation_id = "licenseHistory", tag = "licenses", params(RecordId),
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn history(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let id = id.get();
    let scope = caller.scope();
    let entries = db
        .read(move |conn| {
            store::find(conn, id, scope)?;
            Ok::<_, ApiError>(audit::list(conn, Some("license"), Some(id), 0, 10_000)?)
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
#[utoipa::path(delete, path = "/v1/licenses/{id}", operation_id = "removeLicense", tag = "licenses", params(RecordId),
    responses((status = 204), (status = 404, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn remove(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    crate::auth::records::remove::<Licenses>(&db, caller, id).await
}

/// Restores a deleted license (admin), unless it would now overlap an exclusive one.
#[utoipa::path(post, path = "/v1/licenses/{id}/restore", operation_id = "restoreLicense", tag = "licenses", params(RecordId),
    responses((status = 200, body = LicenseView), (status = 404, body = crate::http::problem::Problem),
              (status = 409, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn restore(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    crate::auth::records::restore::<Licenses>(&db, caller, id).await
}

/// The license list as CSV, every page, streamed.
fn csv(db: crate::db::Db, scope: Scope, filter: LicenseFilter) -> HttpResponse {
    use crate::http::csv::opt;
    crate::http::csv::stream(
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
                    opt(&r.upstream_license_id),
                    r.data_mining.clone(),
                    opt(&r.tdm_policy_url),
                ],
            )
        },
    )
}
