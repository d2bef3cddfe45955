//! `rightsdesk seed`: a deterministic generator of realistic data for benchmarks. Feed and article
//! licenses with windows over ten years, a share ending soon, mixes of territories and media;
//! written in batches inside transactions, one generator per table.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::db::DbConnection;

mod articles;
mod licenses;
mod outlets;
mod reprints;

#[derive(Debug, Clone, Copy)]
pub struct SeedPlan {
    pub outlets: usize,
    pub articles: usize,
    pub licenses: usize,
    pub reprints: usize,
    pub seed: u64,
    /// Share of licenses that end within 30 days of `today`.
    pub expiring_share: f64,
    pub today: NaiveDate,
}

pub(super) const COUNTRIES: &[&str] = &[
    "US", "CA", "GB", "DE", "FR", "AU", "NL", "BR", "IN", "ZA", "UA", "PL",
];
pub(super) const TERRITORIES: &[&str] = &[
    "WORLD", "US", "CA,US", "GB", "DE,FR,NL", "AU", "US", "CA,GB,US", "WORLD", "BR",
];
pub(super) const MEDIA: &[&str] = &[
    "web",
    "web",
    "app,web",
    "print,web",
    "print",
    "newsletter,web",
    "app,social,web",
];
pub(super) const ACTIONS: &[&str] = &[
    "republish",
    "republish",
    "excerpt,republish",
    "archive,republish",
    "translate",
];
pub(super) const CREDIT: &str =
    "This article was originally published on {} and was reproduced with permission.";

/// How many rows a multi-row INSERT carries (well under both backends' parameter limits).
pub(super) const BATCH: usize = 1000;

macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let conn: &mut DbConnection = $conn;
        let mut n = 0;
        for chunk in $rows.chunks(BATCH) {
            n += match conn {
                DbConnection::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c)?,
                DbConnection::Postgres(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
            };
        }
        n
    }};
}

pub(super) use insert_rows;

/// What every generator shares: the random source, the clock, and where the ids start.
pub(super) struct Ctx<'a> {
    pub plan: &'a SeedPlan,
    pub rng: StdRng,
    pub now: chrono::NaiveDateTime,
    pub progress: &'a dyn Fn(u64),
    pub outlet_base: i64,
    pub article_base: i64,
    pub license_base: i64,
    pub reprint_base: i64,
    /// How many of the outlets are sources (the first tenth); the others are partners.
    pub sources: usize,
    pub ten_years_ago: NaiveDate,
}

fn max_id(conn: &mut DbConnection, table: &str) -> anyhow::Result<i64> {
    #[derive(QueryableByName)]
    struct Max {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let rows: Vec<Max> =
        diesel::sql_query(format!("SELECT COALESCE(MAX(id), 0) AS n FROM {table}")).load(conn)?;
    Ok(rows.first().map_or(0, |r| r.n))
}

/// Writes the dataset; `progress` is told how many rows went in. Ids start after the existing
/// ones, so seeding twice adds a second dataset.
pub fn seed(
    conn: &mut DbConnection,
    plan: &SeedPlan,
    progress: &dyn Fn(u64),
) -> anyhow::Result<()> {
    let mut ctx = Ctx {
        plan,
        rng: StdRng::seed_from_u64(plan.seed),
        now: crate::types::now(),
        progress,
        outlet_base: max_id(conn, "outlets")?,
        article_base: max_id(conn, "articles")?,
        license_base: max_id(conn, "licenses")?,
        reprint_base: max_id(conn, "reprints")?,
        sources: (plan.outlets / 10).max(1),
        ten_years_ago: plan.today - Duration::days(3650),
    };
    outlets::generate(conn, &mut ctx)?;
    let article_source = articles::generate(conn, &mut ctx)?;
    let issued = licenses::generate(conn, &mut ctx, &article_source)?;
    reprints::generate(conn, &mut ctx, &issued)?;
    // PostgreSQL identity columns do not see explicit ids: move them past the seeded rows.
    if let DbConnection::Postgres(c) = conn {
        for table in ["outlets", "articles", "licenses", "reprints"] {
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))
            .execute(c)?;
        }
        diesel::sql_query("ANALYZE").execute(c)?;
    } else {
        diesel::sql_query("ANALYZE").execute(conn)?;
    }
    Ok(())
}
