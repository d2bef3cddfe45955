//! Reprints in the database.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{Compliance, ReprintDraft};
use crate::auth::Scope;
use crate::db::schema::reprints;
use crate::db::DbConnection;
use crate::licenses::rules::{LicenseStatus, Reason};
use crate::reprints::verify::Verdict;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reprints)]
pub struct ReprintRow {
    pub id: i64,
    pub article_id: i64,
    pub outlet_id: i64,
    pub reprinted_on: NaiveDate,
    pub medium: String,
    pub territory: Option<String>,
    pub url: Option<String>,
    pub credit_line_used: Option<String>,
    pub compliance: String,
    pub license_id: Option<i64>,
    pub reasons: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub action: String,
    pub verified_at: Option<NaiveDateTime>,
    pub verify_http_status: Option<i32>,
    pub verify_credit_found: Option<bool>,
    pub verify_link_to_original: Option<bool>,
    pub verify_canonical_ok: Option<bool>,
    pub verify_still_online_after_end: Option<bool>,
    pub verify_error: Option<String>,
    pub verify_outcome: Option<String>,
    pub verify_due_on: Option<NaiveDate>,
}

impl ReprintRow {
    pub fn reasons(&self) -> Vec<Reason> {
        self.reasons
            .split(',')
            .filter_map(|r| r.parse().ok())
            .collect()
    }
}

/// A reprint's facts and verdict as written, the same for a new reprint and a correction.
// `treat_none_as_default_value = false`: an absent value is bound as NULL rather than leaving its
// column out, so the insert's SQL has one shape and its prepared statement is found by type, with
// no SQL rendered per reprint.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = reprints)]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
struct ReprintValues<'a> {
    article_id: i64,
    outlet_id: i64,
    reprinted_on: NaiveDate,
    medium: &'a str,
    territory: Option<&'a str>,
    url: Option<&'a str>,
    credit_line_used: Option<&'a str>,
    compliance: &'a str,
    license_id: Option<i64>,
    reasons: String,
    action: &'a str,
    updated_at: NaiveDateTime,
}

impl<'a> ReprintValues<'a> {
    fn of(
        draft: &'a ReprintDraft,
        compliance: Compliance,
        license_id: Option<i64>,
        reasons: &[Reason],
        now: NaiveDateTime,
    ) -> Self {
        ReprintValues {
            article_id: draft.article_id,
            outlet_id: draft.outlet_id,
            reprinted_on: draft.reprinted_on,
            medium: draft.medium.as_str(),
            territory: draft.territory.as_ref().map(|t| t.code()),
            url: draft.url.as_ref().map(|u| u.as_str()),
            credit_line_used: draft.credit_line_used.as_deref(),
            compliance: compliance.as_str(),
            license_id,
            reasons: reasons
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(","),
            action: draft.action.as_str(),
            updated_at: now,
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = reprints, treat_none_as_default_value = false)]
struct NewReprintRow<'a> {
    #[diesel(embed)]
    values: ReprintValues<'a>,
    created_at: NaiveDateTime,
    verify_due_on: Option<NaiveDate>,
}

/// Makes the outlet's reprint writes take turns until this transaction ends, so that each
/// counts the uses its license has had, the others' included. PostgreSQL: a transaction-scoped
/// advisory lock per outlet (two outlets may share one: they then only wait for each other);
/// true when taken. SQLite: nothing to do (false), its writes take turns anyway.
pub fn take_turns_for_outlet(conn: &mut DbConnection, outlet_id: i64) -> QueryResult<bool> {
    /// The first key of this lock's pairs ("RPRT"), apart from any other advisory lock.
    const REPRINT_USES: i32 = 0x5250_5254;
    if let DbConnection::Postgres(pg) = conn {
        let key = i32::try_from(outlet_id.rem_euclid(i64::from(i32::MAX))).unwrap_or(0);
        diesel::sql_query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind::<diesel::sql_types::Integer, _>(REPRINT_USES)
            .bind::<diesel::sql_types::Integer, _>(key)
            .execute(pg)?;
        return Ok(true);
    }
    Ok(false)
}

