//! The store's configuration.

use std::path::PathBuf;

use serde::Deserialize;

use crate::connection::Target;

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
    /// Where this node keeps its own search index; empty means beside the SQLite file
    /// (`kefu.sqlite3.search`), or `./data/search-index` on PostgreSQL.
    pub search_index_dir: String,
}

impl StoreConfig {
    /// Where files sent in chats are kept unless `[files] dir` says otherwise: beside the
    /// SQLite file (`kefu.sqlite3.files`), or `./data/files` on PostgreSQL.
    pub fn files_dir(&self) -> PathBuf {
        self.beside_database("files", "./data/files")
    }

    /// A path beside the SQLite database file (`kefu.sqlite3.<suffix>`), or `fallback` on
    /// PostgreSQL.
    pub fn beside_database(&self, suffix: &str, fallback: &str) -> PathBuf {
        match Target::parse(&self.url) {
            Ok(Target::Sqlite(file)) => {
                let mut name = file.file_name().unwrap_or_default().to_owned();
                name.push(".");
                name.push(suffix);
                file.with_file_name(name)
            }
            _ => PathBuf::from(fallback),
        }
    }

    /// Where this node keeps its own search index.
    pub fn search_index_dir(&self) -> PathBuf {
        if !self.search_index_dir.trim().is_empty() {
            return PathBuf::from(self.search_index_dir.trim());
        }
        match Target::parse(&self.url) {
            Ok(Target::Sqlite(file)) => {
                let mut name = file.file_name().unwrap_or_default().to_owned();
                name.push(".search");
                file.with_file_name(name)
            }
            _ => PathBuf::from("./data/search-index"),
        }
    }
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            url: "sqlite://./data/kefu.sqlite3".into(),
            pool_size: 16,
            acquire_timeout_ms: 5_000,
            busy_timeout_ms: 5_000,
            search_index_dir: String::new(),
        }
    }
}
