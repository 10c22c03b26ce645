//! The assignment sweep: every few seconds, hands out each team's unassigned tickets to its
//! agents who have room again (see `kefu_app::routing::assign`). Several nodes may sweep at
//! once; a ticket is still given once.

use std::time::Duration;

use kefu_app::App;
use kefu_app::routing::assign;
use tokio::sync::watch;

/// How often the backlog is looked at.
pub const INTERVAL: Duration = Duration::from_secs(3);

/// Sweeps until `shutdown` turns true.
pub async fn run(app: App, mut shutdown: watch::Receiver<bool>) {
    loop {
        if kefu_app::shutdown::told_to_stop(&shutdown) {
            break;
        }
        match assign::assign_waiting(&app).await {
            Ok(0) => {}
            Ok(given) => tracing::info!(given, "waiting tickets assigned automatically"),
            Err(error) => tracing::warn!(%error, "waiting tickets could not be assigned"),
        }
        tokio::select! {
            _ = tokio::time::sleep(INTERVAL) => {}
            _ = shutdown.changed() => {}
        }
    }
}
