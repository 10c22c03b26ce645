//! Delivering the outbox: claim what is due, and record how each delivery went. A permanent
//! failure, or a passing one that lasts through every attempt, is written on the ticket as an
//! internal note, so the agent sees the customer did not get the reply.

use chrono::Duration;
use kefu_domain::ids::OutboxId;
use kefu_domain::mail::{self, DELIVERY_ATTEMPTS};
use kefu_domain::time;
use kefu_mail::outbound::Outbound;
use kefu_store::mail::outbox::{self, OutboxEntry};
use kefu_store::{messages, tickets};
use serde_json::json;

use crate::App;
use crate::changes::{Change, ChangeKind, Changed};
use crate::error::AppError;
use crate::mail::ingest::system_event;

/// A claimed outbox row and the mail it holds.
#[derive(Clone, Debug)]
pub struct Claimed {
    /// The row.
    pub entry: OutboxEntry,
    /// The mail, or why it could not be read.
    pub mail: Result<Outbound, String>,
}

/// How long the worker's own writes wait for people's writes to pass first: on SQLite, one
/// writer at a time, mail going out must not make agents wait.
const YIELD: std::time::Duration = std::time::Duration::from_millis(250);

/// Claims up to `limit` due mails for this worker for `lease`: if the worker dies, another
/// takes them once the lease ends.
pub async fn claim(app: &App, limit: i64, lease: Duration) -> Result<Vec<Claimed>, AppError> {
    let entries = app
        .store
        .write_when_idle(std::time::Instant::now() + YIELD, move |conn| {
            Ok::<_, AppError>(outbox::claim_due(conn, time::now(), limit, lease)?)
        })
        .await?;
    Ok(entries
        .into_iter()
        .map(|entry| Claimed {
            mail: serde_json::from_str(&entry.payload).map_err(|e| e.to_string()),
            entry,
        })
        .collect())
}

/// When the next pending mail falls due, if any.
pub async fn next_due(app: &App) -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
    app.store
        .read(|conn| Ok::<_, AppError>(outbox::next_due(conn)?))
        .await
}

/// Records delivered mails, in one write however many.
pub async fn sent(app: &App, ids: Vec<OutboxId>) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    app.store
        .write_when_idle(std::time::Instant::now() + YIELD, move |conn| {
            Ok::<_, AppError>(outbox::mark_sent(conn, &ids, time::now())?)
        })
        .await
}

/// Records a failed delivery: tried again later when the failure may pass and attempts
/// remain, else given up and written on the ticket.
pub async fn failed(
    app: &App,
    entry: &OutboxEntry,
    error: String,
    permanent: bool,
) -> Result<Changed<()>, AppError> {
    let id = entry.id;
    let ticket = entry.ticket;
    let attempts = entry.attempts + 1;
    let give_up = permanent || attempts >= DELIVERY_ATTEMPTS;
    let recipients = serde_json::from_str::<Outbound>(&entry.payload)
        .map(|m| {
            m.to.iter()
                .chain(&m.cc)
                .map(|p| p.address.clone())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    app.store
        .write(move |conn| {
            let now = time::now();
            let retry_at = (!give_up).then(|| mail::retry_after(attempts, now));
            outbox::mark_attempt_failed(conn, id, attempts, &error, retry_at)?;
            let mut changes = Vec::new();
            if give_up && let Some(ticket_id) = ticket {
                let ticket = tickets::find(conn, ticket_id)?;
                let body = format!(
                    "The reply to {recipients} could not be delivered: {error} / 回复未能送达 {recipients}：{error}"
                );
                messages::insert(
                    conn,
                    &system_event(
                        &ticket,
                        body,
                        json!({ "delivery_failed": { "outbox_id": id, "error": error, "attempts": attempts } }),
                        now,
                    ),
                )?;
                tickets::touch(conn, ticket_id, now)?;
                changes.push(Change::Ticket {
                    id: ticket_id,
                    kind: ChangeKind::MessagePosted,
                });
            }
            Ok::<_, AppError>(Changed::new((), changes))
        })
        .await
}
