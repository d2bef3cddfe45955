//! What a publishing site states about text and data mining (W3C TDMRep):
//! `GET /.well-known/tdmrep.json?outlet_id=` (public) and `GET /v1/articles/{id}/tdm`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::data_mining::{tdm_answer, TdmAnswer};
use super::store;
use crate::auth::{Caller, Permission};
use crate::db::Db;
use crate::http::fields::Fields;
use crate::http::problem::ApiError;
use crate::http::route_table::{at, RouteTable};
use crate::http::RecordId;

/// The endpoints of this file.
pub fn configure(t: &mut RouteTable<'_>) {
    t.mount(at("/.well-known/tdmrep.json").get(tdmrep));
    t.mount(at("/v1/articles/{id}/tdm").get(tdm));
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct TdmRepQuery {
    /// The outlet whose article URLs to state the reservation for
    #[param(value_type = i64, minimum = 1)]
    pub outlet_id: Option<String>,
}

/// One TDMRep rule: a URL pattern and whether mining rights are reserved there.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TdmRepEntry {
    pub location: String,
    #[serde(rename = "tdm-reservation")]
    pub tdm_reservation: u8,
    #[serde(rename = "tdm-policy", skip_serializing_if = "Option::is_none")]
    pub tdm_policy: Option<String>,
}

/// W3C TDMRep well-known file for one outlet's article URLs. Public.
#[utoipa::path(get, path = "/.well-known/tdmrep.json", tag = "articles", operation_id = "readTdmRep", params(TdmRepQuery),
    responses((status = 200, body = Vec<TdmRepEntry>), (status = 400, body = crate::http::problem::Problem),
              (status = 404, body = crate::http::problem::Problem)))]
pub async fn tdmrep(
    db: web::Data<Db>,
    query: crate::http::query::Query<TdmRepQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let mut f = Fields::new();
    let outlet = match q.outlet_id.as_deref().map(|r| r.trim().parse::<i64>()) {
        Some(Ok(id)) if id > 0 => id,
        Some(_) => {
            f.error("outlet_id", "must be a positive integer id");
            0
        }
        None => {
            f.error("outlet_id", "is required");
            0
        }
    };
    f.finish(()).map_err(crate::http::query_problem)?;
    let rows = db
        .read(move |conn| {
            if !crate::outlets::store::exists(conn, outlet)? {
                return Err(ApiError::NotFound);
            }
            Ok(store::tdm_rows(conn, outlet)?)
        })
        .await?;
    let entries: Vec<TdmRepEntry> = rows
        .iter()
        .filter_map(|r| {
            Some(TdmRepEntry {
                location: r.url.clone()?,
                tdm_reservation: r.data_mining().tdm_reservation(),
                tdm_policy: r.tdm_policy_url.clone(),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(entries))
}

/// What the site publishing an article should send: TDMRep headers and HTML meta elements.
#[utoipa::path(get, path = "/v1/articles/{id}/tdm", tag = "articles", operation_id = "readArticleTdm", params(RecordId),
    responses((status = 200, body = TdmAnswer), (status = 404, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn tdm(
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
    Ok(HttpResponse::Ok().json(tdm_answer(
        row.id,
        row.data_mining(),
        row.tdm_policy_url.as_deref(),
    )))
}
