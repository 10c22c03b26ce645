//! The report fold: every minute, moves the changes that tickets and ratings appended into the
//! per-day report summary (see `kefu_app::reports::fold`). Reports are exact without it; it
//! keeps what they read small. Every node runs it; one folds at a time.

use std::time::Duration;

use kefu_app::App;
use tokio::sync::watch;

/// How often the summary is folded.
pub const INTERVAL: Duration = Duration::from_secs(60);

/// Folds until `shutdown` turns true.
pub async fn run(app: App, mut shutdown: watch::Receiver<bool>) {
    loop {
        if kefu_app::shutdown::told_to_stop(&shutdown) {
            break;
        }
        match kefu_app::reports::fold(&app).await {
            Ok(0) => {}
            Ok(rows) => tracing::debug!(rows, "the report summary is folded"),
            Err(error) => tracing::warn!(%error, "the report summary could not be folded"),
        }
        tokio::select! {
            _ = tokio::time::sleep(INTERVAL) => {}
            _ = shutdown.changed() => {}
        }
    }
}
