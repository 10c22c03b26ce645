//! The sweep that fires near breaches and breaches: each once per target and due time,
//! whichever node sweeps, written on the ticket's timeline and announced to the consoles.

use chrono::{DateTime, Utc};
use kefu_domain::ids::MessageId;
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::sla::{AlertKind, Target};
use kefu_domain::ticket::Channel;
use kefu_domain::time;
use kefu_domain::triggers::TriggerEvent;
use kefu_store::sla::clocks::{self, Alert};
use kefu_store::{DbConnection, StoreError, dialect, messages, tickets};
use serde_json::json;

use crate::App;
use crate::changes::{Change, ChangeKind};
use crate::error::AppError;
use crate::triggers;

/// The most clocks one sweep transaction reads.
pub const SWEEP_BATCH: i64 = 20_000;

/// What a target is called in a timeline entry, English and Chinese.
fn target_words(target: Target) -> (&'static str, &'static str) {
    match target {
        Target::FirstResponse => ("First response", "首次响应"),
        Target::NextResponse => ("Next response", "下次响应"),
        Target::Resolution => ("Resolution", "解决"),
        Target::CallBack => ("Call back", "回电"),
    }
}

/// The timeline entry for an alert: "English / 中文", with the alert in its data.
fn entry(alert: &Alert, channel: Channel) -> Message {
    let (en, zh) = target_words(alert.target);
    let due = alert.due_at.format("%Y-%m-%d %H:%M UTC");
    let body = match alert.kind {
        AlertKind::NearBreach => format!("{en} due soon, at {due} / {zh}即将到期（{due}）"),
        AlertKind::Breach => {
            format!("{en} target breached: it was due at {due} / {zh}已超时（应于 {due}）")
        }
    };
    Message {
        id: MessageId::new(),
        ticket: alert.ticket,
        kind: MessageKind::Event,
        visibility: Visibility::Internal,
        author_kind: AuthorKind::System,
        author_user: None,
        author_customer: None,
        channel,
        body,
        data: Some(json!({
            "sla": {
                "target": alert.target,
                "kind": alert.kind,
                "due_at": alert.due_at,
                "policy_id": alert.policy,
            }
        })),
        created_at: alert.fired_at,
    }
}

/// Fires what is due at `now` on up to `limit` clocks, in the caller's transaction, and
/// writes each alert on its ticket's timeline: the alerts fired.
pub fn fire(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Alert>, StoreError> {
    let fired = clocks::sweep(conn, now, limit)?;
    if fired.is_empty() {
        return Ok(fired);
    }
    let mut ids: Vec<_> = fired.iter().map(|a| a.ticket).collect();
    ids.sort_unstable();
    ids.dedup();
    let channels = tickets::channels_of(conn, &ids)?;
    let entries: Vec<Message> = fired
        .iter()
        .filter_map(|a| channels.get(&a.ticket).map(|c| entry(a, *c)))
        .collect();
    messages::insert_many(conn, &entries)?;
    Ok(fired)
}

/// Runs the `sla_near_breach` and `sla_breached` triggers on the tickets of `fired` (in the
/// sweep's transaction, so an alert's triggers run once with it). Reads nothing when no such
/// trigger exists.
pub fn set_off_triggers(
    conn: &mut DbConnection,
    context: triggers::run::Context<'_>,
    fired: &[Alert],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let book = context.1.get(conn)?;
    let wanted = |event| book.triggers.iter().any(|t| t.active && t.event == event);
    let (near, breach) = (
        wanted(TriggerEvent::SlaNearBreach),
        wanted(TriggerEvent::SlaBreached),
    );
    for alert in fired {
        let event = match alert.kind {
            AlertKind::NearBreach if near => TriggerEvent::SlaNearBreach,
            AlertKind::Breach if breach => TriggerEvent::SlaBreached,
            _ => continue,
        };
        dialect::lock_ticket(conn, &alert.ticket.to_string())?;
        let ticket = tickets::find(conn, alert.ticket)?;
        let key = format!(
            "sla:{}:{}:{}",
            alert.target.as_str(),
            alert.kind.as_str(),
            alert.due_at.timestamp_micros()
        );
        triggers::run::on(conn, context, ticket, event, &key, now)?;
    }
    Ok(())
}

/// Sweeps until nothing is due now; returns how many alerts fired here.
pub async fn fire_due(app: &App) -> Result<usize, AppError> {
    let mail = app.mail_context().await?;
    let mut total = 0;
    loop {
        let mail = mail.clone();
        let sla = app.sla_book.clone();
        let fired = app
            .store
            .write(move |conn| {
                let now = time::now();
                let fired = fire(conn, now, SWEEP_BATCH)?;
                set_off_triggers(conn, (&mail, &sla), &fired, now)?;
                Ok::<_, AppError>(fired)
            })
            .await?;
        let mut tickets: Vec<_> = fired.iter().map(|a| a.ticket).collect();
        tickets.sort_unstable();
        tickets.dedup();
        let changes: Vec<Change> = tickets
            .into_iter()
            .map(|id| Change::Ticket {
                id,
                kind: ChangeKind::Sla,
            })
            .collect();
        app.publish(&changes);
        total += fired.len();
        if fired.len() < SWEEP_BATCH as usize {
            return Ok(total);
        }
    }
}

/// When the next near breach or breach falls due anywhere, if one is waiting.
pub async fn next_alert(app: &App) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(app.store.read(clocks::next_alert).await?)
}
