//! `rightsdesk seed`: a deterministic generator of realistic data for benchmarks. Feed and article
//! licenses with windows over ten years, a share ending soon, mixes of territories and media;
//! written in batches inside transactions.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::DbConnection;
use crate::schema::{articles, licenses, outlets, reprints};

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

#[derive(Insertable)]
#[diesel(table_name = outlets)]
#[diesel(treat_none_as_default_value = false)]
struct OutletSeed {
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

const COUNTRIES: &[&str] = &[
    "US", "CA", "GB", "DE", "FR", "AU", "NL", "BR", "IN", "ZA", "UA", "PL",
];
const TERRITORIES: &[&str] = &[
    "WORLD", "US", "CA,US", "GB", "DE,FR,NL", "AU", "US", "CA,GB,US", "WORLD", "BR",
];
const MEDIA: &[&str] = &[
    "web",
    "web",
    "app,web",
    "print,web",
    "print",
    "newsletter,web",
    "app,social,web",
];
const ACTIONS: &[&str] = &[
    "republish",
    "republish",
    "excerpt,republish",
    "archive,republish",
    "translate",
];
const CREDIT: &str =
    "This article was originally published on {} and was reproduced with permission.";

/// How many rows a multi-row INSERT carries (well under both backends' parameter limits).
const BATCH: usize = 1000;

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

/// Writes the dataset; `progress` is told how many rows went in. Ids start after the existing
/// ones, so seeding twice adds a second dataset.
pub fn seed(
    conn: &mut DbConnection,
    plan: &SeedPlan,
    progress: &dyn Fn(u64),
) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let now = crate::types::now();
    let max_id = |conn: &mut DbConnection, table: &str| -> anyhow::Result<i64> {
        #[derive(QueryableByName)]
        struct Max {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let rows: Vec<Max> =
            diesel::sql_query(format!("SELECT COALESCE(MAX(id), 0) AS n FROM {table}"))
                .load(conn)?;
        Ok(rows.first().map_or(0, |r| r.n))
    };
    let outlet_base = max_id(conn, "outlets")?;
    let article_base = max_id(conn, "articles")?;
    let license_base = max_id(conn, "licenses")?;
    let reprint_base = max_id(conn, "reprints")?;
    let sources = (plan.outlets / 10).max(1);
    let ten_years_ago = plan.today - Duration::days(3650);

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

    let partners = (plan.outlets - sources).max(1) as i64;
    let mut issued: Vec<(i64, i64, i64, NaiveDate, Option<NaiveDate>)> =
        Vec::with_capacity(plan.reprints.min(plan.licenses));
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
