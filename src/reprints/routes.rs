//! `/v1/reprints`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::service::{self, Reprints};
use super::store::{self, ReprintFilter};
use super::{NewReprintRequest, ReprintPatch, ReprintView};
use crate::auth::{Caller, Permission, Scope};
use crate::db::Db;
use crate::http::fields::Fields;
use crate::http::pagination::{PageParams, Paged};
use crate::http::problem::ApiError;
use crate::http::route_table::{at, RouteTable};
use crate::http::{created, RecordId};
use crate::reprints::verify::service::{self as verification, VerifyError};
use crate::reprints::verify::Fetcher;

/// The endpoints of this feature.
pub fn configure(t: &mut RouteTable<'_>) {
    t.mount(at("/v1/reprints").post(create).get(list));
    t.mount(
        at("/v1/reprints/{id}")
            .get(read)
            .patch(update)
            .delete(remove),
    );
    t.mount(at("/v1/reprints/{id}/restore").post(restore));
    t.mount(at("/v1/reprints/{id}/verify").post(verify));
}

/// Records a reprint and its verdict: covered by a license, or uncovered and why.
#[utoipa::path(post, path = "/v1/reprints", operation_id = "createReprint", tag = "reprints", request_body = NewReprintRequest,
    responses((status = 201, body = ReprintView), (status = 404, body = crate::http::problem::Problem),
              (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    db: web::Data<Db>,
    coverage: web::Data<crate::rights::cache::CoverageCache>,
    caller: Caller,
    body: crate::http::json::Json<NewReprintRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::RecordReprints)?;
    let draft = body.into_inner().parse()?;
    let scope = caller.scope();
    if let Scope::Outlet(own) = scope {
        if own != draft.outlet_id {
            return Err(ApiError::NotFound);
        }
    }
    let actor = caller.actor();
    let prejudged = service::prejudge(&db, &coverage, scope, &draft).await?;
    // The write compares the prejudged stamp with the database's stamps when its turn comes.
    let stamps = db.clone();
    let row = db
        .write_deciding(move |conn| {
            service::record_reprint(conn, &actor, scope, &draft, stamps.changes(), prejudged)
        })
        .await?;
    Ok(created(
        format!("/v1/reprints/{}", row.id),
        &ReprintView::from(&row),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ReprintQuery {
    pub outlet_id: Option<i64>,
    pub article_id: Option<i64>,
    pub license_id: Option<i64>,
    /// covered or uncovered
    #[param(pattern = "^(covered|uncovered)$")]
    pub compliance: Option<String>,
    /// What the reprint did (republish, excerpt, ...)
    #[param(value_type = Option<crate::licenses::rules::Action>)]
    pub action: Option<String>,
    /// Reprinted on or after (YYYY-MM-DD)
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// Reprinted on or before (YYYY-MM-DD)
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// The last page check: ok, failed, or unchecked
    #[param(pattern = "^(ok|failed|unchecked)$")]
    pub verification: Option<String>,
}

/// Lists reprints (a partner sees its own).
#[utoipa::path(get, path = "/v1/reprints", operation_id = "listReprints", tag = "reprints", params(ReprintQuery, PageParams),
    responses((status = 200, body = Paged<ReprintView>), (status = 400, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn list(
    db: web::Data<Db>,
    caller: Caller,
    req: actix_web::HttpRequest,
    query: crate::http::query::Query<ReprintQuery>,
    page: crate::http::query::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let page = page.parse()?;
    let q = query.into_inner();
    let mut f = Fields::new();
    let filter = ReprintFilter {
        outlet: q.outlet_id,
        article: q.article_id,
        license: q.license_id,
        compliance: f.parse("compliance", q.compliance.as_deref()),
        action: f.parse("action", q.action.as_deref()),
        from: f.date("from", q.from.as_deref()),
        to: f.date("to", q.to.as_deref()),
        verification: f.parse("verification", q.verification.as_deref()),
    };
    f.finish(()).map_err(crate::http::query_problem)?;
    let scope = caller.scope();
    if crate::http::csv::wanted(&req) {
        return Ok(csv(db.get_ref().clone(), scope, filter));
    }
    let rows = db
        .read(move |conn| {
            Ok::<_, ApiError>(store::list(
                conn,
                scope,
                &filter,
                page.after_id,
                page.limit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::new(rows, page, |r| r.id, |r| ReprintView::from(&r))))
}

/// One reprint.
#[utoipa::path(get, path = "/v1/reprints/{id}", operation_id = "readReprint", tag = "reprints", params(RecordId),
    responses((status = 200, body = ReprintView), (status = 404, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn read(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let id = id.get();
    let scope = caller.scope();
    let row = db
        .read(move |conn| Ok::<_, ApiError>(store::find(conn, id, scope)?))
        .await?;
    Ok(HttpResponse::Ok().json(ReprintView::from(&row)))
}

/// Corrects a reprint (its date, medium, territory, action, URL or credit line): the verdict is
/// worked out again and the change audited. Send the whole reprint as on creation.
#[utoipa::path(patch, path = "/v1/reprints/{id}", operation_id = "updateReprint", tag = "reprints", params(RecordId), request_body = ReprintPatch,
    responses((status = 200, body = ReprintView), (status = 404, body = crate::http::problem::Problem),
              (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn update(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
    body: crate::http::json::Json<ReprintPatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::RecordReprints)?;
    let id = id.get();
    let scope = caller.scope();
    let patch = body.into_inner();
    let actor = caller.actor();
    let row = db
        .write(move |conn| {
            let before = store::find(conn, id, scope)?;
            let draft = patch.apply(&before)?;
            service::correct(conn, &actor, scope, id, &draft)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ReprintView::from(&row)))
}

/// Withdraws a reprint recorded by mistake (softly: it stops counting towards its license's uses;
/// an admin can restore it).
#[utoipa::path(delete, path = "/v1/reprints/{id}", operation_id = "removeReprint", tag = "reprints", params(RecordId),
    responses((status = 204), (status = 404, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn remove(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    crate::auth::records::remove::<Reprints>(&db, caller, id).await
}

/// Restores a withdrawn reprint (admin).
#[utoipa::path(post, path = "/v1/reprints/{id}/restore", operation_id = "restoreReprint", tag = "reprints", params(RecordId),
    responses((status = 200, body = ReprintView), (status = 404, body = crate::http::problem::Problem),
              (status = 409, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn restore(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    crate::auth::records::restore::<Reprints>(&db, caller, id).await
}

/// Fetches the reprint's page now and checks it against its license: the credit line, a link to
/// the original, rel=canonical, and (once the rights ended) whether it is still online.
#[utoipa::path(post, path = "/v1/reprints/{id}/verify", operation_id = "verifyReprint", tag = "reprints", params(RecordId),
    responses((status = 200, body = ReprintView), (status = 404, body = crate::http::problem::Problem),
              (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn verify(
    db: web::Data<Db>,
    fetcher: web::Data<Fetcher>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::RecordReprints)?;
    let row = verification::verify(
        &db,
        &fetcher,
        id.get(),
        caller.scope(),
        crate::types::today(),
    )
    .await
    .map_err(|e| match e {
        VerifyError::NoUrl => ApiError::validation("url", e.to_string()),
        VerifyError::Store(err) => ApiError::from(err),
    })?;
    Ok(HttpResponse::Ok().json(ReprintView::from(&row)))
}

/// The reprint list as CSV, every page, streamed: the desk's list of violations in a spreadsheet.
fn csv(db: crate::db::Db, scope: Scope, filter: ReprintFilter) -> HttpResponse {
    use crate::http::csv::opt;
    const HEADER: &[&str] = &[
        "id",
        "article_id",
        "outlet_id",
        "reprinted_on",
        "medium",
        "territory",
        "url",
        "credit_line_used",
        "compliance",
        "license_id",
        "reasons",
        "created_at",
        "action",
    ];
    crate::http::csv::stream(
        db,
        "reprints",
        HEADER,
        move |conn, after, limit| store::list(conn, scope, &filter, after, limit),
        |r: &store::ReprintRow| {
            (
                r.id,
                vec![
                    r.id.to_string(),
                    r.article_id.to_string(),
                    r.outlet_id.to_string(),
                    r.reprinted_on.to_string(),
                    r.medium.clone(),
                    opt(&r.territory),
                    opt(&r.url),
                    opt(&r.credit_line_used),
                    r.compliance.clone(),
                    opt(&r.license_id),
                    r.reasons.clone(),
                    crate::types::rfc3339(&r.created_at),
                    r.action.clone(),
                ],
            )
        },
    )
}
