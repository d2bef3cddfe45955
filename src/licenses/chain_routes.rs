//! `GET /v1/licenses/{id}/chain`, and the answer of revoke and suspend with the licenses they
//! affect downstream.

use actix_web::{web, HttpResponse};

use serde::Serialize;

use super::rules::chain::MAX_LINKS;
use super::service;
use super::store::{self, LicenseRow};
use super::LicenseView;
use crate::auth::{Caller, Permission, Scope};
use crate::db::Db;
use crate::db::DbConnection;
use crate::http::etag::with_etag;
use crate::http::problem::ApiError;
use crate::http::route_table::{at, RouteTable};
use crate::http::RecordId;

/// The endpoints of this file.
pub fn configure(t: &mut RouteTable<'_>) {
    t.mount(at("/v1/licenses/{id}/chain").get(chain_of));
}

/// The links of a license's rights chain, from the rights holder's grant down to it.
#[utoipa::path(get, path = "/v1/licenses/{id}/chain", tag = "licenses", operation_id = "readLicenseChain", params(RecordId),
    responses((status = 200, body = ChainAnswer), (status = 404, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn chain_of(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let id = id.get();
    let scope = caller.scope();
    let answer = db.read(move |conn| chain(conn, id, scope)).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// The links of a license's chain, from the rights holder's grant down to it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChainAnswer {
    pub license_id: i64,
    /// The outlet at the top of the chain (the grantor of the first link)
    pub rights_holder_outlet_id: i64,
    /// From the rights holder's grant down to this license
    pub links: Vec<LicenseView>,
}

/// The chain of license `id`, as the scope may see it: a partner sees its own license and what
/// it rests on, without the fees and notes of the licenses above it.
pub fn chain(conn: &mut DbConnection, id: i64, scope: Scope) -> Result<ChainAnswer, ApiError> {
    let license = store::find(conn, id, scope)?;
    let mut rows = store::ancestors(conn, id, MAX_LINKS)?;
    rows.reverse();
    rows.push(license);
    let mut links = service::views(conn, &rows)?;
    if let Scope::Outlet(own) = scope {
        for link in links.iter_mut().filter(|l| l.licensee_outlet_id != own) {
            link.fee_cents = None;
            link.currency = None;
            link.notes = None;
        }
    }
    Ok(ChainAnswer {
        license_id: id,
        rights_holder_outlet_id: rows.first().map_or(0, |l| l.grantor_outlet_id),
        links,
    })
}

/// A license after revoke, suspend or resume, with `affected_license_ids` (none on resume).
pub async fn status_answer(
    db: &Db,
    row: LicenseRow,
    affected: Vec<i64>,
) -> Result<HttpResponse, ApiError> {
    let version = row.version;
    let resumed = row.status == super::rules::LicenseStatus::Active.as_str();
    let mut view = db
        .read(move |conn| Ok::<_, ApiError>(service::views(conn, std::slice::from_ref(&row))?))
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    if !resumed {
        view.affected_license_ids = Some(affected);
    }
    Ok(with_etag(HttpResponse::Ok().json(view), version))
}
