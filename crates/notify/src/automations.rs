//! The scheduled-automation sweep: every minute, runs the scheduled triggers on the tickets
//! that have been quiet long enough (see `kefu_app::triggers::schedule`). Several nodes may
//! sweep at once; a ticket is still acted on once per quiet spell.

use std::time::Duration;

use kefu_app::App;
use kefu_app::triggers::schedule::{self, Cursors};
use tokio::sync::watch;

/// How often scheduled triggers look for quiet tickets.
pub const INTERVAL: Duration = Duration::from_secs(60);

/// Sweeps until `shutdown` turns true.
pub async fn run(app: App, mut shutdown: watch::Receiver<bool>) {
    let mut cursors = Cursors::new();
    loop {
        if kefu_app::shutdown::told_to_stop(&shutdown) {
            break;
        }
        match schedule::run_due(&app, &mut cursors).await {
            Ok(0) => {}
            Ok(runs) => tracing::info!(runs, "scheduled automations ran"),
            Err(error) => tracing::warn!(%error, "scheduled automations could not run"),
        }
        tokio::select! {
            _ = tokio::time::sleep(INTERVAL) => {}
            _ = shutdown.changed() => {}
        }
    }
}
