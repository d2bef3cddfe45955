//! Both migration sets build the same schema, and every migration's down.sql undoes its up.sql.

use std::collections::BTreeMap;

use diesel::connection::SimpleConnection;
use diesel::sql_types::{Integer, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use diesel_migrations::MigrationHarness;
use rightsdesk::db::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

use crate::common::PgDatabase;

/// table -> column -> (type, nullable)
type Shape = BTreeMap<String, BTreeMap<String, (String, bool)>>;

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    ty: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

fn sqlite_shape(conn: &mut SqliteConnection) -> Shape {
    let columns: Vec<SqliteColumn> = diesel::sql_query(
        "SELECT m.name AS tbl, p.name AS name, p.type AS ty, p.\"notnull\" AS not_null, p.pk AS pk \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name != '__diesel_schema_migrations'",
    )
    .load(conn)
    .unwrap();
    let mut shape = Shape::new();
    for c in columns {
        let ty = match (c.ty.to_uppercase().as_str(), c.pk) {
            ("INTEGER", 1) | ("BIGINT", _) => "bigint",
            ("INTEGER", _) => "integer",
            ("TEXT", _) => "text",
            ("BOOLEAN", _) => "boolean",
            ("TIMESTAMP", _) => "timestamp",
            ("DATE", _) => "date",
            (other, _) => panic!(
                "column {}.{} has a type both backends do not share: {other}",
                c.tbl, c.name
            ),
        };
        shape
            .entry(c.tbl)
            .or_default()
            .insert(c.name, (ty.to_string(), c.not_null == 0 && c.pk == 0));
    }
    shape
}

fn pg_shape(conn: &mut PgConnection) -> Shape {
    let columns: Vec<PgColumn> = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type, \
         is_nullable::text AS is_nullable FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name != '__diesel_schema_migrations'",
    )
    .load(conn)
    .unwrap();
    let mut shape = Shape::new();
    for c in columns {
        let ty = match c.data_type.as_str() {
            "bigint" => "bigint",
            "integer" => "integer",
            "text" => "text",
            "boolean" => "boolean",
            "timestamp without time zone" => "timestamp",
            "date" => "date",
            other => panic!(
                "column {}.{} has a type both backends do not share: {other}",
                c.table_name, c.column_name
            ),
        };
        shape
            .entry(c.table_name)
            .or_default()
            .insert(c.column_name, (ty.to_string(), c.is_nullable == "YES"));
    }
    shape
}

#[test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL: set RIGHTSDESK_TEST_POSTGRES_URL to run it"
)]
fn both_backends_have_the_same_schema_and_down_up_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let mut sqlite =
        SqliteConnection::establish(&dir.path().join("schema.db").to_string_lossy()).unwrap();
    sqlite.batch_execute("PRAGMA foreign_keys = ON").unwrap();
    sqlite.run_pending_migrations(SQLITE_MIGRATIONS).unwrap();
    let sqlite_schema = sqlite_shape(&mut sqlite);
    assert!(sqlite_schema.contains_key("licenses") && sqlite_schema.contains_key("audit_log"));

    sqlite.revert_all_migrations(SQLITE_MIGRATIONS).unwrap();
    assert!(
        sqlite_shape(&mut sqlite).is_empty(),
        "sqlite down.sql left tables behind"
    );
    sqlite.run_pending_migrations(SQLITE_MIGRATIONS).unwrap();
    assert_eq!(
        sqlite_shape(&mut sqlite),
        sqlite_schema,
        "sqlite down/up did not round-trip"
    );

    let Some(db) = PgDatabase::create() else {
        return;
    };
    let mut pg = PgConnection::establish(&db.url).unwrap();
    pg.run_pending_migrations(POSTGRES_MIGRATIONS).unwrap();
    let pg_schema = pg_shape(&mut pg);
    pg.revert_all_migrations(POSTGRES_MIGRATIONS).unwrap();
    assert!(
        pg_shape(&mut pg).is_empty(),
        "postgres down.sql left tables behind"
    );
    pg.run_pending_migrations(POSTGRES_MIGRATIONS).unwrap();
    assert_eq!(
        pg_shape(&mut pg),
        pg_schema,
        "postgres down/up did not round-trip"
    );
    drop(pg);

    for (table, columns) in &sqlite_schema {
        assert_eq!(
            Some(columns),
            pg_schema.get(table),
            "table {table} differs between SQLite and PostgreSQL"
        );
    }
    assert_eq!(
        sqlite_schema.keys().collect::<Vec<_>>(),
        pg_schema.keys().collect::<Vec<_>>()
    );
}

#[test]
fn migration_folders_come_in_pairs() {
    let names = |dir: &str| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let sqlite = names("migrations/sqlite");
    assert_eq!(sqlite, names("migrations/postgres"));
    for name in sqlite {
        for backend in ["sqlite", "postgres"] {
            for file in ["up.sql", "down.sql"] {
                assert!(
                    std::path::Path::new(&format!("migrations/{backend}/{name}/{file}")).exists(),
                    "{backend}/{name}/{file} is missing"
                );
            }
        }
    }
}

/// Runs `rightsdesk migrate` on a database; answers its standard output.
fn migrate(url: &str, data_dir: &std::path::Path) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rightsdesk"))
        .arg("migrate")
        .env("RIGHTSDESK_DATABASE_URL", url)
        .env("RIGHTSDESK_DATA_DIR", data_dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "migrate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `rightsdesk migrate` on a fresh database names every migration it applied; a second run says
/// nothing was pending. On both backends.
#[test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL: set RIGHTSDESK_TEST_POSTGRES_URL to run it"
)]
fn migrate_reports_what_it_applied() {
    let migrations: Vec<String> = std::fs::read_dir("migrations/sqlite")
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .replace(['-', '_'], "")
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut urls = vec![format!(
        "sqlite://{}",
        dir.path().join("fresh.db").display()
    )];
    let pg = PgDatabase::create();
    if let Some(pg) = &pg {
        urls.push(pg.url.clone());
    }
    for url in urls {
        let first = migrate(&url, dir.path());
        assert!(
            first.contains(&format!("applied {} migration(s)", migrations.len())),
            "{url}: {first}"
        );
        for name in &migrations {
            let digits: String = name.chars().filter(char::is_ascii_digit).collect();
            assert!(
                first.replace(['-', '_'], "").contains(&digits),
                "{url}: {name} not reported in {first}"
            );
        }
        let second = migrate(&url, dir.path());
        assert!(
            second.contains("no migration was pending"),
            "{url}: {second}"
        );
    }
}
