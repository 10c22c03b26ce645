//! An agent opened a ticket: the queue stops marking it as updated for them.

use kefu_domain::permissions::Actor;
use kefu_domain::time;
use kefu_store::reads;

use crate::App;
use crate::error::AppError;
use crate::tickets::reference::{TicketRef, load_visible};

/// Marks the ticket as seen by `actor` now.
pub async fn mark_seen(app: &App, actor: Actor, reference: TicketRef) -> Result<(), AppError> {
    actor.may_work_tickets()?;
    app.store
        .write(move |conn| {
            let (ticket, _) = load_visible(conn, &actor, reference)?;
            reads::mark_seen(conn, actor.user, ticket.id, time::now())?;
            Ok(())
        })
        .await
}
