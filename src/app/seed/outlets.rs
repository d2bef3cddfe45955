//! The outlets: a tenth are sources, the rest partners.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::COUNTRIES;
use super::{insert_rows, Ctx, BATCH};
use crate::db::schema::outlets;
use crate::db::DbConnection;

#[derive(Insertable)]
#[diesel(table_name = outlets)]
#[diesel(treat_none_as_default_value = false)]
pub(super) struct OutletSeed {
    id: i64,
    name: String,
    website: Option<String>,
    country: Option<String>,
    contact_emails: String,
    notes: Option<String>,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Writes the outlets.
pub(super) fn generate(conn: &mut DbConnection, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    let plan = ctx.plan;
    let now = ctx.now;
    let outlet_base = ctx.outlet_base;
    let sources = ctx.sources;
    let _ten_years_ago = ctx.ten_years_ago;
    let _rng = &mut ctx.rng;
    let progress = ctx.progress;
    let outlet_rows: Vec<OutletSeed> = (1..=plan.outlets as i64)
        .map(|i| OutletSeed {
            id: outlet_base + i,
            name: format!(
                "{} {}",
                if i as usize <= sources {
                    "Source"
                } else {
                    "Partner"
                },
                outlet_base + i
            ),
            website: Some(format!("https://outlet{}.example", outlet_base + i)),
            country: Some(COUNTRIES[(i as usize) % COUNTRIES.len()].to_string()),
            contact_emails: format!("[\"rights@outlet{}.example\"]", outlet_base + i),
            notes: None,
            active: true,
            created_at: now,
            updated_at: now,
        })
        .collect();
    conn.transaction(|c| -> anyhow::Result<()> {
        insert_rows!(c, outlets::table, outlet_rows);
        Ok(())
    })?;
    progress(plan.outlets as u64);

    Ok(())
}
