//! The service-level sweep: fires near breaches and breaches as they fall due (see
//! `kefu_app::sla::alerts`), sleeping until the next one (at least a second, at most
//! [`MAX_SLEEP`], so an alert written by another node is seen soon). Several nodes may sweep
//! at once; each alert still fires once.

use std::time::Duration;

use kefu_app::App;
use kefu_app::sla::alerts;
use tokio::sync::watch;

/// The longest the sweep sleeps without looking.
pub const MAX_SLEEP: Duration = Duration::from_secs(5);

/// Sweeps until `shutdown` turns true.
pub async fn run(app: App, mut shutdown: watch::Receiver<bool>) {
    loop {
        if kefu_app::shutdown::told_to_stop(&shutdown) {
            break;
        }
        match alerts::fire_due(&app).await {
            Ok(0) => {}
            Ok(fired) => tracing::info!(fired, "service-level near breaches and breaches fired"),
            Err(error) => tracing::warn!(%error, "service-level alerts could not be fired"),
        }
        let sleep = match alerts::next_alert(&app).await {
            Ok(Some(at)) => (at - chrono::Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .clamp(Duration::from_secs(1), MAX_SLEEP),
            Ok(None) => MAX_SLEEP,
            Err(error) => {
                tracing::warn!(%error, "service-level clocks could not be read");
                MAX_SLEEP
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = shutdown.changed() => {}
        }
    }
}
