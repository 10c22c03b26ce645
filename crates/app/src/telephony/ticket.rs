//! The ticket a call lands on: the caller's open one, or a new phone ticket, routed and on its
//! clock like any other.

use chrono::{DateTime, Utc};
use kefu_domain::integration::IntegrationEvent::TicketCreated;
use kefu_domain::phone::PhoneNumber;
use kefu_domain::telephony::TelephonySettings;
use kefu_domain::ticket::{Channel, Ticket, TicketNumber};
use kefu_domain::triggers::TriggerEvent;
use kefu_store::customers::CustomerSummary;
use kefu_store::search::SearchEntry;
use kefu_store::search::index as search_index;
use kefu_store::{DbConnection, dialect, telephony, tickets};

use crate::customers::find_or_create::{self, RequesterSpec};
use crate::error::AppError;
use crate::integrations;
use crate::mail::outgoing::MailContext;
use crate::routing::arrival::{self, Facts};
use crate::sla::book::BookCache;
use crate::sla::clock;
use crate::triggers;

/// The customer with `number` (made if nobody has it) and the ticket their call lands on:
/// their open ticket changed last, else a new phone ticket; whether it is new.
pub(crate) fn for_caller(
    conn: &mut DbConnection,
    (mail, book): (&MailContext, &BookCache),
    settings: &TelephonySettings,
    number: &PhoneNumber,
    now: DateTime<Utc>,
) -> Result<(CustomerSummary, Ticket, bool), AppError> {
    let spec = RequesterSpec::Contact {
        name: None,
        email: None,
        phone: Some(number.clone()),
        organisation: None,
    };
    let customer = find_or_create::resolve(conn, spec, now)?;
    if let Some(open) = telephony::open_ticket_of(conn, customer.id)? {
        // Locked, so an agent's change at the same moment is not overwritten.
        dialect::lock_ticket(conn, &open.to_string())?;
        let ticket = tickets::find(conn, open)?;
        return Ok((customer, ticket, false));
    }
    let number = dialect::next_ticket_numbers(conn, 1)?
        .pop()
        .ok_or_else(|| AppError::internal("no ticket number was reserved"))?;
    let who = &customer.name;
    let mut ticket = Ticket::opened_by_customer(
        TicketNumber::new(number)?,
        kefu_domain::text::subject(&format!("Call from {who} / 来电：{who}"))
            .unwrap_or_else(|_| "Phone call / 来电".to_owned()),
        settings.stage,
        Channel::Phone,
        customer.id,
        settings.team,
        now,
    );
    let routing = arrival::route(conn, book, &mut ticket, Facts::default(), now)?;
    clock::start(conn, book, &mut ticket, now)?;
    tickets::insert(conn, &ticket)?;
    routing.record(conn, mail, &ticket, now)?;
    search_index::write(conn, &SearchEntry::all_of(&ticket, &[])?)?;
    integrations::ticket_event(conn, book, TicketCreated, &ticket, None, now)?;
    let ticket = triggers::run::on(
        conn,
        (mail, book),
        ticket,
        TriggerEvent::TicketCreated,
        "created",
        now,
    )?;
    Ok((customer, ticket, true))
}
