//! The audit log: who changed what, when, with the record before and after. Every write goes
//! through [`record`] inside the same transaction as the change itself.

pub mod routes;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::auth::Caller;
use crate::db::DbConnection;
use crate::schema::audit_log;

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
struct NewAuditRow<'a> {
    actor_user_id: Option<i64>,
    actor: &'a str,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<i64>,
    before_json: Option<String>,
    after_json: Option<String>,
    request_id: Option<&'a str>,
    created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub request_id: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Who acted: a caller of the API, or the system itself (start-up, the command line).
pub enum Actor<'a> {
    Caller(&'a Caller),
    System(&'a str),
}

/// Writes one audit entry. `before`/`after` are the public views of the record (no secrets).
pub fn record<B: Serialize, A: Serialize>(
    conn: &mut DbConnection,
    actor: Actor<'_>,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    before: Option<&B>,
    after: Option<&A>,
) -> QueryResult<()> {
    let (actor_user_id, actor_label, request_id) = match &actor {
        Actor::Caller(c) => (Some(c.user_id), c.actor(), c.request_id.as_deref()),
        Actor::System(label) => (None, format!("system:{label}"), None),
    };
    let row = NewAuditRow {
        actor_user_id,
        actor: &actor_label,
        action,
        entity,
        entity_id,
        before_json: before.and_then(|b| serde_json::to_string(b).ok()),
        after_json: after.and_then(|a| serde_json::to_string(a).ok()),
        request_id,
        created_at: crate::types::now(),
    };
    diesel::insert_into(audit_log::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// Audit entries, oldest first, optionally for one entity (and one record of it).
pub fn list(
    conn: &mut DbConnection,
    entity: Option<&str>,
    entity_id: Option<i64>,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit_log::table
        .filter(audit_log::id.gt(after_id))
        .order(audit_log::id.asc())
        .limit(limit)
        .select(AuditRow::as_select())
        .into_boxed();
    if let Some(entity) = entity {
        query = query.filter(audit_log::entity.eq(entity.to_string()));
    }
    if let Some(id) = entity_id {
        query = query.filter(audit_log::entity_id.eq(id));
    }
    query.load(conn)
}
