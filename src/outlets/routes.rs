//! `/v1/outlets`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::store;
use super::Outlets;
use super::{NewOutletRequest, OutletPatch, OutletView};
use crate::audit::{self, Action, Change, Entity};
use crate::auth::{Caller, Permission, Scope};
use crate::db::Db;
use crate::http::pagination::{PageParams, Paged};
use crate::http::problem::ApiError;
use crate::http::route_table::{at, RouteTable};
use crate::http::{created, RecordId};

/// The endpoints of this feature.
pub fn configure(t: &mut RouteTable<'_>) {
    t.mount(at("/v1/outlets").post(create).get(list));
    t.mount(
        at("/v1/outlets/{id}")
            .get(read)
            .patch(update)
            .delete(remove),
    );
    t.mount(at("/v1/outlets/{id}/restore").post(restore));
}

/// Creates an outlet.
#[utoipa::path(post, path = "/v1/outlets", tag = "outlets", request_body = NewOutletRequest,
    responses((status = 201, body = OutletView), (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    db: web::Data<Db>,
    caller: Caller,
    body: crate::http::json::Json<NewOutletRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let draft = body.into_inner().parse()?;
    let row = db
        .write(move |conn| {
            let row = store::insert(conn, &draft)?;
            audit::record(
                conn,
                Change::created(
                    &caller.actor(),
                    Entity::Outlet,
                    row.id,
                    &OutletView::from(&row),
                ),
            )?;
            Ok::<_, ApiError>(row)
        })
        .await?;
    Ok(created(
        format!("/v1/outlets/{}", row.id),
        &OutletView::from(&row),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OutletFilter {
    /// Name contains (case-insensitive on SQLite for ASCII)
    pub q: Option<String>,
}

/// Lists outlets (a partner sees its own).
#[utoipa::path(get, path = "/v1/outlets", tag = "outlets", params(OutletFilter, PageParams),
    responses((status = 200, body = Paged<OutletView>)), security(("bearer" = [])))]
pub async fn list(
    db: web::Data<Db>,
    caller: Caller,
    filter: web::Query<OutletFilter>,
    page: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let page = page.parse()?;
    let q = crate::http::search_text(filter.into_inner().q)?;
    let scope = caller.scope();
    let rows = db
        .read(move |conn| {
            Ok::<_, ApiError>(store::list(
                conn,
                scope,
                q.as_deref(),
                page.after_id,
                page.limit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::new(rows, page, |r| r.id, |r| OutletView::from(&r))))
}

/// One outlet.
#[utoipa::path(get, path = "/v1/outlets/{id}", tag = "outlets", params(RecordId),
    responses((status = 200, body = OutletView), (status = 404, body = crate::http::problem::Problem)),
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
    Ok(HttpResponse::Ok().json(OutletView::from(&row)))
}

/// Changes an outlet; `null` clears an optional field.
#[utoipa::path(patch, path = "/v1/outlets/{id}", tag = "outlets", params(RecordId), request_body = OutletPatch,
    responses((status = 200, body = OutletView), (status = 404, body = crate::http::problem::Problem),
              (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn update(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
    body: crate::http::json::Json<OutletPatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let id = id.get();
    let patch = body.into_inner();
    let row = db
        .write(move |conn| {
            let before = store::find(conn, id, Scope::All)?;
            let draft = patch.apply(&before)?;
            let after = store::update(conn, id, &draft)?;
            audit::record(
                conn,
                Change::changed(
                    &caller.actor(),
                    Action::Update,
                    Entity::Outlet,
                    id,
                    &OutletView::from(&before),
                    &OutletView::from(&after),
                ),
            )?;
            Ok::<_, ApiError>(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(OutletView::from(&row)))
}

/// Deletes an outlet (softly: an admin can restore it). Refused while licenses or articles refer to it.
#[utoipa::path(delete, path = "/v1/outlets/{id}", tag = "outlets", params(RecordId),
    responses((status = 204), (status = 404, body = crate::http::problem::Problem), (status = 409, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn remove(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    crate::auth::records::remove::<Outlets>(&db, caller, id).await
}

/// Restores a deleted outlet (admin).
#[utoipa::path(post, path = "/v1/outlets/{id}/restore", tag = "outlets", params(RecordId),
    responses((status = 200, body = OutletView), (status = 404, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn restore(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    crate::auth::records::restore::<Outlets>(&db, caller, id).await
}
