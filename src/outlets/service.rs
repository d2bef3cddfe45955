//! Outlet writes: names are unique among live outlets (ignoring case), and every change is
//! audited in the same transaction.

use super::store::{self, OutletRow};
use super::{OutletDraft, OutletPatch, OutletView};
use crate::audit::{record, Action, Actor, Change, Entity};
use crate::auth::Scope;
use crate::db::DbConnection;
use crate::http::problem::ApiError;

/// Refuses a name another live outlet already has (ignoring case), naming that outlet.
fn check_name(conn: &mut DbConnection, name: &str, except: Option<i64>) -> Result<(), ApiError> {
    if let Some(existing) = store::find_by_name(conn, name, except)? {
        return Err(ApiError::Conflict(format!(
            "outlet {} is already called '{}' (/v1/outlets/{}); use it, or tell the two apart by name",
            existing.id, existing.name, existing.id
        )));
    }
    Ok(())
}

/// Creates an outlet.
#[tracing::instrument(skip(conn, actor, draft), fields(name = %draft.name))]
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    draft: &OutletDraft,
) -> Result<OutletRow, ApiError> {
    check_name(conn, &draft.name, None)?;
    check_manager(conn, draft.account_manager_user_id)?;
    let row = store::insert(conn, draft)?;
    record(
        conn,
        Change::created(actor, Entity::Outlet, row.id, &OutletView::from(&row)),
    )?;
    Ok(row)
}

/// Changes an outlet.
#[tracing::instrument(skip(conn, actor, patch))]
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    patch: OutletPatch,
) -> Result<OutletRow, ApiError> {
    let before = store::find(conn, id, Scope::All)?;
    let renamed = patch.name.is_some();
    let draft = patch.apply(&before)?;
    if renamed {
        check_name(conn, &draft.name, Some(id))?;
    }
    check_manager(conn, draft.account_manager_user_id)?;
    let after = store::update(conn, id, &draft)?;
    record(
        conn,
        Change::changed(
            actor,
            Action::Update,
            Entity::Outlet,
            id,
            &OutletView::from(&before),
            &OutletView::from(&after),
        ),
    )?;
    Ok(after)
}

/// An account manager must be an active staff user: otherwise a 422 naming the field.
fn check_manager(conn: &mut DbConnection, id: Option<i64>) -> Result<(), ApiError> {
    match id {
        Some(id) if !store::is_staff_user(conn, id)? => Err(ApiError::validation(
            "account_manager_user_id",
            format!("there is no active staff user {id}"),
        )),
        _ => Ok(()),
    }
}
