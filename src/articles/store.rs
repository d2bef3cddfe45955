//! Articles in the database.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::ArticleDraft;
use crate::auth::Scope;
use crate::db::schema::{articles, licenses};
use crate::db::{last_insert_id, DbConnection};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub struct ArticleRow {
    pub id: i64,
    pub source_outlet_id: i64,
    pub title: String,
    pub byline: Option<String>,
    pub url: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub external_id: Option<String>,
    pub copyright_line: Option<String>,
    pub copyright_holder: Option<String>,
    pub copyright_year_from: Option<i32>,
    pub copyright_year_to: Option<i32>,
    pub permission_statement: Option<String>,
    pub original_publisher: Option<String>,
    pub permission_kind: Option<String>,
    pub license_name: Option<String>,
    pub embargo_until: Option<NaiveDateTime>,
    pub text_hash: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub original_outlet_id: Option<i64>,
    pub data_mining: Option<String>,
    pub tdm_policy_url: Option<String>,
}

impl ArticleRow {
    /// The original outlet, else the source outlet.
    pub fn rights_holder(&self) -> i64 {
        self.original_outlet_id.unwrap_or(self.source_outlet_id)
    }

    /// The data-mining value in force (the one stored, else the default).
    pub fn data_mining(&self) -> super::DataMining {
        self.data_mining
            .as_deref()
            .and_then(|d| d.parse().ok())
            .unwrap_or_else(|| {
                super::DataMining::default_for(
                    self.permission_kind.as_deref().and_then(|k| k.parse().ok()),
                )
            })
    }