pub fn insert(
    conn: &mut DbConnection,
    draft: &ReprintDraft,
    compliance: Compliance,
    license_id: Option<i64>,
    reasons: &[Reason],
) -> QueryResult<ReprintRow> {
    let now = crate::types::now();
    let row = NewReprintRow {
        values: ReprintValues::of(draft, compliance, license_id, reasons, now),
        created_at: now,
        // A reprint with an address gets its page checked by the next scheduled pass.
        verify_due_on: draft.url.as_ref().map(|_| now.date()),
    };
    // On each backend's own connection: its prepared statement is kept (the multi-connection
    // wrapper renders the SQL again for every execution), and there `RETURNING` compiles (the
    // bundled SQLite is past 3.35): one statement for a hot write instead of insert, id, select.
    crate::on_backend!(conn, |c| diesel::insert_into(reprints::table)
        .values(&row)
        .returning(ReprintRow::as_returning())
        .get_result(c))
}

/// Rewrites a live reprint with corrected facts and its new verdict.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    draft: &ReprintDraft,
    compliance: Compliance,
    license_id: Option<i64>,
    reasons: &[Reason],
) -> QueryResult<ReprintRow> {
    let changes = ReprintValues::of(draft, compliance, license_id, reasons, crate::types::now());
    diesel::update(
        reprints::table
            .filter(reprints::id.eq(id))
            .filter(reprints::deleted_at.is_null()),
    )
    .set(&changes)
    .execute(conn)?;
    find(conn, id, Scope::All)
}

/// Any reprint, deleted or not (for restoring).
pub fn find_any(conn: &mut DbConnection, id: i64) -> QueryResult<ReprintRow> {
    reprints::table
        .find(id)
        .select(ReprintRow::as_select())
        .first(conn)
}

/// Deletes (`Some`) or restores (`None`) one reprint; 0 rows when it was not in that state.
pub fn set_deleted(
    conn: &mut DbConnection,
    id: i64,
    deleted_at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    crate::set_deleted!(conn, reprints, id, deleted_at)
}

pub fn find(conn: &mut DbConnection, id: i64, scope: Scope) -> QueryResult<ReprintRow> {
    let mut query = reprints::table
        .filter(reprints::id.eq(id))
        .filter(reprints::deleted_at.is_null())
        .select(ReprintRow::as_select())
        .into_boxed();
    if let Scope::Outlet(own) = scope {
        query = query.filter(reprints::outlet_id.eq(own));
    }
    query.first(conn)
}

#[derive(Debug, Default, Clone)]
pub struct ReprintFilter {
    pub outlet: Option<i64>,
    pub article: Option<i64>,
    pub compliance: Option<Compliance>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub license: Option<i64>,
    pub action: Option<crate::licenses::rules::Action>,
    pub verification: Option<VerificationFilter>,
}

/// `?verification=`: the outcome of the last page check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationFilter {
    Ok,
    Failed,
    Unchecked,
}

impl std::str::FromStr for VerificationFilter {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw {
            "ok" => Ok(VerificationFilter::Ok),
            "failed" => Ok(VerificationFilter::Failed),
            "unchecked" => Ok(VerificationFilter::Unchecked),
            other => Err(format!("'{other}' is not ok, failed or unchecked")),
        }
    }
}

