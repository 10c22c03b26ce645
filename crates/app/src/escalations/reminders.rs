//! Reminding vendors of what is due: once when a step's due time is near (a quarter of the
//! time given remains, 5 minutes to 4 hours ahead) and once when it has passed — by mail to
//! the portal users who want it (or to the contact addresses of a vendor who works by mail)
//! and by webhook. Each reminder goes once per due time, whichever node sweeps.

use chrono::Duration;
use kefu_domain::escalation::{REMINDER_LEAD_MAX_HOURS, Reminder};
use kefu_domain::time;
use kefu_domain::triggers::TriggerEvent;
use kefu_domain::webhook::WebhookEvent;
use kefu_store::{dialect, escalations, tickets, vendors};
use serde_json::json;

use crate::App;
use crate::error::AppError;
use crate::mail::notices;
use crate::triggers;

/// The most escalations one sweep looks at; the rest wait for the next.
const SWEEP: i64 = 500;

/// Sends the reminders due now; returns how many went.
pub async fn send_due(app: &App) -> Result<usize, AppError> {
    let mail = app.mail_context().await?;
    let sla = app.sla_book.clone();
    app.store
        .write(move |conn| {
            let now = time::now();
            let until = now + Duration::hours(REMINDER_LEAD_MAX_HOURS);
            let mut sent = 0;
            let due_now = escalations::due_before(conn, until, SWEEP)?;
            // The tickets of overdue steps (their triggers run) are locked up front, in id
            // order, as every writer of several tickets takes them.
            let overdue = due_now
                .iter()
                .filter(|(e, soon, late)| {
                    e.reminder((*soon, *late), now) == Some(Reminder::Overdue)
                })
                .map(|(e, _, _)| e.ticket);
            dialect::lock_tickets_in_order(conn, overdue)?;
            for (escalation, soon, late) in due_now {
                let (Some(reminder), Some(due)) =
                    (escalation.reminder((soon, late), now), escalation.due_at())
                else {
                    continue;
                };
                let late = reminder == Reminder::Overdue;
                if !escalations::mark_reminded(conn, escalation.id, late, due)? {
                    continue;
                }
                let vendor = vendors::find(conn, escalation.vendor)?;
                notices::escalation_reminder(conn, &mail, &escalation, &vendor, reminder, now)?;
                crate::webhooks::announce_with(
                    conn,
                    &escalation,
                    WebhookEvent::Reminder,
                    (
                        "reminder",
                        Some(json!({
                            "kind": if late { "overdue" } else { "due_soon" },
                            "due_at": due,
                        })),
                    ),
                    now,
                )?;
                if late {
                    dialect::lock_ticket(conn, &escalation.ticket.to_string())?;
                    let ticket = tickets::find(conn, escalation.ticket)?;
                    let key = format!("overdue:{}:{}", escalation.id, due.timestamp_micros());
                    triggers::run::on(
                        conn,
                        (&mail, &sla),
                        ticket,
                        TriggerEvent::EscalationOverdue,
                        &key,
                        now,
                    )?;
                }
                sent += 1;
            }
            Ok::<_, AppError>(sent)
        })
        .await
}
