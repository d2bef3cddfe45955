//! Licenses in the database.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::rules::{Coverage, DateWindow, LicenseStatus, PublishedRange, Terms, Territories};
use super::LicenseDraft;
use crate::articles::data_mining::DataMining;
use crate::auth::Scope;
use crate::db::schema::{articles, licenses, reprints};
use crate::db::{last_insert_id, DbConnection, StoreError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = licenses)]
pub struct LicenseRow {
    pub id: i64,
    pub grantor_outlet_id: i64,
    pub licensee_outlet_id: i64,
    pub scope: String,
    pub article_id: Option<i64>,
    pub feed_published_from: Option<NaiveDate>,
    pub feed_published_until: Option<NaiveDate>,
    pub actions: String,
    pub media: String,
    pub territories: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub exclusive: bool,
    pub credit_line: Option<String>,
    pub fee_cents: Option<i64>,
    pub currency: Option<String>,
    pub max_reprints: Option<i32>,
    pub notes: Option<String>,
    pub status: String,
    pub status_reason: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub notice_leads: Option<String>,
    pub upstream_license_id: Option<i64>,
    pub data_mining: String,
    pub tdm_policy_url: Option<String>,
}

fn corrupt(id: i64, what: &str, err: String) -> StoreError {
    StoreError::corrupt(format!("license {id} has an unreadable {what}: {err}"))
}

fn parse_list<T: std::str::FromStr<Err = String>>(
    id: i64,
    what: &str,
    stored: &str,
) -> Result<Vec<T>, StoreError> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|e| corrupt(id, what, e)))
        .collect()
}

impl LicenseRow {
    /// The stored terms, as the rules and the draft need them.
    pub fn draft(&self) -> Result<LicenseDraft, StoreError> {
        let coverage = match (self.scope.as_str(), self.article_id) {
            ("article", Some(article)) => Coverage::Article(article),
            _ => Coverage::Feed(PublishedRange {
                from: self.feed_published_from,
                until: self.feed_published_until,
            }),
        };
        let territory_words: Vec<String> =
            self.territories.split(',').map(str::to_string).collect();
        Ok(LicenseDraft {
            grantor: self.grantor_outlet_id,
            licensee: self.licensee_outlet_id,
            coverage,
            actions: parse_list(self.id, "actions", &self.actions)?,
            media: parse_list(self.id, "media", &self.media)?,
            territories: Territories::parse(&territory_words)
                .map_err(|e| corrupt(self.id, "territories", e))?,
            window: DateWindow {
                from: self.valid_from,
                until: self.valid_until,
            },
            exclusive: self.exclusive,
            credit_line: self.credit_line.clone(),
            fee_cents: self.fee_cents,
            currency: self.currency.clone(),
            max_reprints: self.max_reprints,
            notes: self.notes.clone(),
            status: self
                .status
                .parse()
                .map_err(|e| corrupt(self.id, "status", e))?,
            status_reason: self.status_reason.clone(),
            notice_leads: self.leads(),
            upstream: self.upstream_license_id,
            data_mining: self.data_mining(),
            tdm_policy_url: self.tdm_policy_url.clone(),
        })
    }

    /// The stored data-mining value (`unspecified` when unreadable).
    pub fn data_mining(&self) -> DataMining {
        self.data_mining.parse().unwrap_or(DataMining::Unspecified)
    }

    /// The license's own notice lead times (stored as `90,30,7`).
    pub fn leads(&self) -> Option<Vec<u32>> {
        self.notice_leads.as_ref().map(|raw| {
            raw.split(',')
                .filter_map(|d| d.trim().parse().ok())
                .collect()
        })
    }

