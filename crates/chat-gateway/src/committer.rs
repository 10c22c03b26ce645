//! Group commits: lines from every socket on this node queue here and are written together,
//! as many as are waiting, in one transaction; each sender is answered once its line is
//! committed.

use kefu_app::chat::lines::{LineIn, Posted, post_lines};
use kefu_app::{App, AppError};
use kefu_store::StoreError;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// The most lines one transaction writes.
pub const BATCH_MAX: usize = 256;
/// How many lines may wait for a commit before senders wait to queue theirs.
const QUEUE: usize = 8_192;

type Request = (LineIn, oneshot::Sender<Result<Posted, AppError>>);

/// Where sockets hand their lines to be written.
#[derive(Clone)]
pub struct Committer {
    tx: mpsc::Sender<Request>,
}

impl Committer {
    /// Starts `workers` writers (one for SQLite, which has one writer; more for PostgreSQL);
    /// they finish when every [`Committer`] is dropped and the queue is empty.
    pub fn start(app: App, workers: usize) -> (Self, Vec<JoinHandle<()>>) {
        let (tx, rx) = mpsc::channel::<Request>(QUEUE);
        let rx = std::sync::Arc::new(tokio::sync::Mutex::new(rx));
        let handles = (0..workers.max(1))
            .map(|_| tokio::spawn(write_batches(app.clone(), rx.clone())))
            .collect();
        (Self { tx }, handles)
    }

    /// Writes `line`; answers once it is committed (or why not).
    pub async fn commit(&self, line: LineIn) -> Result<Posted, AppError> {
        let (answer, wait) = oneshot::channel();
        self.tx.send((line, answer)).await.map_err(|_| stopped())?;
        wait.await.map_err(|_| stopped())?
    }
}

fn stopped() -> AppError {
    AppError::Unavailable(StoreError::Unavailable {
        context: "the gateway is stopping; send the line again after reconnecting".into(),
        source: None,
    })
}

async fn write_batches(
    app: App,
    queue: std::sync::Arc<tokio::sync::Mutex<mpsc::Receiver<Request>>>,
) {
    loop {
        let mut batch: Vec<Request> = Vec::new();
        {
            let mut rx = queue.lock().await;
            let Some(first) = rx.recv().await else {
                return;
            };
            batch.push(first);
            while batch.len() < BATCH_MAX {
                match rx.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
        }
        let (lines, answers): (Vec<LineIn>, Vec<_>) = batch.into_iter().unzip();
        let (count, started) = (lines.len(), std::time::Instant::now());
        match post_lines(&app, lines).await {
            Ok(outcome) => {
                tracing::trace!(lines = count, elapsed = ?started.elapsed(), "group commit");
                let results = app.announce(outcome);
                for (answer, result) in answers.into_iter().zip(results) {
                    let _ = answer.send(result);
                }
            }
            Err(error) => {
                tracing::warn!(%error, "a group commit of chat lines failed");
                for answer in answers {
                    let _ = answer.send(Err(AppError::Unavailable(StoreError::Unavailable {
                        context: "storing chat lines; send them again".into(),
                        source: None,
                    })));
                }
            }
        }
    }
}
