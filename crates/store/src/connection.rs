//! One connection type over both backends, chosen by the URL's scheme.

use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};

use crate::StoreError;

/// A connection to either backend; query functions take `&mut DbConnection`.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// The production backend.
    Postgres(PgConnection),
    /// The embedded default.
    Sqlite(SqliteConnection),
}

/// Runs the same diesel statement on whichever connection `conn` holds, for the statements
/// diesel builds only per backend (batch inserts).
#[macro_export]
macro_rules! with_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::DbConnection::Postgres($c) => $body,
            $crate::DbConnection::Sqlite($c) => $body,
        }
    };
}

/// The backend type of [`DbConnection`], for boxed queries.
pub type Db = <DbConnection as diesel::Connection>::Backend;

/// Which database a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

impl Backend {
    /// The backend's name, for logs and metrics.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }
}

impl DbConnection {
    /// Which backend this connection speaks to.
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Postgres(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// A parsed database URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A libpq connection URL.
    Postgres(String),
    /// A SQLite database file.
    Sqlite(PathBuf),
}

impl Target {
    /// Reads `postgres://…`, `postgresql://…`, `sqlite://path`, `sqlite:path` or a bare path.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() || path.contains("://") || path == ":memory:" {
            return Err(StoreError::InvalidUrl(url.to_owned()));
        }
        Ok(Target::Sqlite(PathBuf::from(path)))
    }

    /// Which backend the URL names.
    pub fn backend(&self) -> Backend {
        match self {
            Target::Postgres(_) => Backend::Postgres,
            Target::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// Opens connections for the pool and prepares each SQLite connection.
#[derive(Clone, Debug)]
pub struct ConnectionManager {
    target: Target,
    busy_timeout_ms: u64,
}

impl ConnectionManager {
    /// A manager for `target`; creates the SQLite file's folder if needed.
    pub fn new(target: Target, busy_timeout_ms: u64) -> Result<Self, StoreError> {
        if let Target::Sqlite(path) = &target {
            create_parent(path)?;
        }
        Ok(Self {
            target,
            busy_timeout_ms,
        })
    }

    /// Opens one connection.
    pub fn establish(&self) -> Result<DbConnection, StoreError> {
        let unavailable = |e: diesel::ConnectionError| StoreError::unavailable("connecting", e);
        match &self.target {
            Target::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Postgres)
                .map_err(unavailable),
            Target::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(&path.to_string_lossy()).map_err(unavailable)?;
                // WAL lets readers run beside the writer; NORMAL sync is durable in WAL mode
                // except for the last transactions before a power loss. Reads go through the
                // memory map of the whole file (up to 64 GiB; the kernel's page cache, shared by
                // every connection, see `.cargo/config.toml`), so each connection keeps only a
                // small private cache (8 MiB), and large sorts spill to temporary files instead
                // of the heap: the process stays small on a small server. No connection
                // checkpoints the log itself: the store's own thread does (see `checkpoint`),
                // and a log that grew past 64 MiB is cut back to that size once copied.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {};
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA wal_autocheckpoint = 0;
                     PRAGMA journal_size_limit = 67108864;
                     PRAGMA foreign_keys = ON;
                     PRAGMA cache_size = -8192;
                     PRAGMA temp_store = FILE;
                     PRAGMA mmap_size = 68719476736;",
                    self.busy_timeout_ms
                ))?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

fn create_parent(path: &Path) -> Result<(), StoreError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::unavailable(format!("creating {}", dir.display()), e)),
        _ => Ok(()),
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = StoreError;

    fn connect(&self) -> Result<DbConnection, StoreError> {
        self.establish()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), StoreError> {
        conn.ping().map_err(StoreError::from)
    }

    /// A connection whose server went away, or that comes back from a panicking task (perhaps
    /// mid-transaction), is closed rather than reused.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_backend() {
        assert_eq!(
            Target::parse("postgres://kefu@db/kefu")
                .map(|t| t.backend())
                .ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Target::parse("sqlite://./data/kefu.sqlite3").ok(),
            Some(Target::Sqlite("./data/kefu.sqlite3".into()))
        );
        assert_eq!(
            Target::parse("/var/lib/kefu/kefu.db").ok(),
            Some(Target::Sqlite("/var/lib/kefu/kefu.db".into()))
        );
        for bad in ["", "mysql://x/y", "sqlite://", ":memory:"] {
            assert!(Target::parse(bad).is_err(), "{bad:?}");
        }
    }
}
