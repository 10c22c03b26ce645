//! SQLite's checkpoints, moved off the writer: connections never checkpoint on their own
//! (`wal_autocheckpoint = 0`); one thread per store copies the write-ahead log into the
//! database a few times a second.
//!
//! On the writer's path, SQLite checkpoints inside the `COMMIT` that takes the log past 1,000
//! pages: that commit copies every page and waits for two `fsync`s, and a busy chat writes
//! that much in nearly every commit. From a thread of its own, a checkpoint runs beside the
//! writer, and a page that many commits changed is copied once per interval, not once per
//! commit. Durability is unchanged: a commit is in the log when it returns, as before.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use diesel::RunQueryDsl;
use diesel::sql_types::Integer;

use crate::connection::{ConnectionManager, DbConnection};

/// How often the log is copied into the database.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// The thread that checkpoints one SQLite database; stops (after a last checkpoint) when
/// dropped.
pub struct Checkpointer {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

#[derive(diesel::QueryableByName)]
struct Checkpointed {
    #[diesel(sql_type = Integer)]
    busy: i32,
}

impl Checkpointer {
    /// Starts checkpointing with a connection of its own from `manager`.
    pub(crate) fn start(manager: &ConnectionManager) -> Result<Self, crate::StoreError> {
        let mut conn = manager.establish()?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("kefu-checkpoint".into())
            .spawn(move || {
                loop {
                    let last = matches!(
                        stopped.recv_timeout(CHECKPOINT_EVERY),
                        Ok(()) | Err(RecvTimeoutError::Disconnected)
                    );
                    checkpoint(&mut conn);
                    if last {
                        return;
                    }
                }
            })
            .map_err(|e| crate::StoreError::unavailable("starting the checkpoint thread", e))?;
        Ok(Self {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// Copies what it can of the log into the database without waiting for readers or the
/// writer (`PASSIVE`); what it could not copy is copied next time.
fn checkpoint(conn: &mut DbConnection) {
    let DbConnection::Sqlite(sqlite) = conn else {
        return;
    };
    match diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").load::<Checkpointed>(sqlite) {
        Ok(rows) if rows.iter().any(|r| r.busy != 0) => {
            tracing::debug!("a checkpoint met a busy database; the next one continues it");
        }
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "checkpointing the SQLite log failed"),
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
