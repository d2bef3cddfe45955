//! Soft delete and restore, one path for every kind of record: find, guard, set (only when the
//! record is in the state the change expects), audit. Restoring a record that is not deleted is a
//! 409 and writes nothing.

use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde::Serialize;

use super::{record, Actor, Change, Entity};
use crate::db::DbConnection;
use crate::http::ApiError;

/// A kind of record that is deleted softly (its store's side of delete and restore).
pub trait SoftDelete {
    /// The name in the audit log.
    const ENTITY: Entity;
    /// The stored row.
    type Row;
    /// The public view written to the audit log.
    type View: Serialize + for<'a> From<&'a Self::Row>;

    /// The row, deleted or not.
    fn find_any(conn: &mut DbConnection, id: i64) -> QueryResult<Self::Row>;

    /// Whether the row is deleted now.
    fn is_deleted(row: &Self::Row) -> bool;

    /// Sets `deleted_at` only where it is null (`Some`) or not null (`None`); answers the rows
    /// changed, so 0 means someone else got there first.
    fn set_deleted(
        conn: &mut DbConnection,
        id: i64,
        deleted_at: Option<NaiveDateTime>,
    ) -> QueryResult<usize>;

    /// The version the answer's ETag names, for versioned records.
    fn version(_row: &Self::Row) -> Option<i32> {
        None
    }

    /// Refuses a delete (records still referring to this one). Allows by default.
    fn guard_delete(_conn: &mut DbConnection, _row: &Self::Row) -> Result<(), ApiError> {
        Ok(())
    }

    /// Refuses a restore (terms that would now overlap). Allows by default.
    fn guard_restore(_conn: &mut DbConnection, _row: &Self::Row) -> Result<(), ApiError> {
        Ok(())
    }
}

/// Deletes a live record: 404 when there is none (or it is deleted already), the guard's answer
/// when it refuses, else deleted and audited.
pub fn delete<T: SoftDelete>(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
) -> Result<(), ApiError> {
    let before = T::find_any(conn, id)?;
    if T::is_deleted(&before) {
        return Err(ApiError::NotFound);
    }
    T::guard_delete(conn, &before)?;
    if T::set_deleted(conn, id, Some(crate::types::now()))? == 0 {
        return Err(ApiError::NotFound);
    }
    record(
        conn,
        Change::deleted(actor, T::ENTITY, id, &T::View::from(&before)),
    )?;
    Ok(())
}

/// Restores a deleted record: 404 when there is none, 409 when it is not deleted or the guard
/// refuses, else restored, audited, and answered.
pub fn restore<T: SoftDelete>(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
) -> Result<T::Row, ApiError> {
    let row = T::find_any(conn, id)?;
    if !T::is_deleted(&row) {
        return Err(ApiError::Conflict(format!(
            "{} {id} is not deleted; there is nothing to restore",
            T::ENTITY.as_str()
        )));
    }
    T::guard_restore(conn, &row)?;
    if T::set_deleted(conn, id, None)? == 0 {
        return Err(ApiError::Conflict(format!(
            "{} {id} was restored meanwhile",
            T::ENTITY.as_str()
        )));
    }
    let after = T::find_any(conn, id)?;
    record(
        conn,
        Change::restored(actor, T::ENTITY, id, &T::View::from(&after)),
    )?;
    Ok(after)
}

/// The store side of [`SoftDelete`] for a feature whose `store` module has `find_any` and
/// `set_deleted` and whose row has `deleted_at`: write it inside the `impl`.
#[macro_export]
macro_rules! soft_delete_through_store {
    ($store:path) => {
        fn find_any(
            conn: &mut $crate::db::DbConnection,
            id: i64,
        ) -> diesel::QueryResult<Self::Row> {
            use $store as store;
            store::find_any(conn, id)
        }

        fn is_deleted(row: &Self::Row) -> bool {
            row.deleted_at.is_some()
        }

        fn set_deleted(
            conn: &mut $crate::db::DbConnection,
            id: i64,
            deleted_at: Option<chrono::NaiveDateTime>,
        ) -> diesel::QueryResult<usize> {
            use $store as store;
            store::set_deleted(conn, id, deleted_at)
        }
    };
}
