//! Fresh, migrated databases for tests.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use kefu_store::{Backend, Store, StoreConfig};

/// A database for one test: a temporary SQLite file, or a PostgreSQL schema of its own.
pub struct TestDb {
    /// The migrated store.
    pub store: Store,
    /// The URL the store was opened with (for starting a server on the same database).
    pub url: String,
    /// A temporary folder of its own: the SQLite file, and the server's search index.
    dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl TestDb {
    /// A migrated SQLite database in a temporary folder.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("kefu.sqlite3").display());
        let store = open(&url).await;
        TestDb {
            store,
            url,
            dir,
            postgres: None,
        }
    }

    /// A migrated schema of its own on `KEFU_TEST_POSTGRES_URL`; `None` only when the person
    /// running the tests opted out with `KEFU_TEST_SKIP_POSTGRES=1` (which is printed).
    pub async fn postgres() -> Option<TestDb> {
        if crate::opted_out("KEFU_TEST_SKIP_POSTGRES", "every PostgreSQL test is") {
            return None;
        }
        let Ok(base) = std::env::var("KEFU_TEST_POSTGRES_URL") else {
            panic!(
                "KEFU_TEST_POSTGRES_URL is not set: point it at a PostgreSQL database \
                 (e.g. postgres://postgres@127.0.0.1:5432/test), or opt out of the PostgreSQL \
                 tests with KEFU_TEST_SKIP_POSTGRES=1"
            );
        };
        let schema = format!("kefu_test_{}", uuid::Uuid::now_v7().simple());
        let admin = base.clone();
        let create = schema.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = PgConnection::establish(&admin)
                .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin}: {e}"));
            conn.batch_execute(&format!("CREATE SCHEMA {create}"))
                .expect("create a test schema");
        })
        .await
        .expect("schema task");
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
        let store = open(&url).await;
        Some(TestDb {
            store,
            url,
            dir: tempfile::tempdir().expect("a temporary folder"),
            postgres: Some((base, schema)),
        })
    }

    /// Where a server on this database keeps its own search index.
    pub fn search_index_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("search-index")
    }

    /// Where a server on this database keeps files sent in chats.
    pub fn files_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("files")
    }

    /// Which backend this database is.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }
}

async fn open(url: &str) -> Store {
    let config = StoreConfig {
        url: url.to_owned(),
        pool_size: 4,
        ..StoreConfig::default()
    };
    let store = Store::open(&config).await.expect("open the test database");
    store.migrate().await.expect("migrate the test database");
    store
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = self.postgres.take() {
            // Best effort: a schema left behind by a crashed test is harmless and uniquely named.
            let dropped = PgConnection::establish(&base).and_then(|mut conn| {
                conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                    .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))
            });
            if let Err(error) = dropped {
                eprintln!("could not drop test schema {schema}: {error}");
            }
        }
    }
}
