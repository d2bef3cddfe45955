//! `GET /v1/audit` (admin).

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::AuditRow;
use crate::auth::{Caller, Permission};
use crate::db::Db;
use crate::http::pagination::{PageParams, Paged};
use crate::http::problem::ApiError;
use crate::http::route_table::{at, RouteTable};

/// The endpoints of this feature.
pub fn configure(t: &mut RouteTable<'_>) {
    t.mount(at("/v1/audit").get(list_audit));
}

/// The kinds of record the audit log names.
pub const ENTITIES: &[&str] = &["outlet", "article", "license", "reprint", "user", "api_key"];

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditFilter {
    /// outlet, article, license, reprint, user, api_key
    #[param(pattern = "^(outlet|article|license|reprint|user|api_key)$")]
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
    pub created_at: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(row: AuditRow) -> Self {
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        AuditEntry {
            id: row.id,
            actor_user_id: row.actor_user_id,
            actor: row.actor,
            action: row.action,
            entity: row.entity,
            entity_id: row.entity_id,
            before: parse(row.before_json),
            after: parse(row.after_json),
            request_id: row.request_id,
            created_at: crate::types::rfc3339(&row.created_at),
        }
    }
}

/// The audit log, oldest first.
#[utoipa::path(get, path = "/v1/audit", operation_id = "listAudit", tag = "audit", params(AuditFilter, PageParams),
    responses((status = 200, body = Paged<AuditEntry>), (status = 403, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn list_audit(
    db: web::Data<Db>,
    caller: Caller,
    filter: crate::http::query::Query<AuditFilter>,
    page: crate::http::query::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Administer)?;
    let page = page.parse()?;
    let filter = filter.into_inner();
    if let Some(entity) = filter.entity.as_deref() {
        if !ENTITIES.contains(&entity) {
            return Err(ApiError::BadRequest(format!(
                "entity must be one of: {}",
                ENTITIES.join(", ")
            )));
        }
    }
    let rows = db
        .read(move |conn| {
            Ok::<_, ApiError>(super::list(
                conn,
                filter.entity.as_deref(),
                filter.entity_id,
                page.after_id,
                page.limit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::new(rows, page, |r| r.id, AuditEntry::from)))
}
