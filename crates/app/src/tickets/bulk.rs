//! The same change to many tickets (agents' bulk actions); each ticket succeeds or fails on
//! its own.

use kefu_api_types::tickets::{BulkFailure, BulkUpdateResponse};
use kefu_domain::ids::TicketId;
use kefu_domain::permissions::Actor;
use kefu_domain::time;

use crate::changes::{Change, ChangeKind, Changed};
use crate::error::AppError;
use crate::tickets::reference::{TicketRef, load_for_update};
use crate::tickets::update::{TicketChange, apply};
use crate::{App, view};

/// The most tickets one bulk change may touch.
pub const MAX_TICKETS: usize = 100;

/// Applies `change` to each of `ids`, one transaction per ticket; the change was validated
/// once, before any ticket.
pub async fn update(
    app: &App,
    actor: Actor,
    mut ids: Vec<TicketId>,
    change: TicketChange,
) -> Result<Changed<BulkUpdateResponse>, AppError> {
    actor.may_work_tickets()?;
    ids.sort();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_TICKETS {
        return Err(AppError::invalid(
            "invalid_bulk",
            format!("give between 1 and {MAX_TICKETS} ticket ids"),
        ));
    }
    let region = app.phone_region().await?;
    let mail = app.mail_context().await?;
    let mut response = BulkUpdateResponse {
        updated: Vec::new(),
        failed: Vec::new(),
    };
    let mut changes = Vec::new();
    for id in ids {
        let change = change.clone();
        let mail = mail.clone();
        let sla = app.sla_book.clone();
        let outcome = app
            .store
            .write(move |conn| {
                let loaded = load_for_update(conn, &actor, TicketRef::Id(id))?;
                let after = apply(conn, &actor, loaded, &change, (&mail, &sla), time::now())?;
                Ok::<_, AppError>(view::ticket(conn, after, &actor, region)?)
            })
            .await;
        match outcome {
            Ok(ticket) => {
                changes.push(Change::Ticket {
                    id,
                    kind: ChangeKind::Updated,
                });
                response.updated.push(ticket);
            }
            Err(error) if error.is_outage() => {
                // What committed so far stays committed; say so before failing.
                app.publish(&changes);
                return Err(error);
            }
            Err(error) => response.failed.push(BulkFailure {
                id,
                code: error.code().into(),
                detail: error.to_string(),
            }),
        }
    }
    Ok(Changed::new(response, changes))
}
