//! The audit log: who changed what, when, with the record before and after. Every write goes
//! through [`record`] inside the same transaction as the change itself. The bottom feature: every
//! other feature may use it; it uses none.

pub mod routes;
pub mod soft_delete;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::audit_log;
use crate::db::DbConnection;

// An absent value bound as NULL: one SQL shape, one prepared statement found by type.
#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
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

/// Who acted: a user (with the API key and request it came with) or the system itself
/// (start-up, the command line, the notice worker).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    /// `user:3`, `user:3 key:7` or `system:bootstrap`.
    pub label: String,
    pub request_id: Option<String>,
}

impl Actor {
    /// The system itself, named by what it was doing.
    pub fn system(what: &str) -> Actor {
        Actor {
            user_id: None,
            label: format!("system:{what}"),
            request_id: None,
        }
    }
}

/// What was done to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
    Restore,
    Import,
    Ingest,
    Renew,
    Revoke,
    Suspend,
    Resume,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Restore => "restore",
            Action::Import => "import",
            Action::Ingest => "ingest",
            Action::Renew => "renew",
            Action::Revoke => "revoke",
            Action::Suspend => "suspend",
            Action::Resume => "resume",
        }
    }
}

/// The kinds of record the audit log names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Outlet,
    Article,
    License,
    Reprint,
    User,
    ApiKey,
    Notice,
}

impl Entity {
    pub const ALL: [Entity; 7] = [
        Entity::Outlet,
        Entity::Article,
        Entity::License,
        Entity::Reprint,
        Entity::User,
        Entity::ApiKey,
        Entity::Notice,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Outlet => "outlet",
            Entity::Article => "article",
            Entity::License => "license",
            Entity::Reprint => "reprint",
            Entity::User => "user",
            Entity::ApiKey => "api_key",
            Entity::Notice => "notice",
        }
    }
}

/// One audit entry to write: who did what to which record, with its public view before and
/// after (no secrets).
#[derive(Debug)]
pub struct Change<'a> {
    pub actor: &'a Actor,
    pub action: Action,
    pub entity: Entity,
    pub id: Option<i64>,
    /// The public view before, as JSON text.
    pub before: Option<String>,
    /// The public view after, as JSON text.
    pub after: Option<String>,
}

/// The view as JSON text, written straight from it (no `serde_json::Value` in between).
fn json_of(value: &impl Serialize) -> Option<String> {
    serde_json::to_string(value).ok()
}

impl<'a> Change<'a> {
    /// A record came into being.
    pub fn created(actor: &'a Actor, entity: Entity, id: i64, after: &impl Serialize) -> Self {
        Change::made(actor, Action::Create, entity, id, after)
    }

    /// A record came into being by another way than a plain create (import, ingest).
    pub fn made(
        actor: &'a Actor,
        action: Action,
        entity: Entity,
        id: i64,
        after: &impl Serialize,
    ) -> Self {
        Change {
            actor,
            action,
            entity,
            id: Some(id),
            before: None,
            after: json_of(after),
        }
    }

    /// A record changed (update, renew, revoke, ...).
    pub fn changed(
        actor: &'a Actor,
        action: Action,
        entity: Entity,
        id: i64,
        before: &impl Serialize,
        after: &impl Serialize,
    ) -> Self {
        Change {
            actor,
            action,
            entity,
            id: Some(id),
            before: json_of(before),
            after: json_of(after),
        }
    }

    /// A record was deleted (softly).
    pub fn deleted(actor: &'a Actor, entity: Entity, id: i64, before: &impl Serialize) -> Self {
        Change {
            actor,
            action: Action::Delete,
            entity,
            id: Some(id),
            before: json_of(before),
            after: None,
        }
    }

    /// A deleted record was restored.
    pub fn restored(actor: &'a Actor, entity: Entity, id: i64, after: &impl Serialize) -> Self {
        Change {
            actor,
            action: Action::Restore,
            entity,
            id: Some(id),
            before: None,
            after: json_of(after),
        }
    }
}

/// Writes one audit entry, inside the transaction of the change itself.
pub fn record(conn: &mut DbConnection, change: Change<'_>) -> QueryResult<()> {
    let row = NewAuditRow {
        actor_user_id: change.actor.user_id,
        actor: &change.actor.label,
        action: change.action.as_str(),
        entity: change.entity.as_str(),
        entity_id: change.id,
        before_json: change.before,
        after_json: change.after,
        request_id: change.actor.request_id.as_deref(),
        created_at: crate::types::now(),
    };
    // On the backend's own connection, whose prepared statement is kept (every write audits).
    crate::on_backend!(conn, |c| diesel::insert_into(audit_log::table)
        .values(&row)
        .execute(c))?;
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

/// The latest `limit` audit entries, newest first.
pub fn recent(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<AuditRow>> {
    audit_log::table
        .order(audit_log::id.desc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)
}
