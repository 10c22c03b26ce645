//! Test support: a fresh database per test on either backend, and a real server on port 0.
//!
//! PostgreSQL tests use `KEFU_TEST_POSTGRES_URL` (each test gets its own schema, dropped at the
//! end). Without it they fail, naming the variable, unless the person running them opts out
//! with `KEFU_TEST_SKIP_POSTGRES=1`; the opt-out is then printed on the terminal, past the test
//! harness's capture, so a skipped backend is never silent.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test support fails loudly when its environment is broken"
)]

mod app;
mod db;
pub mod mail_servers;

use std::collections::HashSet;
use std::io::Write;
use std::sync::Mutex;

pub use app::{INBOUND_SECRET, TestApp, TestClient};
pub use db::TestDb;

/// Whether the person running the tests opted out of `what` with `variable=1`. An opt-out is
/// printed once per test binary straight to the terminal (the harness captures `eprintln!`).
pub fn opted_out(variable: &str, what: &str) -> bool {
    static SAID: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    if std::env::var(variable).as_deref() != Ok("1") {
        return false;
    }
    let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
    if said
        .get_or_insert_with(HashSet::new)
        .insert(variable.to_owned())
    {
        let mut terminal = std::io::stderr().lock();
        // Nothing to do if the terminal is gone; the test still skips as asked.
        let _ = writeln!(
            terminal,
            "\n*** {variable}=1: {what} SKIPPED by request ***\n"
        );
    }
    true
}

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

/// Makes escalation `id` look `minutes` older: it was requested, and falls due, that much
/// earlier. Tests cannot wait for a vendor to be late.
pub fn age_escalation(
    conn: &mut kefu_store::DbConnection,
    id: &str,
    minutes: i64,
) -> Result<(), kefu_store::StoreError> {
    use diesel::prelude::*;
    use kefu_store::schema::escalations as e;
    let shift = chrono_minutes(minutes);
    let row: (
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
    ) = e::table
        .find(id)
        .select((e::requested_at, e::acknowledge_by, e::answer_by, e::due_at))
        .first(conn)?;
    diesel::update(e::table.find(id))
        .set((
            e::requested_at.eq(row.0 - shift),
            e::acknowledge_by.eq(row.1 - shift),
            e::answer_by.eq(row.2 - shift),
            e::due_at.eq(row.3.map(|d| d - shift)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes ticket `id` and its service-level clock look `minutes` older: it was opened, and its
/// targets fall due, that much earlier. Tests cannot wait for a target to be missed.
pub fn age_ticket_clock(
    conn: &mut kefu_store::DbConnection,
    id: &str,
    minutes: i64,
) -> Result<(), kefu_store::StoreError> {
    use diesel::prelude::*;
    use kefu_store::schema::{ticket_slas as s, tickets as t};
    let shift = chrono_minutes(minutes);
    let (created_at, due): (chrono::NaiveDateTime, chrono::NaiveDateTime) = t::table
        .find(id)
        .select((t::created_at, t::sla_due_at))
        .first(conn)?;
    let due = if due < kefu_store::sla::never() {
        due - shift
    } else {
        due
    };
    diesel::update(t::table.find(id))
        .set((t::created_at.eq(created_at - shift), t::sla_due_at.eq(due)))
        .execute(conn)?;
    type Times = [Option<chrono::NaiveDateTime>; 6];
    let (windows, alert_at): (Times, chrono::NaiveDateTime) = s::table
        .find(id)
        .select((
            (
                s::first_response_warn_at,
                s::first_response_due_at,
                s::next_response_warn_at,
                s::next_response_due_at,
                s::resolution_warn_at,
                s::resolution_due_at,
            ),
            s::alert_at,
        ))
        .first::<((_, _, _, _, _, _), _)>(conn)
        .map(|((a, b, c, d, e, f), alert)| ([a, b, c, d, e, f], alert))?;
    let [a, b, c, d, e, f] = windows.map(|w| w.map(|w| w - shift));
    let alert_at = if alert_at < kefu_store::sla::never() {
        alert_at - shift
    } else {
        alert_at
    };
    diesel::update(s::table.find(id))
        .set((
            s::first_response_warn_at.eq(a),
            s::first_response_due_at.eq(b),
            s::next_response_warn_at.eq(c),
            s::next_response_due_at.eq(d),
            s::resolution_warn_at.eq(e),
            s::resolution_due_at.eq(f),
            s::alert_at.eq(alert_at),
        ))
        .execute(conn)?;
    Ok(())
}

fn chrono_minutes(minutes: i64) -> chrono::Duration {
    chrono::Duration::minutes(minutes)
}