pub fn list(
    conn: &mut DbConnection,
    scope: Scope,
    filter: &ReprintFilter,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<ReprintRow>> {
    let mut query = reprints::table
        .filter(reprints::deleted_at.is_null())
        .filter(reprints::id.gt(after_id))
        .order(reprints::id.asc())
        .limit(limit)
        .select(ReprintRow::as_select())
        .into_boxed();
    if let Scope::Outlet(own) = scope {
        query = query.filter(reprints::outlet_id.eq(own));
    }
    if let Some(outlet) = filter.outlet {
        query = query.filter(reprints::outlet_id.eq(outlet));
    }
    if let Some(article) = filter.article {
        query = query.filter(reprints::article_id.eq(article));
    }
    if let Some(compliance) = filter.compliance {
        query = query.filter(reprints::compliance.eq(compliance.as_str()));
    }
    if let Some(from) = filter.from {
        query = query.filter(reprints::reprinted_on.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(reprints::reprinted_on.le(to));
    }
    if let Some(action) = filter.action {
        query = query.filter(reprints::action.eq(action.as_str()));
    }
    if let Some(license) = filter.license {
        query = query.filter(reprints::license_id.eq(license));
    }
    match filter.verification {
        Some(VerificationFilter::Ok) => query = query.filter(reprints::verify_outcome.eq("ok")),
        Some(VerificationFilter::Failed) => {
            query = query.filter(reprints::verify_outcome.eq("failed"))
        }
        Some(VerificationFilter::Unchecked) => {
            query = query.filter(reprints::verify_outcome.is_null())
        }
        None => {}
    }
    query.load(conn)
}

/// Stores the outcome of a page check and when to check again.
pub fn record_verification(
    conn: &mut DbConnection,
    id: i64,
    verdict: &Verdict,
    next: Option<NaiveDate>,
    now: NaiveDateTime,
) -> QueryResult<ReprintRow> {
    let findings = verdict.findings;
    diesel::update(reprints::table.find(id))
        .set((
            reprints::verified_at.eq(Some(now)),
            reprints::verify_http_status.eq(verdict.http_status),
            reprints::verify_credit_found.eq(findings.map(|f| f.credit_found)),
            reprints::verify_link_to_original.eq(findings.and_then(|f| f.link_to_original)),
            reprints::verify_canonical_ok.eq(findings.and_then(|f| f.canonical_ok)),
            reprints::verify_still_online_after_end.eq(verdict.still_online_after_end),
            reprints::verify_error.eq(verdict.error.as_deref()),
            reprints::verify_outcome.eq(Some(if verdict.ok { "ok" } else { "failed" })),
            reprints::verify_due_on.eq(next),
        ))
        .execute(conn)?;
    find(conn, id, Scope::All)
}

/// Reprints whose page check is due on `today`: the scheduled day has come, or their license was
/// revoked (or deleted) after the last check. Oldest first.
pub fn due_for_check(
    conn: &mut DbConnection,
    today: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    use crate::db::schema::licenses;
    let mut ids: Vec<i64> = reprints::table
        .filter(reprints::deleted_at.is_null())
        .filter(reprints::url.is_not_null())
        .filter(reprints::verify_due_on.le(today))
        .order((reprints::verify_due_on.asc(), reprints::id.asc()))
        .limit(limit)
        .select(reprints::id)
        .load(conn)?;
    let revoked: Vec<i64> = reprints::table
        .inner_join(licenses::table.on(reprints::license_id.eq(licenses::id.nullable())))
        .filter(reprints::deleted_at.is_null())
        .filter(reprints::url.is_not_null())
        .filter(
            licenses::status
                .eq(LicenseStatus::Revoked.as_str())
                .or(licenses::deleted_at.is_not_null()),
        )
        .filter(
            reprints::verified_at
                .is_null()
                .or(reprints::verified_at.lt(licenses::updated_at.nullable())),
        )
        .order(reprints::id.asc())
        .limit(limit)
        .select(reprints::id)
        .load(conn)?;
    for id in revoked {
        if !ids.contains(&id) && ids.len() < usize::try_from(limit).unwrap_or(0) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Live reprints per (outlet, day) from `first` on: the desk's chart adds them up by month.
pub fn count_per_day(
    conn: &mut DbConnection,
    first: NaiveDate,
) -> QueryResult<Vec<(i64, NaiveDate, i64)>> {
    reprints::table
        .filter(reprints::deleted_at.is_null())
        .filter(reprints::reprinted_on.ge(first))
        // In the index's order (reprinted_on, outlet_id): grouped as read, no sort.
        .group_by((reprints::reprinted_on, reprints::outlet_id))
        .select((
            reprints::outlet_id,
            reprints::reprinted_on,
            diesel::dsl::count_star(),
        ))
        .load(conn)
}
