//! Test support: a fresh database per test on either backend, and a real server on port 0.
//!
//! PostgreSQL tests use `KEFU_TEST_POSTGRES_URL` (each test gets its own schema, dropped at the
//! end). Without it they are skipped with a message, unless `KEFU_TEST_REQUIRE_POSTGRES` is
//! set (as the test script and CI do), in which case a missing database fails the test.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test support fails loudly when its environment is broken"
)]

mod app;
mod db;

pub use app::{TestApp, TestClient};
pub use db::TestDb;

/// Declares a test that runs once on SQLite and once on PostgreSQL, as `name::sqlite` and
/// `name::postgres`, each on a fresh, migrated database handed to the body as a `Store`.
#[macro_export]
macro_rules! test_both {
    ($(#[$meta:meta])* async fn $name:ident($db:ident : TestDb) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $(#[$meta])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $db = $crate::TestDb::sqlite().await;
                $body
            }

            $(#[$meta])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($db) = $crate::TestDb::postgres().await else {
                    return;
                };
                $body
            }
        }
    };
}
