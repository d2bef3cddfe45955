//! Storage plumbing: one connection type over SQLite and PostgreSQL, the pool, migrations,
//! transactions, [`StoreError`], and the places where the backends differ (connection set-up and
//! "the id just inserted"). Nothing here knows HTTP.

#![warn(missing_docs)]

pub mod changes;
pub mod error;
pub mod remembered;
#[allow(missing_docs)] // the table! macros document the tables, not each generated item
pub mod schema;
pub mod sql;
mod writer;

pub use changes::{Changes, Stamp, Touches};
pub use error::{OptionalExt, StoreError};

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::sql_types::BigInt;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// The SQLite migrations, embedded in the binary.
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
/// The PostgreSQL migrations, embedded in the binary.
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The connection type; its own module because the derive generates public helper types.
#[allow(missing_docs)]
pub mod connection {
    use diesel::{PgConnection, SqliteConnection};

    /// One connection to whichever backend the configuration names.
    #[derive(diesel::MultiConnection)]
    pub enum DbConnection {
        /// A PostgreSQL connection.
        Postgres(PgConnection),
        /// A SQLite connection.
        Sqlite(SqliteConnection),
    }
}

pub use connection::{DbConnection, MultiBackend};

/// Which database engine a [`DatabaseUrl`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A parsed `--database-url`: `sqlite://PATH` or `postgres://...`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://PATH`: the file.
    Sqlite(PathBuf),
    /// `postgres://...`: the URL as given.
    Postgres(String),
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.redacted())
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        if let Some(path) = raw.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(
                    "a sqlite:// URL needs a file path, e.g. sqlite://data/rightsdesk.db".into(),
                );
            }
            Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
        } else if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            url::Url::parse(raw).map_err(|e| format!("not a valid PostgreSQL URL: {e}"))?;
            Ok(DatabaseUrl::Postgres(raw.to_string()))
        } else {
            Err("the database URL must start with sqlite:// or postgres://".into())
        }
    }
}

impl DatabaseUrl {
    /// Which engine the URL names.
    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }

    /// The URL with any password removed, fit for logs.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(raw) => match url::Url::parse(raw) {
                Ok(mut url) => {
                    if url.password().is_some() {
                        let _ = url.set_password(Some("***"));
                    }
                    url.to_string()
                }
                Err(_) => "postgres://<unparseable>".into(),
            },
        }
    }
}

/// Opens connections for the pool, each set up for its backend.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Postgres)
                .map_err(r2d2::Error::ConnectionError),
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// The r2d2 pool over [`Manager`].
pub type Pool = r2d2::Pool<Manager>;

/// The database as the rest of the service sees it: a pool, its backend, and the rule that on
/// SQLite only one writer runs at a time.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    url: DatabaseUrl,
    backend: Backend,
    /// SQLite: the writer thread, with the one write connection kept open (writers take turns
    /// anyway; its page cache stays warm) and the writes that arrive together committed together.
    sqlite_writer: Option<writer::Writer>,
    changes: Arc<Changes>,
}

