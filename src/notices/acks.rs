//! Acknowledging a notice ("renewal in progress"): no further lead notices for its license before
//! a date. Stored in `notice_acknowledgements`; planning and sending read them
//! (`context::snoozed_until`), so a snooze holds across instances and restarts.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::store::NoticeRow;
use super::{context, NoticeStatus};
use crate::audit::{self, Action, Actor, Change, Entity};
use crate::db::schema::{licenses, notice_acknowledgements, notices};
use crate::db::{last_insert_id, DbConnection, StoreError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notice_acknowledgements)]
pub struct AckRow {
    pub id: i64,
    pub notice_id: i64,
    pub license_id: i64,
    pub until: NaiveDate,
    pub note: Option<String>,
    pub by_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// An acknowledgement as answers show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AckView {
    pub id: i64,
    pub notice_id: i64,
    pub license_id: i64,
    /// No lead notices for the license before this day
    pub until: NaiveDate,
    pub note: Option<String>,
    pub by_user_id: Option<i64>,
    pub created_at: String,
}

impl From<&AckRow> for AckView {
    fn from(a: &AckRow) -> Self {
        AckView {
            id: a.id,
            notice_id: a.notice_id,
            license_id: a.license_id,
            until: a.until,
            note: a.note.clone(),
            by_user_id: a.by_user_id,
            created_at: crate::types::rfc3339(&a.created_at),
        }
    }
}

/// One notice, visible to the caller (`licensee`: a partner's own licenses only).
pub fn find_notice(
    conn: &mut DbConnection,
    id: i64,
    licensee: Option<i64>,
) -> Result<NoticeRow, StoreError> {
    let row: NoticeRow = notices::table
        .find(id)
        .select(NoticeRow::as_select())
        .first(conn)?;
    if let Some(own) = licensee {
        let owner: i64 = licenses::table
            .find(row.license_id)
            .select(licenses::licensee_outlet_id)
            .first(conn)?;
        if owner != own {
            return Err(StoreError::NotFound);
        }
    }
    Ok(row)
}

/// Acknowledges notice `id` until `until`: records it, audits it, and suppresses the license's
/// lead notices still waiting whose day falls before `until`. One transaction (the caller's
/// `Db::write`).
#[tracing::instrument(skip(conn, actor, note))]
pub fn acknowledge(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    licensee: Option<i64>,
    until: NaiveDate,
    note: Option<String>,
) -> Result<AckRow, StoreError> {
    let notice = find_notice(conn, id, licensee)?;
    let now = crate::types::now();
    diesel::insert_into(notice_acknowledgements::table)
        .values((
            notice_acknowledgements::notice_id.eq(notice.id),
            notice_acknowledgements::license_id.eq(notice.license_id),
            notice_acknowledgements::until.eq(until),
            notice_acknowledgements::note.eq(note.as_deref()),
            notice_acknowledgements::by_user_id.eq(actor.user_id),
            notice_acknowledgements::created_at.eq(now),
        ))
        .execute(conn)?;
    let ack_id = last_insert_id(conn)?;
    let waiting: Vec<NoticeRow> = notices::table
        .filter(notices::license_id.eq(notice.license_id))
        .filter(notices::status.eq_any([
            NoticeStatus::Pending.as_str(),
            NoticeStatus::Failed.as_str(),
        ]))
        .filter(
            notices::lease_until
                .is_null()
                .or(notices::lease_until.lt(now)),
        )
        .select(NoticeRow::as_select())
        .load(conn)?;
    for waiting in waiting {
        let days = waiting.lead.strip_suffix('d').and_then(|d| d.parse().ok());
        if let Some(days) = days {
            if context::snoozed(waiting.expires_on, days, Some(until)) {
                diesel::update(notices::table.find(waiting.id))
                    .set((
                        notices::status.eq(NoticeStatus::Suppressed.as_str()),
                        notices::last_error
                            .eq(format!("acknowledged: no lead notices before {until}")),
                        notices::next_attempt_at.eq(None::<NaiveDateTime>),
                        notices::updated_at.eq(now),
                    ))
                    .execute(conn)?;
            }
        }
    }
    let row: AckRow = notice_acknowledgements::table
        .find(ack_id)
        .select(AckRow::as_select())
        .first(conn)?;
    audit::record(
        conn,
        Change::made(
            actor,
            Action::Create,
            Entity::Notice,
            notice.id,
            &AckView::from(&row),
        ),
    )?;
    Ok(row)
}

/// Every notice of a license, oldest first, and every acknowledgement of it.
pub fn history(
    conn: &mut DbConnection,
    license_id: i64,
) -> Result<(Vec<NoticeRow>, Vec<AckRow>), StoreError> {
    let notices = notices::table
        .filter(notices::license_id.eq(license_id))
        .order(notices::id.asc())
        .select(NoticeRow::as_select())
        .load(conn)?;
    let acks = notice_acknowledgements::table
        .filter(notice_acknowledgements::license_id.eq(license_id))
        .order(notice_acknowledgements::id.asc())
        .select(AckRow::as_select())
        .load(conn)?;
    Ok((notices, acks))
}
