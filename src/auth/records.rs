//! The delete and restore endpoints of every softly deleted kind of record, once: staff delete,
//! admins restore; the answers are the same for all (204; 200 with the record and its ETag).

use actix_web::HttpResponse;
use serde::Serialize;

use super::{Caller, Permission};
use crate::audit::soft_delete::{self, SoftDelete};
use crate::db::Db;
use crate::http::{ApiError, RecordId};

/// `DELETE /v1/<records>/{id}`.
pub async fn remove<T>(db: &Db, caller: Caller, id: RecordId) -> Result<HttpResponse, ApiError>
where
    T: SoftDelete,
    T::Row: Send + 'static,
{
    caller.require(Permission::WriteRecords)?;
    let actor = caller.actor();
    db.write(move |conn| soft_delete::delete::<T>(conn, &actor, id.get()))
        .await?;
    Ok(crate::http::soft_delete::deleted())
}

/// `POST /v1/<records>/{id}/restore`.
pub async fn restore<T>(db: &Db, caller: Caller, id: RecordId) -> Result<HttpResponse, ApiError>
where
    T: SoftDelete,
    T::Row: Send + 'static,
    T::View: Serialize,
{
    caller.require(Permission::Administer)?;
    let actor = caller.actor();
    let row = db
        .write(move |conn| soft_delete::restore::<T>(conn, &actor, id.get()))
        .await?;
    Ok(crate::http::soft_delete::restored(
        &T::View::from(&row),
        T::version(&row),
    ))
}
