//! Kefu's storage: one diesel code base over SQLite (the embedded default) and PostgreSQL.
//!
//! Query functions are synchronous and take `&mut DbConnection`, so a use case can run several
//! of them in one transaction. [`Store`] is the async facade: it runs a closure on a pooled
//! connection in `spawn_blocking`, with at most `pool_size` closures at once; on SQLite writes
//! are also serialised in-process so they never wait on each other's file lock.

pub mod api_tokens;
pub mod audit;
pub mod calls;
pub mod chat;
mod checkpoint;
pub mod config;
pub mod connection;
mod convert;
pub mod customers;
pub mod devices;
pub mod dialect;
pub mod error;
pub mod escalations;
pub mod integrations;
pub mod macros;
pub mod mail;
pub mod messages;
pub mod migrate;
pub mod notification_settings;
pub mod password_resets;
pub mod prepared;
pub mod reads;
pub mod reports;
pub mod routing;
pub mod schema;
pub mod scorecard;
pub mod search;
pub mod sessions;
pub mod settings;
pub mod sla;
pub mod surveys;
pub mod teams;
pub mod telephony;
pub mod throttle;
pub mod ticket_names;
pub mod tickets;
pub mod triggers;
pub mod users;
pub mod vendors;
pub mod view_counts;
pub mod visits;
pub mod webhooks;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::r2d2::Pool;
use tokio::sync::Semaphore;

pub use config::StoreConfig;
pub use connection::{Backend, DbConnection, Target};
pub use error::StoreError;

use connection::ConnectionManager;
use search::NodeIndex;
use search::index::TermStatistics;

/// A pool of connections to one database, used from async code.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool<ConnectionManager>,
    backend: Backend,
    /// One permit per pooled connection: a closure waits here, not on a blocking thread.
    connections: Semaphore,
    /// SQLite has one writer at a time; PostgreSQL as many as connections.
    writers: Semaphore,
    /// Writes queued or running, so background work can wait for a quiet moment.
    writing: std::sync::atomic::AtomicUsize,
    /// PostgreSQL's statistics of the search index, and when they were read.
    statistics: Mutex<Option<(Instant, Arc<TermStatistics>)>>,
    /// This node's own search index, once the server has opened it.
    node_index: std::sync::OnceLock<Arc<NodeIndex>>,
    /// SQLite's checkpoints, run beside the writer (none on PostgreSQL).
    _checkpointer: Option<checkpoint::Checkpointer>,
}

/// How often a write that waits for a quiet moment looks again.
const IDLE_POLL: Duration = Duration::from_millis(1);

/// Counts a write from when it queues until it ends (or is dropped).
struct Writing<'a>(&'a std::sync::atomic::AtomicUsize);

impl<'a> Writing<'a> {
    fn start(count: &'a std::sync::atomic::AtomicUsize) -> Self {
        count.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        Self(count)
    }
}

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// How long PostgreSQL's statistics of the search index are used before they are read again
/// (autovacuum refreshes them far less often).
const STATISTICS_TTL: Duration = Duration::from_secs(60);

