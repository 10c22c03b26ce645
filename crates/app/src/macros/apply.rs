//! Applying a macro to a ticket: its changes are made at once (and shown on the timeline like
//! any agent's), and its reply comes back with the placeholders filled in the customer's
//! language, for the agent to edit and send.

use kefu_api_types::macros::AppliedMacro;
use kefu_domain::ids::MacroId;
use kefu_domain::macros::{self, Assign, Values};
use kefu_domain::permissions::Actor;
use kefu_domain::ticket::TicketNumber;
use kefu_domain::time;
use kefu_store::{customers, users};

use crate::changes::{ChangeKind, Changed};
use crate::error::AppError;
use crate::tickets::TicketRef;
use crate::tickets::reference::load_for_update;
use crate::tickets::update::{TicketChange, apply as apply_change};
use crate::{App, view};

/// Applies macro `id` to the ticket as `actor`.
pub async fn apply(
    app: &App,
    actor: Actor,
    reference: TicketRef,
    id: MacroId,
) -> Result<Changed<AppliedMacro>, AppError> {
    actor.may_work_tickets()?;
    let region = app.phone_region().await?;
    let mail = app.mail_context().await?;
    let sla = app.sla_book.clone();
    let applied = app
        .store
        .write(move |conn| {
            let stored =
                kefu_store::macros::find(conn, id).map_err(AppError::not_found_as("macro"))?;
            let m = stored.value;
            if !super::visible(&actor, &m) {
                return Err(AppError::NotFound("macro"));
            }
            let loaded = load_for_update(conn, &actor, reference)?;
            let change = TicketChange {
                status: m.changes.status,
                priority: m.changes.priority,
                team: m.changes.team.map(Some),
                assignee: m.changes.assign.map(|a| match a {
                    Assign::Me => Some(actor.user),
                    Assign::Nobody => None,
                    Assign::User(user) => Some(user),
                }),
                add_tags: m.changes.add_tags.clone(),
                remove_tags: m.changes.remove_tags.clone(),
                ..TicketChange::default()
            };
            let ticket = apply_change(conn, &actor, loaded, &change, (&mail, &sla), time::now())?;
            kefu_store::macros::count_use(conn, m.id)?;
            let locale = crate::mail::outgoing::customer_locale(conn, &ticket)?;
            let requester = customers::find(conn, ticket.requester)?;
            let agent = users::find(conn, actor.user)?;
            let values = Values {
                customer_name: requester.name.clone(),
                customer_email: requester
                    .emails
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                ticket_number: number_text(ticket.number),
                ticket_subject: ticket.subject.clone(),
                agent_name: agent.name,
            };
            let text = m.text_in(locale).map(|t| macros::render(t, &values));
            Ok::<_, AppError>(AppliedMacro {
                ticket: view::ticket(conn, ticket, &actor, region)?,
                text,
                locale: locale.as_str().to_owned(),
            })
        })
        .await?;
    let ticket = applied.ticket.id;
    Ok(Changed::ticket(applied, ticket, ChangeKind::Updated))
}

fn number_text(number: TicketNumber) -> String {
    format!("#{}", number.get())
}
