//! The notice outbox in the database. Planning inserts rows that do not exist yet (unique on
//! license, kind, lead, recipient and end date); claiming takes due rows under a lease so that two
//! instances never take the same one. The two places where SQL differs by backend are here.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::NoticeStatus;
use crate::db::schema::{licenses, notices};
use crate::db::DbConnection;
use crate::licenses::rules::LicenseStatus;

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = notices)]
pub struct NoticeRow {
    pub id: i64,
    pub license_id: i64,
    pub kind: String,
    pub recipient: String,
    pub lead: String,
    pub expires_on: NaiveDate,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub claimed_by: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub message_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = notices)]
pub struct NewNotice {
    pub license_id: i64,
    pub kind: String,
    pub recipient: String,
    pub lead: String,
    pub expires_on: NaiveDate,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What planning needs of a license (a narrow row: planning reads thousands of them).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = licenses)]
pub struct PlanLicense {
    pub id: i64,
    pub licensee_outlet_id: i64,
    pub actions: String,
    pub valid_until: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
    pub notice_leads: Option<String>,
}

/// Inserts the notices that do not exist yet; answers how many were new.
pub fn insert_new(conn: &mut DbConnection, rows: &[NewNotice]) -> QueryResult<usize> {
    let mut inserted = 0;
    for chunk in rows.chunks(500) {
        inserted += match conn {
            // SQLite takes no multi-row INSERT with ON CONFLICT through diesel: one row at a time,
            // inside the caller's transaction.
            DbConnection::Sqlite(c) => {
                let mut n = 0;
                for row in chunk {
                    n += diesel::insert_into(notices::table)
                        .values(row)
                        .on_conflict_do_nothing()
                        .execute(c)?;
                }
                n
            }
            DbConnection::Postgres(c) => diesel::insert_into(notices::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(inserted)
}

/// Does this notice exist already (for a dry run)?
pub fn exists(conn: &mut DbConnection, n: &NewNotice) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        notices::table
            .filter(notices::license_id.eq(n.license_id))
            .filter(notices::kind.eq(&n.kind))
            .filter(notices::lead.eq(&n.lead))
            .filter(notices::recipient.eq(&n.recipient))
            .filter(notices::expires_on.eq(n.expires_on)),
    ))
    .get_result(conn)
}

/// Active licenses ending between `first` and `last` (inclusive): what a pass must look at,
/// through the index on `valid_until`, whatever the number of licenses not due.
pub fn ending_between(
    conn: &mut DbConnection,
    first: NaiveDate,
    last: NaiveDate,
) -> QueryResult<Vec<PlanLicense>> {
    licenses::table
        .filter(licenses::deleted_at.is_null())
        .filter(licenses::status.eq(LicenseStatus::Active.as_str()))
        .filter(licenses::valid_until.ge(first))
        .filter(licenses::valid_until.le(last))
        .select(PlanLicense::as_select())
        .load(conn)
}

/// Active licenses with their own lead times ending within a year of `today` (any lead is at
/// most 366 days); the caller keeps those whose leads reach today.
pub fn with_own_leads(conn: &mut DbConnection, today: NaiveDate) -> QueryResult<Vec<PlanLicense>> {
    let year = chrono::Duration::days(366);
    licenses::table
        .filter(licenses::deleted_at.is_null())
        .filter(licenses::status.eq(LicenseStatus::Active.as_str()))
        .filter(licenses::notice_leads.is_not_null())
        .filter(licenses::valid_until.ge(today - year))
        .filter(licenses::valid_until.le(today + year))
        .select(PlanLicense::as_select())
        .load(conn)
}

/// Some licenses by id, whatever their state.
pub fn plan_licenses(conn: &mut DbConnection, mut ids: Vec<i64>) -> QueryResult<Vec<PlanLicense>> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    licenses::table
        .filter(licenses::id.eq_any(ids))
        .filter(licenses::deleted_at.is_null())
        .select(PlanLicense::as_select())
        .load(conn)
}

/// Licenses revoked since `since` (a takedown may be due).
pub fn revoked_since(
    conn: &mut DbConnection,
    since: NaiveDateTime,
) -> QueryResult<Vec<PlanLicense>> {
    licenses::table
        .filter(licenses::deleted_at.is_null())
        .filter(licenses::status.eq(LicenseStatus::Revoked.as_str()))
        .filter(licenses::updated_at.ge(since))
        .select(PlanLicense::as_select())
        .load(conn)
}

