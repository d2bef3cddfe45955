//! SQLite's writer: one thread with the one write connection, committing the writes that arrive
//! together in one transaction (group commit).
//!
//! SQLite lets one writer in at a time, so writers queue anyway; here they queue on a channel
//! instead of a mutex. The thread takes every write waiting (up to [`MOST_AT_ONCE`]), runs each
//! inside a savepoint of one `BEGIN IMMEDIATE` transaction, and commits once: a write that fails
//! is rolled back to its savepoint and answers its own error, the others go on. A write's caller
//! hears its outcome only after the commit (or its failure, which every write of the batch then
//! answers). The connection stays open between batches, so its page cache stays warm.
//!
//! What the writer does not have to do itself is done elsewhere: its savepoints' journals are kept
//! in memory (`temp_store = MEMORY`; a batch's are a few pages) instead of a temporary file, and the
//! WAL is copied back into the database file mostly by a second thread, the checkpointer (a
//! `PASSIVE` checkpoint after commits, at most every [`CHECKPOINT_EVERY`]). The writer still
//! checkpoints once the WAL holds [`WAL_PAGES`] pages (SQLite's automatic checkpoint, which then
//! finds little left to copy): only a checkpoint that catches up with the last commit lets the
//! next write start the WAL file over, so without it the file would grow for as long as writes
//! keep coming. Measured in docs/performance.md.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ManageConnection, R2D2Connection};

use super::{Changes, DbConnection, Manager, StoreError, Touches};

/// At most this many writes share one transaction (the rest wait for the next).
const MOST_AT_ONCE: usize = 64;

/// The checkpointer copies the WAL back at most this often (while writes keep coming).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(50);

/// The WAL's size (in pages, 40 MiB) at which the writer checkpoints itself, so that the file
/// starts over. At SQLite's default (1,000 pages) the writer checkpoints ten times as often and
/// records a third fewer reprints a second.
const WAL_PAGES: u32 = 10_000;

/// The writer connection's own settings: savepoint journals in memory, a 16 MiB page cache (the
/// pages writes land on stay read), the WAL checkpointed by the writer only at [`WAL_PAGES`], and
/// the WAL file cut back to 64 MiB when it starts over (a bulk import leaves it large otherwise).
fn writer_settings() -> String {
    format!(
        "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384; \
         PRAGMA wal_autocheckpoint = {WAL_PAGES}; PRAGMA journal_size_limit = 67108864;"
    )
}

/// Tells a write's caller how it went, once the batch's commit is known: `Ok` when it committed.
type Deliver = Box<dyn FnOnce(Result<(), String>) + Send>;

/// One write: runs inside its savepoint and says what it changed (`None`: it failed) and how to
/// deliver its outcome; given the reason instead of a connection when its batch could not run,
/// it answers that.
type Run = Box<dyn FnOnce(Result<&mut DbConnection, &str>) -> (Option<Touches>, Deliver) + Send>;

struct Job {
    run: Run,
}

/// The queue to the writer thread.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer thread for this database file (it ends when the last `Writer` is gone).
    pub fn start(manager: Manager, changes: Arc<Changes>) -> std::io::Result<Writer> {
        let (queue, jobs) = mpsc::channel::<Job>();
        // One waiting signal is enough: the checkpoint copies whatever has been committed.
        let (committed, commits) = mpsc::sync_channel::<()>(1);
        let own = manager.clone();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || checkpoints(&own, &commits))?;
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run(&manager, &jobs, &changes, &committed))?;
        Ok(Writer { queue })
    }

    /// Runs `work` in the next transaction and answers its outcome once that has committed.
    /// The work says what it changed for cached answers.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<(T, Touches), E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel::<Result<T, E>>();
        let span = tracing::Span::current();
        let run: Run = Box::new(move |conn| {
            let outcome = match conn {
                Ok(conn) => span.in_scope(|| work(conn)),
                Err(why) => Err(E::from(unavailable(why))),
            };
            let touched = outcome.as_ref().ok().map(|(_, touches)| *touches);
            let deliver: Deliver = Box::new(move |committed| {
                let _ = answer.send(match (committed, outcome) {
                    (Ok(()), Ok((value, _))) => Ok(value),
                    (_, Err(err)) => Err(err),
                    (Err(why), Ok(_)) => Err(E::from(unavailable(&why))),
                });
            });
            (touched, deliver)
        });
        self.queue
            .send(Job { run })
            .map_err(|_| StoreError::Other(anyhow::anyhow!("the SQLite writer has stopped")))?;
        answered.await.map_err(|_| {
            // The work panicked (its answer dropped unanswered); the batch went on without it.
            E::from(StoreError::Other(anyhow::anyhow!("the write failed")))
        })?
    }
}

