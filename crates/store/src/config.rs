//! The store's configuration.

use serde::Deserialize;

/// Where the database is and how many connections to keep.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// `postgres://user@host/db`, or `sqlite://path/to/file.sqlite3` (a bare path means SQLite).
    pub url: String,
    /// The most connections open at once; also the most queries running at once.
    pub pool_size: u32,
    /// How long to wait for a free connection before answering "unavailable", in milliseconds.
    pub acquire_timeout_ms: u64,
    /// How long SQLite waits for another process's write lock, in milliseconds.
    pub busy_timeout_ms: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            url: "sqlite://./data/kefu.sqlite3".into(),
            pool_size: 16,
            acquire_timeout_ms: 5_000,
            busy_timeout_ms: 5_000,
        }
    }
}