impl Store {
    /// Opens a pool for `config.url`, checking that one connection can be made.
    pub async fn open(config: &StoreConfig) -> Result<Self, StoreError> {
        let target = Target::parse(&config.url)?;
        let backend = target.backend();
        let manager = ConnectionManager::new(target, config.busy_timeout_ms)?;
        let size = config.pool_size.max(1);
        let timeout = Duration::from_millis(config.acquire_timeout_ms.max(1));
        let (pool, checkpointer) = tokio::task::spawn_blocking(move || {
            let checkpointer = match backend {
                Backend::Sqlite => Some(checkpoint::Checkpointer::start(&manager)?),
                Backend::Postgres => None,
            };
            let pool = Pool::builder()
                .max_size(size)
                .min_idle(Some(1))
                .connection_timeout(timeout)
                .test_on_check_out(false)
                .build(manager)
                .map_err(|e| StoreError::unavailable("taking a pooled connection", e))?;
            Ok::<_, StoreError>((pool, checkpointer))
        })
        .await
        .map_err(StoreError::Task)??;
        let writers = match backend {
            Backend::Sqlite => 1,
            Backend::Postgres => size as usize,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                pool,
                backend,
                connections: Semaphore::new(size as usize),
                writers: Semaphore::new(writers),
                writing: std::sync::atomic::AtomicUsize::new(0),
                statistics: Mutex::new(None),
                node_index: std::sync::OnceLock::new(),
                _checkpointer: checkpointer,
            }),
        })
    }

    /// Which backend the store runs on.
    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// Connections open and idle in the pool, for metrics.
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.inner.pool.state();
        (state.connections, state.idle_connections)
    }

    /// Gives the store this node's own search index ([`search::node_index`]); searches use it
    /// once it is built. A store takes one index; later ones are refused.
    pub fn attach_node_index(&self, index: Arc<NodeIndex>) -> Result<(), StoreError> {
        self.inner
            .node_index
            .set(index)
            .map_err(|_| StoreError::SearchIndex("this store already has a search index".into()))
    }

    /// This node's own search index, if one is attached.
    pub fn node_index(&self) -> Option<Arc<NodeIndex>> {
        self.inner.node_index.get().cloned()
    }

    /// PostgreSQL's statistics of the search index, read at most once a minute (empty on
    /// SQLite).
    pub async fn term_statistics(&self) -> Result<Arc<TermStatistics>, StoreError> {
        let cached = self
            .inner
            .statistics
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some((at, statistics)) = cached
            && at.elapsed() < STATISTICS_TTL
        {
            return Ok(statistics);
        }
        let statistics = Arc::new(self.read(search::index::term_statistics).await?);
        *self
            .inner
            .statistics
            .lock()
            .unwrap_or_else(PoisonError::into_inner) =
            Some((Instant::now(), Arc::clone(&statistics)));
        Ok(statistics)
    }

    /// Applies pending migrations; returns the versions applied.
    pub async fn migrate(&self) -> Result<Vec<String>, StoreError> {
        self.write_outside_transaction(migrate::run_pending).await
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.read(|conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute("SELECT 1").map_err(StoreError::from)
        })
        .await
    }

    /// Runs `f` on a pooled connection without a transaction (single reads, or reads that
    /// tolerate concurrent writes between statements).
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let _permit = self.inner.connections.acquire().await.map_err(closed)?;
        self.run_blocking(f).await
    }

    /// Runs `f` in one transaction (`BEGIN IMMEDIATE` on SQLite): committed if it returns
    /// `Ok`, rolled back if it returns `Err`.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        self.write_outside_transaction(move |conn| transaction(conn, f))
            .await
    }

    /// Runs `f` in one transaction like [`Store::write`], in which PostgreSQL keeps one plan
    /// per prepared statement instead of planning each execution anew: for hot paths whose
    /// statements all find their rows by key, where planning costs more than running.
    pub async fn write_with_kept_plans<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        self.write_outside_transaction(move |conn| transaction_begun_by(conn, KEPT_PLANS_BEGIN, f))
            .await
    }

    /// Runs `f` in one transaction like [`Store::write`], but first waits (until `patience`
    /// runs out) for no other write to be queued or running: for background work, such as
    /// indexing, that should fill the writer's idle moments rather than delay people.
    pub async fn write_when_idle<T, E, F>(&self, patience: Instant, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        while self
            .inner
            .writing
            .load(std::sync::atomic::Ordering::Acquire)
            > 0
            && Instant::now() < patience
        {
            tokio::time::sleep(IDLE_POLL).await;
        }
        self.write(f).await
    }

    /// Runs `f` with the write permit but without opening a transaction (migrations manage
    /// their own).
    async fn write_outside_transaction<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let _writing = Writing::start(&self.inner.writing);
        let _writer = self.inner.writers.acquire().await.map_err(closed)?;
        let _permit = self.inner.connections.acquire().await.map_err(closed)?;
        self.run_blocking(f).await
    }

    async fn run_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let mut conn = inner
                .pool
                .get()
                .map_err(|e| StoreError::unavailable("taking a pooled connection", e))?;
            f(&mut conn)
        })
        .await
        .map_err(StoreError::Task)?
    }
}

fn closed(_: tokio::sync::AcquireError) -> StoreError {
    StoreError::Unavailable {
        context: "the store is shutting down".into(),
        source: None,
    }
}

/// Runs `f` in a savepoint inside the current transaction: its writes are undone if it fails,
/// and the surrounding transaction goes on (e.g. an insert that may lose a race).
pub fn savepoint<T, F>(conn: &mut DbConnection, f: F) -> Result<T, StoreError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, StoreError>,
{
    use diesel::Connection;
    conn.transaction(f)
}

/// Runs `f` in a transaction on `conn` (`BEGIN IMMEDIATE` on SQLite, so the write lock is
/// taken up front and never upgraded mid-way).
pub fn transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<StoreError>,
{
    transaction_begun_by(conn, "BEGIN", f)
}

/// PostgreSQL's `BEGIN` for [`Store::write_with_kept_plans`]: in the same round trip, the
/// transaction's prepared statements run their generic plan (without it, a statement whose
/// key list is an array parameter is planned again on every execution, because its generic
/// plan's guessed cost looks dearer than each custom plan).
const KEPT_PLANS_BEGIN: &str = "BEGIN; SET LOCAL plan_cache_mode = force_generic_plan";

/// [`transaction`], begun on PostgreSQL by `pg_begin`.
fn transaction_begun_by<T, E, F>(conn: &mut DbConnection, pg_begin: &str, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<StoreError>,
{
    match conn {
        DbConnection::Postgres(pg) => {
            AnsiTransactionManager::begin_transaction_sql(pg, pg_begin).inspect_err(|_| {
                // `BEGIN` may have run and a statement after it failed: the server would be
                // left in an aborted transaction diesel does not know of, and the pooled
                // connection would refuse everything after. Without one, this only warns.
                use diesel::connection::SimpleConnection;
                let _ = pg.batch_execute("ROLLBACK");
            })
        }
        DbConnection::Sqlite(sqlite) => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")
        }
    }
    .map_err(StoreError::from)?;
    let result = f(conn);
    let end = match (&result, conn) {
        (Ok(_), DbConnection::Postgres(pg)) => AnsiTransactionManager::commit_transaction(pg),
        (Ok(_), DbConnection::Sqlite(s)) => AnsiTransactionManager::commit_transaction(s),
        (Err(_), DbConnection::Postgres(pg)) => AnsiTransactionManager::rollback_transaction(pg),
        (Err(_), DbConnection::Sqlite(s)) => AnsiTransactionManager::rollback_transaction(s),
    };
    match (result, end) {
        (Ok(value), Ok(())) => Ok(value),
        (Ok(_), Err(commit)) => Err(StoreError::from(commit).into()),
        (Err(error), Ok(())) => Err(error),
        (Err(error), Err(rollback)) => {
            tracing::error!(%rollback, "rolling back a failed transaction failed too");
            Err(error)
        }
    }
}
