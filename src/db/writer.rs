//! SQLite's writer: one thread with the one write connection, committing the writes that arrive
//! together in one transaction (group commit).
//!
//! SQLite lets one writer in at a time, so writers queue anyway; here they queue on a channel
//! instead of a mutex. The thread takes every write waiting (up to [`MOST_AT_ONCE`]), runs each
//! inside a savepoint of one `BEGIN IMMEDIATE` transaction, and commits once: a write that fails
//! is rolled back to its savepoint and answers its own error, the others go on. A write's caller
//! hears its outcome only after the commit (or its failure, which every write of the batch then
//! answers). The connection stays open between batches, so its page cache stays warm.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::Arc;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ManageConnection, R2D2Connection};

use super::{Changes, DbConnection, Manager, StoreError, Touches};

/// At most this many writes share one transaction (the rest wait for the next).
const MOST_AT_ONCE: usize = 64;

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
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run(&manager, &jobs, &changes))?;
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

fn run(manager: &Manager, jobs: &mpsc::Receiver<Job>, changes: &Changes) {
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
            None => match manager.connect() {
                Ok(conn) => kept.insert(conn),
                Err(err) => {
                    fail(batch, &format!("opening the database: {err}"));
                    continue;
                }
            },
        };
        commit_batch(conn, batch, changes);
        if R2D2Connection::is_broken(conn) {
            // Opened afresh for the next batch.
            kept = None;
        }
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

fn commit_batch(conn: &mut DbConnection, batch: Vec<Job>, changes: &Changes) {
    if let Err(err) = conn.batch_execute("BEGIN IMMEDIATE") {
        fail(batch, &err.to_string());
        return;
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
    if let Err(why) = committed {
        fail(left, &why);
    }
}