const DUE: &str = "status IN ('pending', 'failed') \
    AND (next_attempt_at IS NULL OR next_attempt_at <= {now}) \
    AND (lease_until IS NULL OR lease_until < {now})";

/// Takes up to `limit` due notices for this pass (`token`) until `lease_until`. On PostgreSQL
/// rows another instance is claiming are skipped (`FOR UPDATE SKIP LOCKED`); on SQLite writers
/// take turns. An instance that dies loses its claim when the lease runs out.
pub fn claim(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<NoticeRow>> {
    match conn {
        DbConnection::Postgres(c) => {
            let sql = format!(
                "UPDATE notices SET claimed_by = $1, lease_until = $2 WHERE id IN \
                 (SELECT id FROM notices WHERE {} ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)",
                DUE.replace("{now}", "$3")
            );
            diesel::sql_query(sql)
                .bind::<Text, _>(token)
                .bind::<Timestamp, _>(lease_until)
                .bind::<Timestamp, _>(now)
                .bind::<BigInt, _>(limit)
                .execute(c)?;
        }
        DbConnection::Sqlite(c) => {
            let sql = format!(
                "UPDATE notices SET claimed_by = ?, lease_until = ? WHERE id IN \
                 (SELECT id FROM notices WHERE {} ORDER BY id LIMIT ?)",
                DUE.replace("{now}", "?")
            );
            diesel::sql_query(sql)
                .bind::<Text, _>(token)
                .bind::<Timestamp, _>(lease_until)
                .bind::<Timestamp, _>(now)
                .bind::<Timestamp, _>(now)
                .bind::<BigInt, _>(limit)
                .execute(c)?;
        }
    }
    notices::table
        .filter(notices::claimed_by.eq(token))
        .filter(notices::status.eq_any([
            NoticeStatus::Pending.as_str(),
            NoticeStatus::Failed.as_str(),
        ]))
        .order(notices::id.asc())
        .select(NoticeRow::as_select())
        .load(conn)
}

/// How many notices would be due now but are held by another pass's lease (a pass running
/// elsewhere, or one that died and whose lease has not run out yet).
pub fn held_by_lease(conn: &mut DbConnection, now: NaiveDateTime, token: &str) -> QueryResult<i64> {
    notices::table
        .filter(notices::status.eq_any([
            NoticeStatus::Pending.as_str(),
            NoticeStatus::Failed.as_str(),
        ]))
        .filter(
            notices::next_attempt_at
                .is_null()
                .or(notices::next_attempt_at.le(now)),
        )
        .filter(notices::lease_until.ge(now))
        .filter(notices::claimed_by.ne(token))
        .count()
        .get_result(conn)
}

/// Frees every claim on unsent notices. Only for a single instance at its start (SQLite): no
/// other pass can hold one then, so a claim left is one of a process that died.
pub fn release_claims(conn: &mut DbConnection) -> QueryResult<usize> {
    diesel::update(
        notices::table
            .filter(notices::status.eq_any([
                NoticeStatus::Pending.as_str(),
                NoticeStatus::Failed.as_str(),
            ]))
            .filter(notices::lease_until.is_not_null()),
    )
    .set((
        notices::claimed_by.eq(None::<String>),
        notices::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
}

/// Due notices, without claiming them (for a dry run).
pub fn due(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<NoticeRow>> {
    notices::table
        .filter(notices::status.eq_any([
            NoticeStatus::Pending.as_str(),
            NoticeStatus::Failed.as_str(),
        ]))
        .filter(
            notices::next_attempt_at
                .is_null()
                .or(notices::next_attempt_at.le(now)),
        )
        .filter(
            notices::lease_until
                .is_null()
                .or(notices::lease_until.lt(now)),
        )
        .order(notices::id.asc())
        .limit(limit)
        .select(NoticeRow::as_select())
        .load(conn)
}

/// The outcome of one send, for the notices of one email.
#[derive(Debug, Clone)]
pub enum Outcome {
    Sent {
        message_id: String,
    },
    Failed {
        error: String,
        next_attempt_at: NaiveDateTime,
    },
    Dead {
        error: String,
    },
    Suppressed {
        reason: String,
    },
}

/// Records an outcome, only for the notices this pass still holds.
pub fn record(
    conn: &mut DbConnection,
    ids: &[i64],
    token: &str,
    now: NaiveDateTime,
    outcome: &Outcome,
) -> QueryResult<usize> {
    let held = notices::table
        .filter(notices::id.eq_any(ids))
        .filter(notices::claimed_by.eq(token));
    match outcome {
        Outcome::Sent { message_id } => diesel::update(held)
            .set((
                notices::status.eq(NoticeStatus::Sent.as_str()),
                notices::attempts.eq(notices::attempts + 1),
                notices::sent_at.eq(now),
                notices::message_id.eq(message_id),
                notices::last_error.eq(None::<String>),
                notices::next_attempt_at.eq(None::<NaiveDateTime>),
                notices::updated_at.eq(now),
            ))
            .execute(conn),
        Outcome::Failed {
            error,
            next_attempt_at,
        } => diesel::update(held)
            .set((
                notices::status.eq(NoticeStatus::Failed.as_str()),
                notices::attempts.eq(notices::attempts + 1),
                notices::last_error.eq(error),
                notices::next_attempt_at.eq(next_attempt_at),
                notices::lease_until.eq(None::<NaiveDateTime>),
                notices::updated_at.eq(now),
            ))
            .execute(conn),
        Outcome::Dead { error } => diesel::update(held)
            .set((
                notices::status.eq(NoticeStatus::Dead.as_str()),
                notices::attempts.eq(notices::attempts + 1),
                notices::last_error.eq(error),
                notices::next_attempt_at.eq(None::<NaiveDateTime>),
                notices::updated_at.eq(now),
            ))
            .execute(conn),
        Outcome::Suppressed { reason } => diesel::update(held)
            .set((
                notices::status.eq(NoticeStatus::Suppressed.as_str()),
                notices::last_error.eq(reason),
                notices::next_attempt_at.eq(None::<NaiveDateTime>),
                notices::updated_at.eq(now),
            ))
            .execute(conn),
    }
}

#[derive(Debug, Default, Clone)]
pub struct NoticeFilter {
    pub status: Option<NoticeStatus>,
    pub license: Option<i64>,
}

/// Notices, oldest first; a partner's only for its own licenses.
pub fn list(
    conn: &mut DbConnection,
    licensee: Option<i64>,
    filter: &NoticeFilter,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<NoticeRow>> {
    let mut query = notices::table
        .filter(notices::id.gt(after_id))
        .order(notices::id.asc())
        .limit(limit)
        .select(NoticeRow::as_select())
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(notices::status.eq(status.as_str()));
    }
    if let Some(license) = filter.license {
        query = query.filter(notices::license_id.eq(license));
    }
    if let Some(outlet) = licensee {
        let own = licenses::table
            .filter(licenses::licensee_outlet_id.eq(outlet))
            .select(licenses::id);
        query = query.filter(notices::license_id.eq_any(own));
    }
    query.load(conn)
}

/// Backlog figures for /metrics.
pub struct Backlog {
    /// (status, count)
    pub counts: Vec<(String, i64)>,
    /// When the oldest notice still waiting to go out was planned.
    pub oldest_waiting: Option<NaiveDateTime>,
}

pub fn backlog(conn: &mut DbConnection) -> QueryResult<Backlog> {
    let counts = notices::table
        .group_by(notices::status)
        .select((notices::status, diesel::dsl::count_star()))
        .load(conn)?;
    let oldest = notices::table
        .filter(notices::status.eq_any([
            NoticeStatus::Pending.as_str(),
            NoticeStatus::Failed.as_str(),
        ]))
        .select(diesel::dsl::min(notices::created_at))
        .first(conn)?;
    Ok(Backlog {
        counts,
        oldest_waiting: oldest,
    })
}

/// One notice.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<NoticeRow> {
    notices::table
        .find(id)
        .select(NoticeRow::as_select())
        .first(conn)
}

/// Makes a failed or given-up notice due now (the desk's retry button); answers whether it
/// was one. The next pass sends it; a pending or sent notice is left alone.
pub fn retry_now(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(notices::table.find(id).filter(
        notices::status.eq_any([NoticeStatus::Failed.as_str(), NoticeStatus::Dead.as_str()]),
    ))
    .set((
        notices::status.eq(NoticeStatus::Failed.as_str()),
        notices::next_attempt_at.eq(now),
        notices::claimed_by.eq(None::<String>),
        notices::lease_until.eq(None::<NaiveDateTime>),
        notices::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}
