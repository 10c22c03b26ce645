//! Scheduled automations: every minute, each active scheduled trigger looks at the tickets in
//! its statuses that have had no activity for its hours, a page at a time, and acts on those
//! that match — once per quiet spell (its run is keyed by the ticket's last activity, and a
//! run is activity), whichever node sweeps.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use kefu_domain::ids::{TicketId, TriggerId};
use kefu_domain::time;
use kefu_domain::triggers::{MAX_RUNS_PER_HOUR, Trigger, TriggerEvent};
use kefu_store::{dialect, tickets};

use super::run;
use crate::App;
use crate::changes::{Change, ChangeKind};
use crate::error::AppError;

/// Tickets looked at per trigger per sweep.
pub const PAGE: i64 = 200;

/// Where each scheduled trigger's walk through its quiet tickets stands, per node.
pub type Cursors = HashMap<TriggerId, (DateTime<Utc>, TicketId)>;

/// Runs the scheduled triggers on the tickets that have been quiet long enough; returns how
/// many runs there were.
pub async fn run_due(app: &App, cursors: &mut Cursors) -> Result<usize, AppError> {
    let mail = app.mail_context().await?;
    let sla = app.sla_book.clone();
    let book = app
        .store
        .read(move |conn| sla.get(conn).map_err(AppError::from))
        .await?;
    let scheduled: Vec<Trigger> = book
        .triggers
        .iter()
        .filter(|t| t.active && t.event == TriggerEvent::Scheduled)
        .cloned()
        .collect();
    cursors.retain(|id, _| scheduled.iter().any(|t| t.id == *id));
    let mut total = 0;
    for trigger in scheduled {
        let Some(hours) = trigger.conditions.hours else {
            continue;
        };
        let after = cursors.get(&trigger.id).copied();
        let cutoff = time::now() - Duration::hours(i64::from(hours));
        let statuses = trigger.conditions.statuses.clone();
        let page = app
            .store
            .read(move |conn| {
                kefu_store::triggers::quiet_tickets(conn, &statuses, cutoff, after, PAGE)
            })
            .await?;
        match page.last() {
            Some(last) if page.len() == PAGE as usize => {
                cursors.insert(trigger.id, (last.1, last.0));
            }
            _ => {
                cursors.remove(&trigger.id);
            }
        }
        for (id, quiet_since) in page {
            let mail = mail.clone();
            let sla = app.sla_book.clone();
            let trigger = trigger.clone();
            let acted = app
                .store
                .write(move |conn| {
                    dialect::lock_ticket(conn, &id.to_string())?;
                    let ticket = tickets::find(conn, id)?;
                    // Someone worked on it since the page was read, or it no longer fits.
                    if ticket.updated_at != quiet_since || !trigger.matches(&ticket) {
                        return Ok::<_, AppError>(false);
                    }
                    let now = time::now();
                    if kefu_store::triggers::runs_since(conn, id, now - Duration::hours(1))?
                        >= MAX_RUNS_PER_HOUR
                    {
                        return Ok(false);
                    }
                    let key = format!("quiet:{}", quiet_since.timestamp_micros());
                    if !kefu_store::triggers::record_run(conn, trigger.id, id, &key, now)? {
                        return Ok(false);
                    }
                    let before = ticket.clone();
                    let after = run::act(conn, (&mail, &sla), &trigger, ticket, now)?;
                    if after.status != before.status {
                        run::on(
                            conn,
                            (&mail, &sla),
                            after,
                            TriggerEvent::StatusChanged,
                            &format!("status:{}:{}", trigger.id, now.timestamp_micros()),
                            now,
                        )?;
                    }
                    Ok(true)
                })
                .await?;
            if acted {
                total += 1;
                app.publish(&[Change::Ticket {
                    id,
                    kind: ChangeKind::Updated,
                }]);
            }
        }
    }
    Ok(total)
}
