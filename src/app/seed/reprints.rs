//! The reprints, each under an article license, on a day inside its window.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;

use super::licenses::Issued;
use super::{insert_rows, Ctx, BATCH};
use crate::db::schema::reprints;
use crate::db::DbConnection;

#[derive(Insertable)]
#[diesel(table_name = reprints)]
#[diesel(treat_none_as_default_value = false)]
struct ReprintSeed {
    id: i64,
    article_id: i64,
    outlet_id: i64,
    reprinted_on: NaiveDate,
    medium: &'static str,
    territory: Option<&'static str>,
    url: Option<String>,
    compliance: &'static str,
    license_id: Option<i64>,
    reasons: &'static str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Writes the reprints.
pub(super) fn generate(
    conn: &mut DbConnection,
    ctx: &mut Ctx<'_>,
    issued: &[Issued],
) -> anyhow::Result<()> {
    let plan = ctx.plan;
    let now = ctx.now;
    let _outlet_base = ctx.outlet_base;
    let _sources = ctx.sources;
    let _ten_years_ago = ctx.ten_years_ago;
    let rng = &mut ctx.rng;
    let progress = ctx.progress;
    let reprint_base = ctx.reprint_base;
    for start in (0..plan.reprints.min(issued.len())).step_by(50_000) {
        let end = (start + 50_000).min(plan.reprints.min(issued.len()));
        let rows: Vec<ReprintSeed> = issued[start..end]
            .iter()
            .enumerate()
            .map(|(k, (license, article, licensee, from, until))| {
                let id = reprint_base + (start + k) as i64 + 1;
                let span = until.map_or(365, |u| (u - *from).num_days().max(1));
                let on = *from + Duration::days(rng.gen_range(0..span));
                ReprintSeed {
                    id,
                    article_id: *article,
                    outlet_id: *licensee,
                    reprinted_on: on,
                    medium: "web",
                    territory: Some("US"),
                    url: Some(format!("https://outlet{licensee}.example/reprints/{id}")),
                    compliance: "covered",
                    license_id: Some(*license),
                    reasons: "",
                    created_at: now,
                    updated_at: now,
                }
            })
            .collect();
        conn.transaction(|c| -> anyhow::Result<()> {
            insert_rows!(c, reprints::table, rows);
            Ok(())
        })?;
        progress(rows.len() as u64);
    }
    Ok(())
}
