//! What changed since a cached answer was loaded. Caches above the store (the rights check's
//! coverage cache) stamp each entry with [`Changes::stamp`] taken *before* they load it, and
//! trust the entry only while the stamp is unchanged.
//!
//! A committed write moves the stamp: every write through [`super::Db::write`] moves all of them
//! (the safe default), a write through [`super::Db::write_touching`] names what it can change
//! (one partition, say a licensee's reprint count, or nothing). The move happens after the
//! commit, so an answer loaded before it is never stored under the new stamp.
//!
//! Several instances on one PostgreSQL database hear each other's writes through
//! `LISTEN/NOTIFY` (the notification is sent inside the writing transaction, so it is delivered
//! exactly when the write commits). While this instance is not listening (starting, or its
//! listening connection lost) [`Changes::stamp`] answers `None`: nothing cached is trusted, and
//! every answer comes from the database until the listener is back.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Weak;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

/// The channel instances tell each other about writes on.
pub const CHANNEL: &str = "rightsdesk_changes";
/// Partitions get a counter each out of this many (a write to one moves its stripe's).
const STRIPES: usize = 1024;
/// How often the listener looks for notifications (the bound on another instance's staleness,
/// with the time a notification takes to arrive).
const POLL: Duration = Duration::from_millis(50);
/// How often the listener proves its connection alive with a query.
const PING: Duration = Duration::from_secs(2);

/// What a write can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touches {
    /// Anything: every cached answer is dropped.
    Everything,
    /// Only answers of this partition (a licensee's outlet id).
    Partition(i64),
    /// No cached answer (users, keys, notices, verification results).
    Nothing,
}

impl Touches {
    /// The `NOTIFY` payload telling other instances.
    fn payload(self) -> Option<String> {
        match self {
            Touches::Everything => Some("*".into()),
            Touches::Partition(p) => Some(p.to_string()),
            Touches::Nothing => None,
        }
    }

    fn from_payload(payload: &str) -> Touches {
        payload
            .parse()
            .map(Touches::Partition)
            .unwrap_or(Touches::Everything)
    }
}

/// The moment an answer was loaded, for one partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    all: u64,
    stripe: u64,
}

/// The change counters of one process.
#[derive(Debug)]
pub struct Changes {
    all: AtomicU64,
    stripes: Box<[AtomicU64]>,
    /// False while the stamps cannot be trusted (PostgreSQL, not listening).
    trusted: AtomicBool,
}

impl Changes {
    /// Counters trusted from the start (one process owns the SQLite file) or only once the
    /// listener runs (PostgreSQL).
    pub fn new(trusted: bool) -> Changes {
        Changes {
            all: AtomicU64::new(0),
            stripes: (0..STRIPES).map(|_| AtomicU64::new(0)).collect(),
            trusted: AtomicBool::new(trusted),
        }
    }

    fn stripe(&self, partition: i64) -> &AtomicU64 {
        &self.stripes[partition.rem_euclid(STRIPES as i64) as usize]
    }

    /// Now, for answers of this partition; `None` when no cached answer may be trusted.
    pub fn stamp(&self, partition: i64) -> Option<Stamp> {
        if !self.trusted.load(Ordering::Acquire) {
            return None;
        }
        Some(Stamp {
            all: self.all.load(Ordering::Acquire),
            stripe: self.stripe(partition).load(Ordering::Acquire),
        })
    }

    /// A committed write (here or, heard by the listener, elsewhere) changed this.
    pub fn touch(&self, touches: Touches) {
        match touches {
            Touches::Everything => {
                self.all.fetch_add(1, Ordering::AcqRel);
            }
            Touches::Partition(p) => {
                self.stripe(p).fetch_add(1, Ordering::AcqRel);
            }
            Touches::Nothing => {}
        }
    }

    fn set_trusted(&self, trusted: bool) {
        // Whatever was cached before (re)listening may have missed a write: drop it.
        self.all.fetch_add(1, Ordering::AcqRel);
        self.trusted.store(trusted, Ordering::Release);
    }
}

/// Inside a PostgreSQL write transaction: tells the other instances, on commit.
pub(super) fn announce(conn: &mut PgConnection, touches: Touches) -> QueryResult<()> {
    if let Some(payload) = touches.payload() {
        diesel::sql_query("SELECT pg_notify($1, $2)")
            .bind::<diesel::sql_types::Text, _>(CHANNEL)
            .bind::<diesel::sql_types::Text, _>(payload)
            .execute(conn)?;
    }
    Ok(())
}

/// Listens for other instances' writes on a connection of its own, for as long as `changes`
/// lives. Reconnects after a second when the connection is lost; meanwhile nothing cached is
/// trusted.
pub(super) fn listen(url: String, changes: Weak<Changes>) {
    let spawned = std::thread::Builder::new()
        .name("rightsdesk-changes".into())
        .spawn(move || {
            while let Some(alive) = changes.upgrade() {
                match PgConnection::establish(&url) {
                    Ok(mut conn) => {
                        if let Err(err) = conn.batch_execute(&format!("LISTEN {CHANNEL}")) {
                            tracing::warn!(error = %err, "could not listen for other instances' writes");
                        } else {
                            alive.set_trusted(true);
                            drop(alive);
                            let lost = hear(&mut conn, &changes);
                            if let Some(alive) = changes.upgrade() {
                                alive.set_trusted(false);
                            }
                            if let Some(err) = lost {
                                tracing::warn!(error = %err, "lost the connection that hears other instances' writes; cached answers are bypassed until it is back");
                            }
                        }
                    }
                    Err(err) => {
                        drop(alive);
                        tracing::warn!(error = %err, "could not connect to hear other instances' writes; cached answers are bypassed");
                    }
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        });
    if let Err(err) = spawned {
        tracing::error!(error = %err, "could not start the thread that hears other instances' writes; cached answers are bypassed");
    }
}

/// Applies notifications until the connection fails (its error) or `changes` is gone (`None`).
fn hear(conn: &mut PgConnection, changes: &Weak<Changes>) -> Option<String> {
    let mut pinged = Instant::now();
    loop {
        let alive = changes.upgrade()?;
        for heard in conn.notifications_iter() {
            match heard {
                Ok(n) => alive.touch(Touches::from_payload(&n.payload)),
                Err(err) => return Some(err.to_string()),
            }
        }
        drop(alive);
        if pinged.elapsed() >= PING {
            if let Err(err) = conn.batch_execute("SELECT 1") {
                return Some(err.to_string());
            }
            pinged = Instant::now();
        }
        std::thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_moves_the_stamps_it_can_change() {
        let changes = Changes::new(true);
        let before = changes.stamp(7);
        changes.touch(Touches::Nothing);
        assert_eq!(changes.stamp(7), before);
        changes.touch(Touches::Partition(8));
        assert_eq!(changes.stamp(7), before, "another licensee's write");
        changes.touch(Touches::Partition(7));
        assert_ne!(changes.stamp(7), before);
        let before = changes.stamp(9);
        changes.touch(Touches::Everything);
        assert_ne!(changes.stamp(9), before);
        assert_eq!(Touches::from_payload("42"), Touches::Partition(42));
        assert_eq!(Touches::from_payload("*"), Touches::Everything);
        assert_eq!(Touches::Partition(-3).payload().as_deref(), Some("-3"));
    }

    #[test]
    fn untrusted_counters_stamp_nothing() {
        let changes = Changes::new(false);
        assert_eq!(changes.stamp(1), None);
        changes.set_trusted(true);
        assert!(changes.stamp(1).is_some());
    }
}
