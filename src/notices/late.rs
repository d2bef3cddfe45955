//! Reprints recorded after their license ended: the desk hears of each once (kind
//! `late_reprint`, lead `reprint-<id>`), through the outbox like every notice.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::store::NoticeRow;
use crate::db::schema::{articles, licenses, reprints};
use crate::db::DbConnection;

/// A reprint recorded after the license between its outlet and the article's source ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateReprint {
    pub reprint_id: i64,
    pub license_id: i64,
    pub ended_on: NaiveDate,
}

/// Uncovered reprints recorded since `since` whose verdict says a license had expired, each with
/// the latest license (same partner, same grantor) that ended before the reprint's day.
pub fn late_reprints(
    conn: &mut DbConnection,
    since: NaiveDateTime,
) -> QueryResult<Vec<LateReprint>> {
    let rows: Vec<(i64, i64, i64, NaiveDate)> = reprints::table
        .inner_join(articles::table)
        .filter(reprints::deleted_at.is_null())
        .filter(reprints::created_at.ge(since))
        .filter(reprints::compliance.eq("uncovered"))
        .filter(reprints::reasons.like("%expired%"))
        .order(reprints::id.asc())
        .limit(500)
        .select((
            reprints::id,
            reprints::outlet_id,
            articles::source_outlet_id,
            reprints::reprinted_on,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (reprint_id, outlet, grantor, on) in rows {
        let ended: Option<(i64, Option<NaiveDate>)> = licenses::table
            .filter(licenses::deleted_at.is_null())
            .filter(licenses::licensee_outlet_id.eq(outlet))
            .filter(licenses::grantor_outlet_id.eq(grantor))
            .filter(licenses::valid_until.lt(on))
            .order(licenses::valid_until.desc())
            .select((licenses::id, licenses::valid_until))
            .first(conn)
            .optional()?;
        if let Some((license_id, Some(ended_on))) = ended {
            out.push(LateReprint {
                reprint_id,
                license_id,
                ended_on,
            });
        }
    }
    Ok(out)
}

/// The URLs of the late reprints some notices name, by license.
pub fn late_urls(
    conn: &mut DbConnection,
    notices: &[NoticeRow],
) -> QueryResult<HashMap<i64, Vec<String>>> {
    let wanted: Vec<(i64, i64)> = notices
        .iter()
        .filter(|n| n.kind == super::LATE_REPRINT)
        .filter_map(|n| {
            let id = n.lead.strip_prefix("reprint-")?.parse().ok()?;
            Some((id, n.license_id))
        })
        .collect();
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    if wanted.is_empty() {
        return Ok(out);
    }
    let ids: Vec<i64> = wanted.iter().map(|w| w.0).collect();
    let urls: Vec<(i64, Option<String>)> = reprints::table
        .filter(reprints::id.eq_any(&ids))
        .select((reprints::id, reprints::url))
        .load(conn)?;
    for (reprint, license) in wanted {
        let url = urls
            .iter()
            .find(|(id, _)| *id == reprint)
            .and_then(|(_, u)| u.clone())
            .unwrap_or_else(|| format!("reprint {reprint} (no URL recorded)"));
        out.entry(license).or_default().push(url);
    }
    Ok(out)
}
