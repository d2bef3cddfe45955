//! What storage answers when it cannot: a missing row, a conflict with a constraint, a database
//! that is not there right now, or anything else. No HTTP here: `http::problem` maps each kind
//! to a status (404, 409, 503, 500).

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist (or is not the caller's to see).
    #[error("no such record")]
    NotFound,
    /// A unique constraint refused the write.
    #[error("a record with the same unique values already exists")]
    Conflict,
    /// A foreign key refused the write.
    #[error("the record refers to, or is referred to by, another record")]
    ForeignKey,
    /// The database is not reachable now (connection refused or lost, pool exhausted, locked
    /// past its timeout): worth a retry.
    #[error("the database is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Anything else: a bug or a row that no longer parses.
    #[error("storage failed")]
    Other(#[source] anyhow::Error),
}

impl StoreError {
    /// Wraps any error as "unavailable".
    pub fn unavailable(err: impl std::error::Error + Send + Sync + 'static) -> StoreError {
        StoreError::Unavailable(anyhow::Error::new(err))
    }

    /// A stored row that does not parse into its domain type.
    pub fn corrupt(message: impl std::fmt::Display) -> StoreError {
        StoreError::Other(anyhow::anyhow!("a stored row does not parse: {message}"))
    }
}

impl From<DieselError> for StoreError {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::NotFound => StoreError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                StoreError::Conflict
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                StoreError::ForeignKey
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
            | DieselError::DatabaseError(DatabaseErrorKind::UnableToSendCommand, _)
            | DieselError::BrokenTransactionManager => {
                StoreError::Unavailable(anyhow::Error::new(err))
            }
            DieselError::DatabaseError(_, ref info) if is_unavailable(info.message()) => {
                StoreError::Unavailable(anyhow::Error::new(err))
            }
            other => StoreError::Other(anyhow::Error::new(other)),
        }
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        StoreError::Unavailable(anyhow::Error::new(err))
    }
}

impl From<diesel::r2d2::Error> for StoreError {
    fn from(err: diesel::r2d2::Error) -> Self {
        StoreError::Unavailable(anyhow::Error::new(err))
    }
}

/// Messages of database errors that mean "not available now" rather than a bug.
fn is_unavailable(message: &str) -> bool {
    let m = message.to_lowercase();
    [
        "server closed the connection",
        "terminating connection",
        "connection refused",
        "could not connect",
        "no connection to the server",
        "the database system is shutting down",
        "the database system is starting up",
        "database is locked",
        "unable to open database file",
        "broken pipe",
    ]
    .iter()
    .any(|needle| m.contains(needle))
}

/// `Ok(None)` for a missing row, the error otherwise: a lookup whose absence is an answer
/// (an id in a body) must still fail on an outage.
pub trait OptionalExt<T> {
    /// The row, `None` when there is none, an error when the store failed.
    fn optional(self) -> Result<Option<T>, StoreError>;
}

impl<T> OptionalExt<T> for Result<T, StoreError> {
    fn optional(self) -> Result<Option<T>, StoreError> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl<T> OptionalExt<T> for Result<T, DieselError> {
    fn optional(self) -> Result<Option<T>, StoreError> {
        self.map_err(StoreError::from).optional()
    }
}