    pub fn terms(&self) -> Result<Terms, StoreError> {
        Ok(self.draft()?.terms(self.id))
    }
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = licenses)]
#[diesel(treat_none_as_null = true)]
pub struct LicenseValues {
    pub grantor_outlet_id: i64,
    pub licensee_outlet_id: i64,
    pub scope: String,
    pub article_id: Option<i64>,
    pub feed_published_from: Option<NaiveDate>,
    pub feed_published_until: Option<NaiveDate>,
    pub actions: String,
    pub media: String,
    pub territories: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub exclusive: bool,
    pub credit_line: Option<String>,
    pub fee_cents: Option<i64>,
    pub currency: Option<String>,
    pub max_reprints: Option<i32>,
    pub notes: Option<String>,
    pub status: String,
    pub status_reason: Option<String>,
    pub notice_leads: Option<String>,
    pub upstream_license_id: Option<i64>,
    pub data_mining: String,
    pub tdm_policy_url: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl From<&LicenseDraft> for LicenseValues {
    fn from(d: &LicenseDraft) -> Self {
        let (scope, article_id, range) = match d.coverage {
            Coverage::Article(id) => ("article", Some(id), PublishedRange::default()),
            Coverage::Feed(range) => ("feed", None, range),
        };
        LicenseValues {
            grantor_outlet_id: d.grantor,
            licensee_outlet_id: d.licensee,
            scope: scope.to_string(),
            article_id,
            feed_published_from: range.from,
            feed_published_until: range.until,
            actions: join(&d.actions),
            media: join(&d.media),
            territories: d.territories.codes().join(","),
            valid_from: d.window.from,
            valid_until: d.window.until,
            exclusive: d.exclusive,
            credit_line: d.credit_line.clone(),
            fee_cents: d.fee_cents,
            currency: d.currency.clone(),
            max_reprints: d.max_reprints,
            notes: d.notes.clone(),
            status: d.status.as_str().to_string(),
            status_reason: d.status_reason.clone(),
            notice_leads: d.notice_leads.as_ref().map(|l| join(l)),
            upstream_license_id: d.upstream,
            data_mining: d.data_mining.as_str().to_string(),
            tdm_policy_url: d.tdm_policy_url.clone(),
            updated_at: crate::types::now(),
        }
    }
}

pub fn insert(conn: &mut DbConnection, draft: &LicenseDraft) -> QueryResult<LicenseRow> {
    let values = LicenseValues::from(draft);
    diesel::insert_into(licenses::table)
        .values((
            &values,
            licenses::version.eq(1),
            licenses::created_at.eq(values.updated_at),
        ))
        .execute(conn)?;
    let id = last_insert_id(conn)?;
    find(conn, id, Scope::All)
}

/// A live license the scope may see (a partner: its own, as licensee).
pub fn find(conn: &mut DbConnection, id: i64, scope: Scope) -> QueryResult<LicenseRow> {
    let mut query = licenses::table
        .filter(licenses::id.eq(id))
        .filter(licenses::deleted_at.is_null())
        .select(LicenseRow::as_select())
        .into_boxed();
    if let Scope::Outlet(own) = scope {
        query = query.filter(licenses::licensee_outlet_id.eq(own));
    }
    query.first(conn)
}

/// Writes new terms if the license is still at `expected_version`; false when someone else
/// changed it first.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    expected_version: i32,
    draft: &LicenseDraft,
) -> QueryResult<bool> {
    let changed = diesel::update(
        licenses::table
            .filter(licenses::id.eq(id))
            .filter(licenses::version.eq(expected_version)),
    )
    .set((
        &LicenseValues::from(draft),
        licenses::version.eq(expected_version + 1),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Hash)]
pub struct LicenseFilter {
    pub licensee: Option<i64>,
    pub grantor: Option<i64>,
    pub article: Option<i64>,
    pub status: Option<super::rules::LicenseState>,
    pub active_on: Option<NaiveDate>,
    /// (today, last day): active licenses ending within the range.
    pub ending_between: Option<(NaiveDate, NaiveDate)>,
}

pub fn list(
    conn: &mut DbConnection,
    scope: Scope,
    filter: &LicenseFilter,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<LicenseRow>> {
    let mut query = licenses::table
        .filter(licenses::deleted_at.is_null())
        .filter(licenses::id.gt(after_id))
        .order(licenses::id.asc())
        .limit(limit)
        .select(LicenseRow::as_select())
        .into_boxed();
    if let Scope::Outlet(own) = scope {
        query = query.filter(licenses::licensee_outlet_id.eq(own));
    }
    if let Some(licensee) = filter.licensee {
        query = query.filter(licenses::licensee_outlet_id.eq(licensee));
    }
    if let Some(grantor) = filter.grantor {
        query = query.filter(licenses::grantor_outlet_id.eq(grantor));
    }
    if let Some(article) = filter.article {
        query = query.filter(licenses::article_id.eq(article));
    }
    if let Some(state) = filter.status {
        use super::rules::LicenseState;
        let today = crate::types::today();
        query = match state {
            LicenseState::Active => query
                .filter(licenses::status.eq(LicenseStatus::Active.as_str()))
                .filter(
                    licenses::valid_until
                        .is_null()
                        .or(licenses::valid_until.ge(today)),
                ),
            LicenseState::Expired => query
                .filter(licenses::status.eq(LicenseStatus::Active.as_str()))
                .filter(licenses::valid_until.lt(today)),
            LicenseState::Suspended | LicenseState::Revoked => {
                query.filter(licenses::status.eq(state.as_str()))
            }
        };
    }
    if let Some(day) = filter.active_on {
        query = query
            .filter(licenses::status.eq(LicenseStatus::Active.as_str()))
            .filter(licenses::valid_from.le(day))
            .filter(
                licenses::valid_until
                    .is_null()
                    .or(licenses::valid_until.ge(day)),
            );
    }
    if let Some((first, last)) = filter.ending_between {
        query = query
            .filter(licenses::status.eq(LicenseStatus::Active.as_str()))
            .filter(licenses::valid_until.ge(first))
            .filter(licenses::valid_until.le(last));
    }
    query.load(conn)
}

/// Publication dates of articles, by id.
pub type PublicationDates = HashMap<i64, Option<NaiveDate>>;

/// Licenses of the grantor that could stand in the way of exclusivity: live, not revoked, to
/// another licensee. With the publication dates of the articles they (and `also`) name.
pub fn exclusivity_candidates(
    conn: &mut DbConnection,
    grantor: i64,
    licensee: i64,
    also: Option<i64>,
) -> QueryResult<(Vec<LicenseRow>, PublicationDates)> {
    let rows: Vec<LicenseRow> = licenses::table
        .filter(licenses::deleted_at.is_null())
        .filter(licenses::grantor_outlet_id.eq(grantor))
        .filter(licenses::licensee_outlet_id.ne(licensee))
        .filter(licenses::status.ne(LicenseStatus::Revoked.as_str()))
        .select(LicenseRow::as_select())
        .load(conn)?;
    let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.article_id).collect();
    ids.extend(also);
    let dates: Vec<(i64, Option<NaiveDate>)> = articles::table
        .filter(articles::id.eq_any(&ids))
        .select((articles::id, articles::published_on))
        .load(conn)?;
    Ok((rows, dates.into_iter().collect()))
}

/// A candidate license and the licenses above it in its chain, nearest first.
pub type WithUpstream = (LicenseRow, Vec<LicenseRow>);

/// The live article and every live license of `licensee` that names it or the feed of its
/// source or rights holder, each with the (live) upstream licenses of its chain, up to
/// [`chain::MAX_LINKS`](super::rules::chain::MAX_LINKS) links: one indexed query (the rights
/// check's hot path). `None` when the article does not exist.
pub fn coverage(
    conn: &mut DbConnection,
    article_id: i64,
    licensee: i64,
) -> QueryResult<Option<(crate::articles::store::ArticleRow, Vec<WithUpstream>)>> {
    use crate::articles::store::ArticleRow;
    let (up1, up2, up3) = diesel::alias!(
        licenses as upstream1,
        licenses as upstream2,
        licenses as upstream3
    );
    let names_article = licenses::licensee_outlet_id
        .eq(licensee)
        .and(licenses::deleted_at.is_null())
        .and(
            licenses::article_id
                .eq(articles::id.nullable())
                .or(licenses::scope.eq("feed").and(
                    licenses::grantor_outlet_id
                        .eq(articles::source_outlet_id)
                        .or(licenses::grantor_outlet_id
                            .nullable()
                            .eq(articles::original_outlet_id)),
                )),
        );
    type Row = (
        ArticleRow,
        Option<LicenseRow>,
        Option<LicenseRow>,
        Option<LicenseRow>,
        Option<LicenseRow>,
    );
    let rows: Vec<Row> = crate::on_backend!(conn, |c| articles::table
        .left_join(licenses::table.on(names_article))
        .left_join(
            up1.on(licenses::upstream_license_id
                .eq(up1.field(licenses::id).nullable())
                .and(up1.field(licenses::deleted_at).is_null())),
        )
        .left_join(
            up2.on(up1
                .field(licenses::upstream_license_id)
                .eq(up2.field(licenses::id).nullable())
                .and(up2.field(licenses::deleted_at).is_null())),
        )
        .left_join(
            up3.on(up2
                .field(licenses::upstream_license_id)
                .eq(up3.field(licenses::id).nullable())
                .and(up3.field(licenses::deleted_at).is_null())),
        )
        .filter(articles::id.eq(article_id))
        .filter(articles::deleted_at.is_null())
        .select((
            ArticleRow::as_select(),
            Option::<LicenseRow>::as_select(),
            up1.fields(licenses::all_columns).nullable(),
            up2.fields(licenses::all_columns).nullable(),
            up3.fields(licenses::all_columns).nullable(),
        ))
        .load(c))?;
    let mut rows = rows.into_iter();
    let Some((article, first, a, b, c)) = rows.next() else {
        return Ok(None);
    };
    let chain = |l: Option<LicenseRow>, a, b, c| {
        l.map(|l| (l, [a, b, c].into_iter().flatten().collect::<Vec<_>>()))
    };
    let licenses = chain(first, a, b, c)
        .into_iter()
        .chain(rows.filter_map(|(_, l, a, b, c)| chain(l, a, b, c)))
        .collect();
    Ok(Some((article, licenses)))
}

/// Live licenses to `licensee` that could carry a grant of `article` on: naming it, or a feed
/// of its source or rights holder. With the upstream chain of each.
pub fn upstream_candidates(
    conn: &mut DbConnection,
    licensee: i64,
    article: Option<&crate::articles::store::ArticleRow>,
) -> QueryResult<Vec<LicenseRow>> {
    let mut query = licenses::table
        .filter(licenses::licensee_outlet_id.eq(licensee))
        .filter(licenses::deleted_at.is_null())
        .into_boxed();
    query = match article {
        Some(a) => query.filter(
            licenses::article_id.eq(a.id).or(licenses::scope
                .eq("feed")
                .and(licenses::grantor_outlet_id.eq_any([a.source_outlet_id, a.rights_holder()]))),
        ),
        None => query.filter(licenses::scope.eq("feed")),
    };
    query
        .order(licenses::id.asc())
        .select(LicenseRow::as_select())
        .load(conn)
}

/// The licenses above `id` in its chain, nearest first (at most `max`).
pub fn ancestors(conn: &mut DbConnection, id: i64, max: usize) -> QueryResult<Vec<LicenseRow>> {
    let mut out: Vec<LicenseRow> = Vec::new();
    let mut next = find_any(conn, id)?.upstream_license_id;
    while let Some(up) = next {
        if out.len() >= max || out.iter().any(|l| l.id == up) {
            break;
        }
        let row = find_any(conn, up)?;
        next = row.upstream_license_id;
        out.push(row);
    }
    Ok(out)
}

/// The live licenses that rest on `id`, directly or further down, not revoked.
pub fn downstream(conn: &mut DbConnection, id: i64) -> QueryResult<Vec<LicenseRow>> {
    let mut out: Vec<LicenseRow> = Vec::new();
    let mut level = vec![id];
    while !level.is_empty() {
        let rows: Vec<LicenseRow> = licenses::table
            .filter(licenses::upstream_license_id.eq_any(&level))
            .filter(licenses::deleted_at.is_null())
            .filter(licenses::status.ne(LicenseStatus::Revoked.as_str()))
            .order(licenses::id.asc())
            .select(LicenseRow::as_select())
            .load(conn)?;
        level = rows
            .iter()
            .map(|r| r.id)
            .filter(|i| *i != id && !out.iter().any(|o| o.id == *i))
            .collect();
        out.extend(rows.into_iter().filter(|r| level.contains(&r.id)));
    }
    Ok(out)
}

/// How many reprints each of these licenses already covered (in date, medium and territory,
/// whatever their credit line).
pub fn covered_reprints(
    conn: &mut DbConnection,
    license_ids: &[i64],
) -> QueryResult<HashMap<i64, i64>> {
    if license_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let counts: Vec<(Option<i64>, i64)> = reprints::table
        // Every reprint the license covered in date, medium and territory counts, whatever its
        // credit line: a verdict names a license only then (`credit_line_missing` included).
        .filter(reprints::license_id.eq_any(license_ids))
        .filter(reprints::deleted_at.is_null())
        .group_by(reprints::license_id)
        .select((reprints::license_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(counts
        .into_iter()
        .filter_map(|(id, n)| id.map(|id| (id, n)))
        .collect())
}

/// Live, active licenses whose last day falls between `first` and `last`, soonest first, at most
/// `limit` (the desk's board; served by the index on `valid_until`).
pub fn ending_soonest(
    conn: &mut DbConnection,
    first: NaiveDate,
    last: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<LicenseRow>> {
    licenses::table
        .filter(licenses::valid_until.ge(first))
        .filter(licenses::valid_until.le(last))
        .filter(licenses::deleted_at.is_null())
        .filter(licenses::status.eq(LicenseStatus::Active.as_str()))
        .order((licenses::valid_until.asc(), licenses::id.asc()))
        .limit(limit)
        .select(LicenseRow::as_select())
        .load(conn)
}

/// Any license, deleted or not (for admins restoring).
pub fn find_any(conn: &mut DbConnection, id: i64) -> QueryResult<LicenseRow> {
    licenses::table
        .find(id)
        .select(LicenseRow::as_select())
        .first(conn)
}

/// Deletes (`Some`) or restores (`None`) one record; 0 rows when it was not in that state.
pub fn set_deleted(
    conn: &mut DbConnection,
    id: i64,
    deleted_at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    crate::set_deleted!(conn, licenses, id, deleted_at)
}