/// A batch that could not run or commit (the file locked by another process past the busy
/// timeout, the disk full, the file gone): worth a retry, so a 503.
fn unavailable(why: &str) -> StoreError {
    StoreError::Unavailable(anyhow::anyhow!("the write did not commit: {why}"))
}

fn run(
    manager: &Manager,
    jobs: &mpsc::Receiver<Job>,
    changes: &Changes,
    committed: &mpsc::SyncSender<()>,
) {
    let mut kept: Option<DbConnection> = None;
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MOST_AT_ONCE {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let conn = match kept.take() {
            Some(conn) => kept.insert(conn),
            None => match open_writer(manager) {
                Ok(conn) => kept.insert(conn),
                Err(err) => {
                    fail(batch, &format!("opening the database: {err}"));
                    continue;
                }
            },
        };
        if commit_batch(conn, batch, changes) {
            // If a signal is already waiting, the checkpoint it starts copies this commit too.
            let _ = committed.try_send(());
        }
        if R2D2Connection::is_broken(conn) {
            // Opened afresh for the next batch.
            kept = None;
        }
    }
}

/// The write connection, with the writer's own settings.
fn open_writer(manager: &Manager) -> Result<DbConnection, String> {
    let mut conn = manager.connect().map_err(|e| e.to_string())?;
    conn.batch_execute(&writer_settings())
        .map_err(|e| e.to_string())?;
    Ok(conn)
}

/// The checkpointer: after commits, copies the WAL's committed pages back into the database file
/// (`PASSIVE`: it waits for no reader and no writer, and what it could not copy yet waits for the
/// next round), on its own connection. It ends when the writer thread does.
fn checkpoints(manager: &Manager, commits: &mpsc::Receiver<()>) {
    let mut kept: Option<DbConnection> = None;
    while commits.recv().is_ok() {
        let conn = match kept.take() {
            Some(conn) => kept.insert(conn),
            None => match manager.connect() {
                Ok(conn) => kept.insert(conn),
                Err(err) => {
                    tracing::warn!(error = %err, "the checkpointer could not open the database");
                    std::thread::sleep(CHECKPOINT_EVERY);
                    continue;
                }
            },
        };
        if let Err(err) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
            // Left visible; the next commit asks again (and SQLite checkpoints on close anyway).
            tracing::warn!(error = %err, "a WAL checkpoint failed");
            kept = None;
        }
        std::thread::sleep(CHECKPOINT_EVERY);
    }
}

/// Answers every write of a batch that could not run with this reason.
fn fail(batch: Vec<Job>, why: &str) {
    tracing::warn!(
        writes = batch.len(),
        error = why,
        "a batch of writes failed"
    );
    for job in batch {
        let (_, deliver) = (job.run)(Err(why));
        deliver(Err(why.to_string()));
    }
}

/// Runs and commits one batch; `true` when it committed.
fn commit_batch(conn: &mut DbConnection, batch: Vec<Job>, changes: &Changes) -> bool {
    if let Err(err) = conn.batch_execute("BEGIN IMMEDIATE") {
        fail(batch, &err.to_string());
        return false;
    }
    let mut ran: Vec<(Option<Touches>, Deliver)> = Vec::with_capacity(batch.len());
    let mut broken: Option<String> = None;
    let mut waiting = batch.into_iter();
    for job in waiting.by_ref() {
        if let Err(err) = conn.batch_execute("SAVEPOINT write") {
            broken = Some(err.to_string());
            break;
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| (job.run)(Ok(&mut *conn))));
        let (touched, deliver) = match outcome {
            Ok((touched, deliver)) => (touched, Some(deliver)),
            Err(_) => (None, None),
        };
        let closed = if touched.is_some() {
            conn.batch_execute("RELEASE write")
        } else {
            conn.batch_execute("ROLLBACK TO write; RELEASE write")
        };
        if let Some(touches) = touched {
            // Now as well as after the commit: a later write of this batch that decides from a
            // cached answer (a reprint's verdict) sees this one's change. An answer another
            // thread loads meanwhile is from before the batch and gets the stamp the commit moves.
            changes.touch(touches);
        }
        if let Some(deliver) = deliver {
            ran.push((touched, deliver));
        }
        if let Err(err) = closed {
            broken = Some(err.to_string());
            break;
        }
    }
    let left: Vec<Job> = waiting.collect();
    let committed = match broken {
        Some(why) => Err(why),
        None => conn.batch_execute("COMMIT").map_err(|e| e.to_string()),
    };
    if committed.is_err() {
        let _ = conn.batch_execute("ROLLBACK");
    } else {
        for touches in ran.iter().filter_map(|(touched, _)| *touched) {
            changes.touch(touches);
        }
    }
    for (_, deliver) in ran {
        deliver(committed.clone());
    }
    match committed {
        Ok(()) => true,
        Err(why) => {
            fail(left, &why);
            false
        }
    }
}
