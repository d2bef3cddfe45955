//! `/v1/outlets`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::store;
use super::{NewOutletRequest, OutletPatch, OutletView};
use crate::audit::{self, Actor};
use crate::auth::{Caller, Permission, Scope};
use crate::error::ApiError;
use crate::pagination::{PageParams, Paged};
use crate::routes::{created, id};
use crate::startup::AppState;

/// Creates an outlet.
#[utoipa::path(post, path = "/v1/outlets", tag = "outlets", request_body = NewOutletRequest,
    responses((status = 201, body = OutletView), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<NewOutletRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let draft = body.into_inner().parse()?;
    let row = state
        .db
        .write(move |conn| {
            let row = store::insert(conn, &draft)?;
            audit::record(
                conn,
                Actor::Caller(&caller),
                "create",
                "outlet",
                Some(row.id),
                None::<&()>,
                Some(&OutletView::from(&row)),
            )?;
            Ok(row)
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
    state: web::Data<AppState>,
    caller: Caller,
    filter: web::Query<OutletFilter>,
    page: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let page = page.parse()?;
    let q = crate::routes::search_text(filter.into_inner().q)?;
    let scope = caller.scope();
    let rows = state
        .db
        .read(move |conn| {
            Ok(store::list(
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
#[utoipa::path(get, path = "/v1/outlets/{id}", tag = "outlets", params(("id" = u64, Path)),
    responses((status = 200, body = OutletView), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let id = id(*path)?;
    let scope = caller.scope();
    let row = state
        .db
        .read(move |conn| Ok(store::find(conn, id, scope)?))
        .await?;
    Ok(HttpResponse::Ok().json(OutletView::from(&row)))
}

/// Changes an outlet; `null` clears an optional field.
#[utoipa::path(patch, path = "/v1/outlets/{id}", tag = "outlets", params(("id" = u64, Path)), request_body = OutletPatch,
    responses((status = 200, body = OutletView), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<u64>,
    body: crate::json::Json<OutletPatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let id = id(*path)?;
    let patch = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let before = store::find(conn, id, Scope::All)?;
            let draft = patch.apply(&before)?;
            let after = store::update(conn, id, &draft)?;
            audit::record(
                conn,
                Actor::Caller(&caller),
                "update",
                "outlet",
                Some(id),
                Some(&OutletView::from(&before)),
                Some(&OutletView::from(&after)),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(OutletView::from(&row)))
}

/// Deletes an outlet (softly: an admin can restore it). Refused while licenses or articles refer to it.
#[utoipa::path(delete, path = "/v1/outlets/{id}", tag = "outlets", params(("id" = u64, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
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
            let (license_count, article_count) = store::references(conn, id)?;
            if license_count + article_count > 0 {
                return Err(ApiError::Conflict(format!(
                    "outlet {id} is still referred to by {license_count} license(s) and {article_count} article(s)"
                )));
            }
            store::set_deleted(conn, id, Some(crate::types::now()))?;
            audit::record(conn, Actor::Caller(&caller), "delete", "outlet", Some(id), Some(&OutletView::from(&before)), None::<&()>)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restores a deleted outlet (admin).
#[utoipa::path(post, path = "/v1/outlets/{id}/restore", tag = "outlets", params(("id" = u64, Path)),
    responses((status = 200, body = OutletView), (status = 404, body = crate::error::Problem)),
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
            store::find_any(conn, id)?;
            store::set_deleted(conn, id, None)?;
            let after = store::find(conn, id, Scope::All)?;
            audit::record(
                conn,
                Actor::Caller(&caller),
                "restore",
                "outlet",
                Some(id),
                None::<&()>,
                Some(&OutletView::from(&after)),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(OutletView::from(&row)))
}