impl Db {
    /// Opens the pool. On SQLite the file and its folder are created.
    pub fn connect(
        url: &DatabaseUrl,
        pool_size: u32,
        acquire_timeout: Duration,
    ) -> anyhow::Result<Db> {
        if let DatabaseUrl::Sqlite(path) = url {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).with_context(|| {
                    format!("creating the database folder {}", parent.display())
                })?;
            }
        }
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .connection_timeout(acquire_timeout)
            // No ping per checkout: a broken connection is found by its first error and dropped.
            .test_on_check_out(false)
            .build(Manager { url: url.clone() })
            .with_context(|| format!("connecting to {}", url.redacted()))?;
        // One serving process owns a SQLite file; on PostgreSQL the stamps are trusted only
        // while [`Db::hear_other_instances`] listens.
        let changes = Arc::new(Changes::new(url.backend() == Backend::Sqlite));
        let sqlite_writer = match url {
            DatabaseUrl::Sqlite(_) => Some(
                writer::Writer::start(Manager { url: url.clone() }, changes.clone())
                    .context("starting the SQLite writer thread")?,
            ),
            DatabaseUrl::Postgres(_) => None,
        };
        Ok(Db {
            pool,
            url: url.clone(),
            backend: url.backend(),
            sqlite_writer,
            changes,
        })
    }

    /// What changed since a cached answer was loaded (see [`changes`]).
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    /// On PostgreSQL, starts hearing other instances' writes (a thread with a connection of its
    /// own, for as long as this database is open). Until it listens, cached answers are bypassed.
    pub fn hear_other_instances(&self) {
        if let DatabaseUrl::Postgres(url) = &self.url {
            changes::listen(url.clone(), Arc::downgrade(&self.changes));
        }
    }

    /// Which engine this database runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection for start-up work and commands (not for request handlers).
    pub fn get(&self) -> anyhow::Result<r2d2::PooledConnection<Manager>> {
        self.pool
            .get()
            .context("taking a database connection from the pool")
    }

    /// Applies every pending migration of the backend.
    pub fn migrate(&self) -> anyhow::Result<Vec<String>> {
        let mut conn = self.get()?;
        run_migrations(&mut conn)
    }

    /// Runs a short read-only point query for the hot path. On SQLite it runs right here, on a
    /// read connection kept per worker thread (an indexed point query costs microseconds, less
    /// than the hop to the blocking pool); on PostgreSQL, where a query waits on the network, it
    /// goes through [`Db::read`].
    pub async fn read_point<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        match &self.url {
            DatabaseUrl::Sqlite(path) => with_thread_reader(path, work),
            DatabaseUrl::Postgres(_) => self.read(work).await,
        }
    }

    /// Runs read-only diesel work on the blocking pool, with the caller's tracing span.
    pub async fn read<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        actix_web::web::block(move || {
            let _entered = span.enter();
            let mut conn = pool.get().map_err(StoreError::from)?;
            work(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Other(anyhow::anyhow!("blocking task failed: {e}")))?
    }

    /// Runs diesel work inside one transaction. On PostgreSQL on the blocking pool; on SQLite on
    /// the writer thread (see [`writer`]), which commits the writes waiting together, each in a
    /// savepoint, and takes the file's write lock first (`BEGIN IMMEDIATE`, waiting for other
    /// processes under `busy_timeout` instead of failing when a reader upgrades).
    ///
    /// Once committed, every cached answer is dropped ([`Touches::Everything`]); a write that can
    /// change less says so through [`Db::write_touching`].
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        self.write_touching(Touches::Everything, work).await
    }

    /// [`Db::write`], naming what the write can change for cached answers: this instance drops
    /// them once the write commits, other instances on PostgreSQL when they hear of it.
    pub async fn write_touching<T, E, F>(&self, touches: Touches, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        self.write_deciding(move |conn| work(conn).map(|value| (value, touches)))
            .await
    }

    /// [`Db::write`] for work that finds out what it changes as it goes (a reprint changes a
    /// rights check only when it counts towards a capped license).
    pub async fn write_deciding<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<(T, Touches), E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        if let Some(writer) = &self.sqlite_writer {
            return writer.write(work).await;
        }
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        let written = actix_web::web::block(move || {
            let _entered = span.enter();
            let mut conn = pool.get().map_err(StoreError::from)?;
            postgres_transaction(&mut conn, |c| {
                let (value, touches) = work(c)?;
                if let DbConnection::Postgres(pg) = c {
                    changes::announce(pg, touches).map_err(StoreError::from)?;
                }
                Ok((value, touches))
            })
        })
        .await
        .map_err(|e| StoreError::Other(anyhow::anyhow!("blocking task failed: {e}")))?;
        written.map(|(value, touches)| {
            self.changes.touch(touches);
            value
        })
    }
}

/// A PostgreSQL transaction around `work`, rolled back on its error.
fn postgres_transaction<T, E: From<StoreError>>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    /// Carries the work's own error through diesel's transaction, which wants one that a
    /// diesel error converts into.
    enum Failed<E> {
        Work(E),
        Store(StoreError),
    }
    impl<E> From<diesel::result::Error> for Failed<E> {
        fn from(err: diesel::result::Error) -> Self {
            Failed::Store(StoreError::from(err))
        }
    }
    conn.transaction(|c| work(c).map_err(Failed::Work))
        .map_err(|failed| match failed {
            Failed::Work(e) => e,
            Failed::Store(e) => E::from(e),
        })
}

/// Applies the pending migrations of the connection's backend; answers their names.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("applying migrations: {e}"))?;
    Ok(applied.into_iter().map(|v| v.to_string()).collect())
}

/// The id of the row the connection inserted last (diesel's multi-connection has no RETURNING).
/// Call it inside the transaction that inserted.
pub fn last_insert_id(conn: &mut DbConnection) -> QueryResult<i64> {
    match conn {
        DbConnection::Sqlite(c) => {
            diesel::select(diesel::dsl::sql::<BigInt>("last_insert_rowid()")).get_result(c)
        }
        DbConnection::Postgres(c) => {
            diesel::select(diesel::dsl::sql::<BigInt>("lastval()")).get_result(c)
        }
    }
}

/// Runs the same diesel expression on the connection's own backend type rather than through the
/// multi-connection wrapper, which re-renders the SQL of every query. Hot-path queries use it so
/// that each backend's prepared-statement cache serves them.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgres($c) => $body,
        }
    };
}

/// A simple query that proves the database answers (for `/readyz`).
pub fn ping(conn: &mut DbConnection) -> QueryResult<()> {
    conn.batch_execute("SELECT 1")
}

thread_local! {
    /// Per worker thread: one SQLite read connection per database file.
    static READERS: std::cell::RefCell<std::collections::HashMap<PathBuf, DbConnection>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn with_thread_reader<T, E: From<StoreError>>(
    path: &std::path::Path,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    READERS.with(|readers| {
        let mut readers = readers.borrow_mut();
        if !readers.contains_key(path) {
            tracing::debug!(path = %path.display(), "opening a read connection for this worker thread");
            let conn = Manager { url: DatabaseUrl::Sqlite(path.to_path_buf()) }
                .connect()
                .map_err(StoreError::from)?;
            readers.insert(path.to_path_buf(), conn);
        }
        let conn = readers
            .get_mut(path)
            .ok_or_else(|| StoreError::Other(anyhow::anyhow!("no read connection")))?;
        let result = work(conn);
        if conn.is_broken() {
            readers.remove(path);
        }
        result
    })
}
