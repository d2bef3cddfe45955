//! The articles, each from a source outlet, published over ten years. Answers each article's
//! source, in id order.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;

use super::CREDIT;
use super::{insert_rows, Ctx, BATCH};
use crate::db::schema::articles;
use crate::db::DbConnection;

#[derive(Insertable)]
#[diesel(table_name = articles)]
#[diesel(treat_none_as_default_value = false)]
struct ArticleSeed {
    id: i64,
    source_outlet_id: i64,
    title: String,
    url: Option<String>,
    published_on: Option<NaiveDate>,
    external_id: Option<String>,
    copyright_line: Option<String>,
    copyright_holder: Option<String>,
    permission_statement: Option<String>,
    permission_kind: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Writes the articles; answers each one's source outlet.
pub(super) fn generate(conn: &mut DbConnection, ctx: &mut Ctx<'_>) -> anyhow::Result<Vec<i64>> {
    let plan = ctx.plan;
    let now = ctx.now;
    let outlet_base = ctx.outlet_base;
    let sources = ctx.sources;
    let ten_years_ago = ctx.ten_years_ago;
    let rng = &mut ctx.rng;
    let progress = ctx.progress;
    let article_base = ctx.article_base;
    let mut article_source = Vec::with_capacity(plan.articles);
    for start in (0..plan.articles).step_by(50_000) {
        let end = (start + 50_000).min(plan.articles);
        let rows: Vec<ArticleSeed> = (start..end)
            .map(|k| {
                let id = article_base + k as i64 + 1;
                let source = outlet_base + rng.gen_range(1..=sources as i64);
                article_source.push(source);
                let published = ten_years_ago + Duration::days(rng.gen_range(0..3650));
                ArticleSeed {
                    id,
                    source_outlet_id: source,
                    title: format!("Story {id}: a dispatch from the desk"),
                    url: Some(format!("https://outlet{source}.example/stories/{id}")),
                    published_on: Some(published),
                    external_id: Some(format!("ext-{id}")),
                    copyright_line: Some(format!(
                        "Copyright {} Source {source}.",
                        published.format("%Y")
                    )),
                    copyright_holder: Some(format!("Source {source}")),
                    permission_statement: Some(CREDIT.replace("{}", &format!("Source {source}"))),
                    permission_kind: Some("reproduced_with_permission".into()),
                    created_at: now,
                    updated_at: now,
                }
            })
            .collect();
        conn.transaction(|c| -> anyhow::Result<()> {
            insert_rows!(c, articles::table, rows);
            Ok(())
        })?;
        progress(rows.len() as u64);
    }

    Ok(article_source)
}
