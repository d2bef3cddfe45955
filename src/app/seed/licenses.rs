//! The licenses: feed and article licenses, a share ending soon, a few revoked.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;

use super::{insert_rows, Ctx, BATCH};
use super::{ACTIONS, CREDIT, MEDIA, TERRITORIES};
use crate::db::schema::licenses;
use crate::db::DbConnection;

/// A license that reprints are recorded under: (license, article, licensee, from, until).
pub(super) type Issued = (i64, i64, i64, NaiveDate, Option<NaiveDate>);

#[derive(Insertable, Clone)]
#[diesel(table_name = licenses)]
#[diesel(treat_none_as_default_value = false)]
struct LicenseSeed {
    id: i64,
    grantor_outlet_id: i64,
    licensee_outlet_id: i64,
    scope: &'static str,
    article_id: Option<i64>,
    actions: &'static str,
    media: &'static str,
    territories: &'static str,
    valid_from: NaiveDate,
    valid_until: Option<NaiveDate>,
    exclusive: bool,
    credit_line: Option<String>,
    status: &'static str,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Writes the licenses; answers the article licenses that reprints go under.
pub(super) fn generate(
    conn: &mut DbConnection,
    ctx: &mut Ctx<'_>,
    article_source: &[i64],
) -> anyhow::Result<Vec<Issued>> {
    let plan = ctx.plan;
    let now = ctx.now;
    let outlet_base = ctx.outlet_base;
    let sources = ctx.sources;
    let ten_years_ago = ctx.ten_years_ago;
    let rng = &mut ctx.rng;
    let progress = ctx.progress;
    let article_base = ctx.article_base;
    let license_base = ctx.license_base;
    let partners = (plan.outlets - sources).max(1) as i64;
    let mut issued: Vec<Issued> = Vec::with_capacity(plan.reprints.min(plan.licenses));
    for start in (0..plan.licenses).step_by(50_000) {
        let end = (start + 50_000).min(plan.licenses);
        let rows: Vec<LicenseSeed> = (start..end)
            .map(|k| {
                let id = license_base + k as i64 + 1;
                let licensee = outlet_base + sources as i64 + rng.gen_range(1..=partners);
                let feed = rng.gen_bool(0.3) || plan.articles == 0;
                let (grantor, article) = if feed {
                    (outlet_base + rng.gen_range(1..=sources as i64), None)
                } else {
                    let a = rng.gen_range(0..plan.articles);
                    (article_source[a], Some(article_base + a as i64 + 1))
                };
                let (from, until) = if rng.gen_bool(plan.expiring_share) {
                    let until = plan.today + Duration::days(rng.gen_range(0..30));
                    (until - Duration::days(365), Some(until))
                } else {
                    let from = ten_years_ago + Duration::days(rng.gen_range(0..3650));
                    let until = match rng.gen_range(0..10) {
                        0 => None,
                        _ => Some(from + Duration::days(rng.gen_range(30..1000))),
                    };
                    // Keep the share due exact: push the others' ends out of the month around today.
                    let until = until.map(|u| {
                        if u >= plan.today - Duration::days(31)
                            && u <= plan.today + Duration::days(31)
                        {
                            u + Duration::days(70)
                        } else {
                            u
                        }
                    });
                    (from, until)
                };
                let revoked = rng.gen_bool(0.02);
                if article.is_some() && issued.len() < plan.reprints {
                    issued.push((id, article.unwrap_or(0), licensee, from, until));
                }
                LicenseSeed {
                    id,
                    grantor_outlet_id: grantor,
                    licensee_outlet_id: licensee,
                    scope: if feed { "feed" } else { "article" },
                    article_id: article,
                    actions: ACTIONS[rng.gen_range(0..ACTIONS.len())],
                    media: MEDIA[rng.gen_range(0..MEDIA.len())],
                    territories: TERRITORIES[rng.gen_range(0..TERRITORIES.len())],
                    valid_from: from,
                    valid_until: until,
                    exclusive: false,
                    credit_line: Some(CREDIT.replace("{}", &format!("Source {grantor}"))),
                    status: if revoked { "revoked" } else { "active" },
                    version: 1,
                    created_at: now,
                    // A revocation happened some time in the license's life, not all today.
                    updated_at: if revoked {
                        (from + Duration::days(rng.gen_range(0..365)))
                            .and_time(chrono::NaiveTime::MIN)
                            .min(now)
                    } else {
                        now
                    },
                }
            })
            .collect();
        conn.transaction(|c| -> anyhow::Result<()> {
            insert_rows!(c, licenses::table, rows);
            Ok(())
        })?;
        progress(rows.len() as u64);
    }

    Ok(issued)
}
