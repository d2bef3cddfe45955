//! The license ends the calendar shows, with the names it needs.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::LicenseEnd;
use crate::auth::Scope;
use crate::db::schema::{articles, licenses, outlets};
use crate::db::DbConnection;
use crate::licenses::rules::LicenseStatus;

/// Licenses (not revoked, not deleted) whose last day falls in `first..=last`, earliest first, at
/// most `limit`. A partner's scope holds only its own licenses.
pub fn ends_between(
    conn: &mut DbConnection,
    scope: Scope,
    first: NaiveDate,
    last: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<LicenseEnd>> {
    type Row = (
        i64,
        NaiveDate,
        String,
        i64,
        i64,
        Option<i64>,
        Option<String>,
    );
    let mut query = licenses::table
        .filter(licenses::deleted_at.is_null())
        .filter(licenses::status.ne(LicenseStatus::Revoked.as_str()))
        .filter(licenses::valid_until.ge(first))
        .filter(licenses::valid_until.le(last))
        .order((licenses::valid_until.asc(), licenses::id.asc()))
        .limit(limit)
        .select((
            licenses::id,
            licenses::valid_until.assume_not_null(),
            licenses::status,
            licenses::licensee_outlet_id,
            licenses::grantor_outlet_id,
            licenses::article_id,
            licenses::credit_line,
        ))
        .into_boxed();
    if let Scope::Outlet(own) = scope {
        query = query.filter(licenses::licensee_outlet_id.eq(own));
    }
    let rows: Vec<Row> = query.load(conn)?;

    let mut outlet_ids: Vec<i64> = rows.iter().flat_map(|r| [r.3, r.4]).collect();
    outlet_ids.sort_unstable();
    outlet_ids.dedup();
    let mut article_ids: Vec<i64> = rows.iter().filter_map(|r| r.5).collect();
    article_ids.sort_unstable();
    article_ids.dedup();
    let mut outlet_names: HashMap<i64, String> = HashMap::new();
    for chunk in outlet_ids.chunks(500) {
        outlet_names.extend(
            outlets::table
                .filter(outlets::id.eq_any(chunk))
                .select((outlets::id, outlets::name))
                .load::<(i64, String)>(conn)?,
        );
    }
    let mut titles: HashMap<i64, String> = HashMap::new();
    for chunk in article_ids.chunks(500) {
        titles.extend(
            articles::table
                .filter(articles::id.eq_any(chunk))
                .select((articles::id, articles::title))
                .load::<(i64, String)>(conn)?,
        );
    }
    let name = |id: i64| {
        outlet_names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("outlet {id}"))
    };
    Ok(rows
        .into_iter()
        .map(
            |(license_id, ends_on, status, licensee, grantor, article, credit_line)| LicenseEnd {
                license_id,
                ends_on,
                status,
                licensee: name(licensee),
                grantor: name(grantor),
                article: article.map(|a| {
                    titles
                        .get(&a)
                        .cloned()
                        .unwrap_or_else(|| format!("article {a}"))
                }),
                credit_line,
            },
        )
        .collect())
}
