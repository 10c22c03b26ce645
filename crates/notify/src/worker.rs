//! The outbox worker: wakes when something is posted (or at the next due time, at least
//! every second), claims due mails, sends them a few at a time, records each outcome.

use std::sync::Arc;
use std::time::Duration;

use kefu_app::mail::delivery::{self, Claimed};
use kefu_app::{App, Change, ChangeKind};
use kefu_domain::ids::OutboxId;
use tokio::sync::{Semaphore, broadcast, watch};

use crate::config::{NotifyConfig, SmtpConfig, SmtpSecurity};
use crate::transport::Transport;

/// The longest the worker sleeps without looking at the outbox.
const IDLE_WAIT: Duration = Duration::from_secs(1);

/// Delivers the outbox until `shutdown` turns true; mails being sent then are finished. Mail
/// goes through the SMTP server an admin set in the console, else through `own` (this node's
/// `[smtp]`, or `.eml` files).
pub async fn run(
    app: App,
    config: NotifyConfig,
    own: Transport,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut console: Option<(chrono::DateTime<chrono::Utc>, Transport)> = None;
    let mut changes = app.subscribe();
    let sending = Arc::new(Semaphore::new(config.concurrency.max(1)));
    let mut pace = Pace::new(config.max_per_second);
    let hooks = tokio::spawn(crate::webhooks::run(
        app.clone(),
        crate::webhooks::Settings::of(&config),
        shutdown.clone(),
    ));
    let sweep = tokio::spawn(crate::reminders::run(
        app.clone(),
        Duration::from_secs(config.reminder_interval_seconds.max(1)),
        shutdown.clone(),
    ));
    let clocks = tokio::spawn(crate::sla::run(app.clone(), shutdown.clone()));
    let assigning = tokio::spawn(crate::assignment::run(app.clone(), shutdown.clone()));
    let automations = tokio::spawn(crate::automations::run(app.clone(), shutdown.clone()));
    let folding = tokio::spawn(crate::reports::run(app.clone(), shutdown.clone()));
    tracing::info!(?own, "delivering the outbox");
    loop {
        if kefu_app::shutdown::told_to_stop(&shutdown) {
            break;
        }
        // A read first: claiming is a write, and most wake-ups find nothing due.
        let wait = match delivery::next_due(&app).await {
            Ok(Some(at)) => (at - chrono::Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(IDLE_WAIT),
            Ok(None) => IDLE_WAIT,
            Err(error) => {
                tracing::warn!(%error, "the outbox could not be read");
                IDLE_WAIT
            }
        };
        // Which way mail leaves is settled before claiming: if it cannot be read, nothing is
        // claimed (mail must not go to `.eml` files because a read failed).
        let transport = if wait.is_zero() {
            transport_now(&app, &own, &mut console).await
        } else {
            None
        };
        if let Some(transport) = transport {
            let lease_seconds = config.lease_seconds.max(1);
            let lease = chrono::Duration::seconds(i64::from(lease_seconds));
            // No more than it has in hand at once; a mail whose lease is nearly over when its
            // turn comes is left to be claimed again, so it is never sent twice.
            let batch = config
                .batch
                .clamp(1, i64::try_from(config.concurrency.max(1)).unwrap_or(1));
            let send_by = tokio::time::Instant::now()
                + Duration::from_secs(u64::from(lease_seconds)).mul_f64(0.4);
            match delivery::claim(&app, batch, lease).await {
                Ok(claimed) if !claimed.is_empty() => {
                    send_all(&app, &transport, &sending, &mut pace, send_by, claimed).await;
                    continue;
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "the outbox could not be claimed"),
            }
        }
        let wait = if wait.is_zero() { IDLE_WAIT } else { wait };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = posted(&mut changes) => {}
            _ = shutdown.changed() => {}
        }
    }
    for (name, task) in [
        ("webhook worker", hooks),
        ("reminder sweep", sweep),
        ("service-level sweep", clocks),
        ("assignment sweep", assigning),
        ("scheduled-automation sweep", automations),
        ("report fold", folding),
    ] {
        if let Err(error) = task.await {
            tracing::warn!(%error, "the {name} ended abnormally");
        }
    }
    tracing::info!("the outbox worker stopped");
}

