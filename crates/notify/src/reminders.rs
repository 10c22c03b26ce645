//! The reminder sweep: every so often, sends the reminders vendors are due (see
//! `kefu_app::escalations::reminders`). Several nodes may sweep at once; each reminder still
//! goes once.

use std::time::Duration;

use kefu_app::App;
use kefu_app::escalations::reminders;
use tokio::sync::watch;

/// Sweeps every `every` until `shutdown` turns true.
pub async fn run(app: App, every: Duration, mut shutdown: watch::Receiver<bool>) {
    loop {
        if kefu_app::shutdown::told_to_stop(&shutdown) {
            break;
        }
        match reminders::send_due(&app).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "vendors reminded of escalations due"),
            Err(error) => tracing::warn!(%error, "escalation reminders could not be sent"),
        }

        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => {}
        }
    }
}
