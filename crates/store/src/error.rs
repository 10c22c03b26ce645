//! What can go wrong in the store.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use kefu_domain::DomainError;

/// A storage failure, precise enough for callers to answer 404, 409 or 503.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A unique value is already taken.
    #[error("already exists: {0}")]
    Conflict(String),
    /// The database is locked by another writer for longer than the busy timeout.
    #[error("the database is busy")]
    Busy,
    /// No connection could be had: the database is down or the pool is exhausted.
    #[error("the database is unavailable: {context}")]
    Unavailable {
        /// What was being attempted.
        context: String,
        /// Why it failed, if an error said so.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// The database URL names no backend Kefu supports.
    #[error("invalid database URL `{0}`: use postgres://… or sqlite://path (or a file path)")]
    InvalidUrl(String),
    /// A stored value does not parse as its domain type.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Query(#[source] DieselError),
    /// The node's own search index could not be read or written.
    #[error("the search index failed")]
    SearchIndex(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The blocking task running a query panicked or was cancelled.
    #[error("database task failed")]
    Task(#[source] tokio::task::JoinError),
}

impl StoreError {
    /// The database could not be reached while doing `context`, because of `source`.
    pub fn unavailable(
        context: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        StoreError::Unavailable {
            context: context.into(),
            source: Some(source.into()),
        }
    }
}

impl From<DieselError> for StoreError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => StoreError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Conflict(info.message().to_owned())
            }
            DieselError::DatabaseError(_, ref info)
                if info.message().contains("database is locked")
                    || info.message().contains("database is busy") =>
            {
                StoreError::Busy
            }
            other => StoreError::Query(other),
        }
    }
}

impl From<DomainError> for StoreError {
    fn from(error: DomainError) -> Self {
        StoreError::Corrupt(error.to_string())
    }
}
