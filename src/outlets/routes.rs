//! `/v1/outlets`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::Outlets;
use super::{service, store};
use super::{NewOutletRequest, OutletPatch, OutletView};
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
#[utoipa::path(post, path = "/v1/outlets", operation_id = "createOutlet", tag = "outlets", request_body = NewOutletRequest,
    responses((status = 201, body = OutletView), (status = 409, description = "Another outlet has this name", body = crate::http::problem::Problem),
              (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    db: web::Data<Db>,
    caller: Caller,
    body: crate::http::json::Json<NewOutletRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let draft = body.into_inner().parse()?;
    let actor = caller.actor();
    let row = db
        .write(move |conn| service::create(conn, &actor, &draft))
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
#[utoipa::path(get, path = "/v1/outlets", operation_id = "listOutlets", tag = "outlets", params(OutletFilter, PageParams),
    responses((status = 200, body = Paged<OutletView>)), security(("bearer" = [])))]
pub async fn list(
    db: web::Data<Db>,
    caller: Caller,
    filter: crate::http::query::Query<OutletFilter>,
    page: crate::http::query::Query<PageParams>,
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
#[utoipa::path(get, path = "/v1/outlets/{id}", operation_id = "readOutlet", tag = "outlets", params(RecordId),
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
#[utoipa::path(patch, path = "/v1/outlets/{id}", operation_id = "updateOutlet", tag = "outlets", params(RecordId), request_body = OutletPatch,
    responses((status = 200, body = OutletView), (status = 404, body = crate::http::problem::Problem),
              (status = 409, description = "Another outlet has this name", body = crate::http::problem::Problem),
              (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn update(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
    body: crate::http::json::Json<OutletPatch>,
) -> Result<HttpResponse, ApiError> {
    let id = id.get();
    let patch = body.into_inner();
    match caller.scope() {
        // A partner keeps its own outlet's contacts up to date, and nothing else.
        Scope::Outlet(own) if own == id => {
            let only_contacts = patch.name.is_none()
                && patch.website.is_none()
                && patch.country.is_none()
                && patch.notes.is_none()
                && patch.active.is_none()
                && patch.account_manager_user_id.is_none();
            if !only_contacts {
                return Err(ApiError::Forbidden(
                    "a partner may change only its outlet's contact_emails and contacts".into(),
                ));
            }
        }
        _ => caller.require(Permission::WriteRecords)?,
    }
    let actor = caller.actor();
    let row = db
        .write(move |conn| service::update(conn, &actor, id, patch))
        .await?;
    Ok(HttpResponse::Ok().json(OutletView::from(&row)))
}

/// Deletes an outlet (softly: an admin can restore it). Refused while licenses or articles refer to it.
#[utoipa::path(delete, path = "/v1/outlets/{id}", operation_id = "removeOutlet", tag = "outlets", params(RecordId),
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
#[utoipa::path(post, path = "/v1/outlets/{id}/restore", operation_id = "restoreOutlet", tag = "outlets", params(RecordId),
    responses((status = 200, body = OutletView), (status = 404, body = crate::http::problem::Problem),
              (status = 409, description = "The outlet is not deleted", body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn restore(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    crate::auth::records::restore::<Outlets>(&db, caller, id).await
}