/// The transport for the next mails: the console's SMTP server (built again when an admin
/// changes it), else this node's own; none when the setting cannot be read.
async fn transport_now(
    app: &App,
    own: &Transport,
    console: &mut Option<(chrono::DateTime<chrono::Utc>, Transport)>,
) -> Option<Transport> {
    match kefu_app::mail::smtp::current(app).await {
        Ok(Some(smtp)) => {
            if console.as_ref().map(|(at, _)| *at) != Some(smtp.updated_at) {
                let config = SmtpConfig {
                    host: smtp.host.clone(),
                    port: Some(smtp.port),
                    security: match smtp.security.as_str() {
                        "tls" => SmtpSecurity::Tls,
                        "none" => SmtpSecurity::None,
                        _ => SmtpSecurity::Starttls,
                    },
                    username: smtp.username.clone(),
                    password: smtp.password.clone(),
                    timeout_seconds: 30,
                    pool_size: 4,
                };
                match Transport::smtp(&config) {
                    Ok(transport) => {
                        tracing::info!(host = %smtp.host, port = smtp.port, "mail goes out through the SMTP server set in the console");
                        *console = Some((smtp.updated_at, transport));
                    }
                    Err(error) => {
                        tracing::warn!(%error, "the SMTP server set in the console cannot be used");
                        return None;
                    }
                }
            }
            console.as_ref().map(|(_, t)| t.clone())
        }
        Ok(None) => {
            *console = None;
            Some(own.clone())
        }
        Err(error) => {
            tracing::warn!(%error, "the SMTP settings could not be read; mail waits");
            None
        }
    }
}

/// Spaces mails out to at most `max_per_second`.
struct Pace {
    gap: Option<Duration>,
    next: tokio::time::Instant,
}

impl Pace {
    fn new(max_per_second: Option<u32>) -> Self {
        Self {
            gap: max_per_second
                .filter(|n| *n > 0)
                .map(|n| Duration::from_secs_f64(1.0 / f64::from(n))),
            next: tokio::time::Instant::now(),
        }
    }

    /// Waits for the next mail's turn.
    async fn wait(&mut self) {
        let Some(gap) = self.gap else { return };
        let slot = self.next.max(tokio::time::Instant::now());
        self.next = slot + gap;
        tokio::time::sleep_until(slot).await;
    }
}

/// Waits for a change that may have written to the outbox: a ticket created or a message
/// posted (chat lines never do).
async fn posted(changes: &mut broadcast::Receiver<Change>) {
    loop {
        match changes.recv().await {
            Ok(Change::Ticket {
                kind: ChangeKind::Created | ChangeKind::MessagePosted,
                ..
            })
            | Err(broadcast::error::RecvError::Lagged(_)) => return,
            Ok(_) => {}
            Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
        }
    }
}

/// Sends claimed mails, a few at a time, waits for all of them, and records the delivered
/// ones in one write (a write per mail would keep the database busy for the agents).
async fn send_all(
    app: &App,
    transport: &Transport,
    sending: &Arc<Semaphore>,
    pace: &mut Pace,
    send_by: tokio::time::Instant,
    claimed: Vec<Claimed>,
) {
    let mut tasks = tokio::task::JoinSet::new();
    for item in claimed {
        let Ok(permit) = sending.clone().acquire_owned().await else {
            break;
        };
        pace.wait().await;
        if tokio::time::Instant::now() > send_by {
            // Its lease is running out: another claim sends it, once.
            continue;
        }
        let (app, transport) = (app.clone(), transport.clone());
        tasks.spawn(async move {
            let sent = deliver(&app, &transport, item).await;
            drop(permit);
            sent
        });
    }
    let mut sent = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok(Some(id)) = done {
            sent.push(id);
        }
    }
    let count = sent.len();
    if let Err(error) = delivery::sent(app, sent).await {
        // The leases run out and the mails are claimed again: sent twice at worst, never lost.
        tracing::warn!(%error, count, "deliveries could not be recorded");
    }
}

/// Sends one claimed mail; records a failure, and returns the row if it was delivered.
async fn deliver(app: &App, transport: &Transport, item: Claimed) -> Option<OutboxId> {
    let Claimed { entry, mail } = item;
    let built = mail.and_then(|m| m.build().map_err(|e| e.to_string()));
    let outcome = match built {
        Ok(message) => transport
            .send(message, &entry.id.to_string())
            .await
            .map_err(|e| (e.message, e.permanent)),
        // A mail that cannot be built never will be.
        Err(why) => Err((why, true)),
    };
    match outcome {
        Ok(()) => {
            tracing::debug!(outbox = %entry.id, "mail sent");
            Some(entry.id)
        }
        Err((error, permanent)) => {
            tracing::warn!(outbox = %entry.id, %error, permanent, "mail not delivered");
            match delivery::failed(app, &entry, error, permanent).await {
                Ok(changed) => {
                    app.published(changed);
                }
                // The lease runs out and the mail is tried again.
                Err(error) => {
                    tracing::warn!(outbox = %entry.id, %error, "a failure could not be recorded");
                }
            }
            None
        }
    }
}
