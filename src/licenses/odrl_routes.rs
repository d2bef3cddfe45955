//! `POST /v1/licenses/odrl`: a license granted from an ODRL 2.2 / RightsML `Agreement`.

use actix_web::{web, HttpResponse};

use super::odrl;
use super::routes::OdrlPolicy;
use super::service;
use crate::auth::{Caller, Permission};
use crate::db::Db;
use crate::http::problem::ApiError;
use crate::http::route_table::{at, RouteTable};
use crate::licenses::LicenseView;

/// The endpoint of this file: `POST /v1/licenses/odrl`. The route table mounts it before
/// `/v1/licenses/{id}`, whose pattern would otherwise take the path.
pub fn configure(t: &mut RouteTable<'_>) {
    t.mount(at("/v1/licenses/odrl").post(import_odrl));
}

/// Grants a license described as an ODRL 2.2 / RightsML `Agreement`, in the form
/// `GET /v1/licenses/{id}/odrl` exports. 422 names every construct that has no equivalent in
/// rightsdesk; 409 when it would overlap an exclusive license to another outlet.
#[utoipa::path(post, path = "/v1/licenses/odrl", operation_id = "importLicenseOdrl", tag = "licenses",
    request_body(content = OdrlPolicy, content_type = "application/ld+json"),
    responses((status = 201, body = LicenseView), (status = 409, body = crate::http::problem::Problem),
              (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn import_odrl(
    db: web::Data<Db>,
    caller: Caller,
    body: crate::http::json::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let draft = odrl::import(&body)?.parse()?;
    let actor = caller.actor();
    let row = db
        .write(move |conn| service::grant(conn, &actor, draft))
        .await?;
    super::routes::answer(&db, row, true).await
}