    pub fn draft(&self) -> ArticleDraft {
        ArticleDraft {
            title: self.title.clone(),
            source_outlet_id: self.source_outlet_id,
            url: self.url.as_deref().and_then(|u| u.parse().ok()),
            byline: self.byline.clone(),
            published_on: self.published_on,
            external_id: self.external_id.clone(),
            copyright_line: self.copyright_line.clone(),
            copyright_holder: self.copyright_holder.clone(),
            copyright_year_from: self.copyright_year_from,
            copyright_year_to: self.copyright_year_to,
            permission_statement: self.permission_statement.clone(),
            original_publisher: self.original_publisher.clone(),
            permission_kind: self.permission_kind.as_deref().and_then(|k| k.parse().ok()),
            license_name: self.license_name.clone(),
            embargo_until: self.embargo_until,
            original_outlet_id: self.original_outlet_id,
            data_mining: self.data_mining.as_deref().and_then(|d| d.parse().ok()),
            tdm_policy_url: self.tdm_policy_url.as_deref().and_then(|u| u.parse().ok()),
        }
    }
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = articles)]
#[diesel(treat_none_as_null = true)]
pub struct ArticleValues {
    pub source_outlet_id: i64,
    pub title: String,
    pub byline: Option<String>,
    pub url: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub external_id: Option<String>,
    pub copyright_line: Option<String>,
    pub copyright_holder: Option<String>,
    pub copyright_year_from: Option<i32>,
    pub copyright_year_to: Option<i32>,
    pub permission_statement: Option<String>,
    pub original_publisher: Option<String>,
    pub permission_kind: Option<String>,
    pub license_name: Option<String>,
    pub embargo_until: Option<NaiveDateTime>,
    pub original_outlet_id: Option<i64>,
    pub data_mining: Option<String>,
    pub tdm_policy_url: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl From<&ArticleDraft> for ArticleValues {
    fn from(d: &ArticleDraft) -> Self {
        ArticleValues {
            source_outlet_id: d.source_outlet_id,
            title: d.title.clone(),
            byline: d.byline.clone(),
            url: d.url.as_ref().map(|u| u.as_str().to_string()),
            published_on: d.published_on,
            external_id: d.external_id.clone(),
            copyright_line: d.copyright_line.clone(),
            copyright_holder: d.copyright_holder.clone(),
            copyright_year_from: d.copyright_year_from,
            copyright_year_to: d.copyright_year_to,
            permission_statement: d.permission_statement.clone(),
            original_publisher: d.original_publisher.clone(),
            permission_kind: d.permission_kind.map(|k| k.as_str().to_string()),
            license_name: d.license_name.clone(),
            embargo_until: d.embargo_until,
            original_outlet_id: d.original_outlet_id,
            data_mining: d.data_mining.map(|v| v.as_str().to_string()),
            tdm_policy_url: d.tdm_policy_url.as_ref().map(|u| u.as_str().to_string()),
            updated_at: crate::types::now(),
        }
    }
}

pub fn insert(
    conn: &mut DbConnection,
    draft: &ArticleDraft,
    text_hash: Option<&str>,
) -> QueryResult<ArticleRow> {
    let values = ArticleValues::from(draft);
    diesel::insert_into(articles::table)
        .values((
            &values,
            articles::created_at.eq(values.updated_at),
            articles::text_hash.eq(text_hash),
        ))
        .execute(conn)?;
    let id = last_insert_id(conn)?;
    find(conn, id, Scope::All)
}

/// The feed license's publication window holds the article's day (correlated on `articles`).
macro_rules! feed_window_holds_article {
    () => {
        licenses::feed_published_from
            .is_null()
            .or(licenses::feed_published_from.le(articles::published_on))
            .and(
                licenses::feed_published_until
                    .is_null()
                    .or(licenses::feed_published_until.ge(articles::published_on)),
            )
    };
}

/// Articles a scope may see: all, or for a partner those its live licenses cover.
fn visible(scope: Scope) -> articles::BoxedQuery<'static, crate::db::MultiBackend> {
    let query = articles::table
        .filter(articles::deleted_at.is_null())
        .into_boxed();
    match scope {
        Scope::All => query,
        Scope::Outlet(outlet) => {
            // Two probes, not one OR inside one: each is an equality on two leading columns of
            // its own index ((licensee, article) and (licensee, grantor, scope)), so the planner
            // cannot fall back to walking all the partner's licenses, stats or none.
            let names_it = licenses::table
                .filter(licenses::licensee_outlet_id.eq(outlet))
                .filter(licenses::article_id.eq(articles::id.nullable()))
                .filter(licenses::deleted_at.is_null());
            let feeds_it = licenses::table
                .filter(licenses::licensee_outlet_id.eq(outlet))
                .filter(licenses::grantor_outlet_id.eq(articles::source_outlet_id))
                .filter(licenses::scope.eq("feed"))
                .filter(licenses::deleted_at.is_null())
                .filter(feed_window_holds_article!());
            query.filter(diesel::dsl::exists(names_it).or(diesel::dsl::exists(feeds_it)))
        }
    }
}

pub fn find(conn: &mut DbConnection, id: i64, scope: Scope) -> QueryResult<ArticleRow> {
    visible(scope)
        .filter(articles::id.eq(id))
        .select(ArticleRow::as_select())
        .first(conn)
}

pub fn find_any(conn: &mut DbConnection, id: i64) -> QueryResult<ArticleRow> {
    articles::table
        .find(id)
        .select(ArticleRow::as_select())
        .first(conn)
}

/// A live article of `source` with this external id, URL or text hash (for duplicates).
pub fn find_duplicate(
    conn: &mut DbConnection,
    source: i64,
    external_id: Option<&str>,
    url: Option<&str>,
    text_hash: Option<&str>,
    except: Option<i64>,
) -> QueryResult<Option<ArticleRow>> {
    let mut matches: Vec<ArticleRow> = Vec::new();
    let base = || {
        let mut q = articles::table
            .filter(articles::deleted_at.is_null())
            .filter(articles::source_outlet_id.eq(source))
            .select(ArticleRow::as_select())
            .into_boxed();
        if let Some(except) = except {
            q = q.filter(articles::id.ne(except));
        }
        q
    };
    if let Some(ext) = external_id {
        matches.extend(
            base()
                .filter(articles::external_id.eq(ext.to_string()))
                .limit(1)
                .load(conn)?,
        );
    }
    if let Some(url) = url {
        matches.extend(
            base()
                .filter(articles::url.eq(url.to_string()))
                .limit(1)
                .load(conn)?,
        );
    }
    if let Some(hash) = text_hash {
        matches.extend(
            base()
                .filter(articles::text_hash.eq(hash.to_string()))
                .limit(1)
                .load(conn)?,
        );
    }
    Ok(matches.into_iter().next())
}

#[derive(Debug, Default, Clone)]
pub struct ArticleFilter {
    /// (licensee, day): articles a license of that outlet (of any outlet, without one) lets it
    /// republish on that day (active, in its window; article licenses and feed licenses whose
    /// range holds the article).
    pub licensed: Option<(Option<i64>, NaiveDate)>,
    pub source_outlet_id: Option<i64>,
    pub title_contains: Option<String>,
    pub published_after: Option<NaiveDate>,
    pub published_before: Option<NaiveDate>,
}

pub fn list(
    conn: &mut DbConnection,
    scope: Scope,
    filter: &ArticleFilter,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<ArticleRow>> {
    let mut query = visible(scope)
        .filter(articles::id.gt(after_id))
        .order(articles::id.asc())
        .limit(limit);
    if let Some(source) = filter.source_outlet_id {
        query = query.filter(articles::source_outlet_id.eq(source));
    }
    if let Some((licensee, day)) = filter.licensed {
        // One licensee, or any (every id is positive).
        let (lowest, highest) = licensee.map_or((1, i64::MAX), |id| (id, id));
        // In force on the day; two probes (named article, feed from its source) as in `visible`.
        macro_rules! in_force {
            () => {
                licenses::table
                    .filter(licenses::licensee_outlet_id.between(lowest, highest))
                    .filter(licenses::deleted_at.is_null())
                    .filter(licenses::status.eq("active"))
                    .filter(licenses::valid_from.le(day))
                    .filter(
                        licenses::valid_until
                            .is_null()
                            .or(licenses::valid_until.ge(day)),
                    )
            };
        }
        let names_it = in_force!().filter(licenses::article_id.eq(articles::id.nullable()));
        let feeds_it = in_force!()
            .filter(licenses::grantor_outlet_id.eq(articles::source_outlet_id))
            .filter(licenses::scope.eq("feed"))
            .filter(feed_window_holds_article!());
        query = query.filter(diesel::dsl::exists(names_it).or(diesel::dsl::exists(feeds_it)));
    }
    if let Some(q) = &filter.title_contains {
        query = query.filter(
            crate::db::sql::lower(articles::title)
                .like(crate::db::sql::like_pattern(q))
                .escape('\\'),
        );
    }
    if let Some(after) = filter.published_after {
        query = query.filter(articles::published_on.ge(after));
    }
    if let Some(before) = filter.published_before {
        query = query.filter(articles::published_on.le(before));
    }
    query.select(ArticleRow::as_select()).load(conn)
}

pub fn update(conn: &mut DbConnection, id: i64, draft: &ArticleDraft) -> QueryResult<ArticleRow> {
    diesel::update(articles::table.find(id))
        .set(&ArticleValues::from(draft))
        .execute(conn)?;
    find(conn, id, Scope::All)
}

/// Deletes (`Some`) or restores (`None`) one record; 0 rows when it was not in that state.
pub fn set_deleted(
    conn: &mut DbConnection,
    id: i64,
    deleted_at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    crate::set_deleted!(conn, articles, id, deleted_at)
}

/// Live licenses naming this article.
pub fn license_count(conn: &mut DbConnection, id: i64) -> QueryResult<i64> {
    licenses::table
        .filter(licenses::deleted_at.is_null())
        .filter(licenses::article_id.eq(id))
        .count()
        .get_result(conn)
}

/// The live articles of `outlet` that have a URL, with what TDMRep needs of them, by id.
pub fn tdm_rows(conn: &mut DbConnection, outlet: i64) -> QueryResult<Vec<ArticleRow>> {
    articles::table
        .filter(articles::deleted_at.is_null())
        .filter(articles::source_outlet_id.eq(outlet))
        .filter(articles::url.is_not_null())
        .order(articles::id.asc())
        .select(ArticleRow::as_select())
        .load(conn)
}
