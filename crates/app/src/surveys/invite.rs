//! The survey link mailed when a ticket is solved: single use, good for the days the settings
//! say, needing no sign-in; only its hash is kept.

use chrono::{DateTime, Duration, Utc};
use kefu_domain::ticket::{Channel, Status, Ticket};
use kefu_store::{DbConnection, surveys};

use super::settings;
use crate::error::AppError;
use crate::mail::notices;
use crate::mail::outgoing::MailContext;
use crate::tokens;

/// Mails the customer a survey link if `after` was just solved (from `before`), surveys are
/// on, and the customer has an address. Chats are rated in the widget when they end, so a
/// chat is asked by mail only if it was not rated there.
pub(crate) fn on_solved(
    conn: &mut DbConnection,
    context: &MailContext,
    (before, after): (&Ticket, &Ticket),
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    if after.status != Status::Solved || before.status == Status::Solved {
        return Ok(false);
    }
    let settings = settings::read(conn)?;
    if !settings.enabled {
        return Ok(false);
    }
    if after.channel == Channel::Chat && !surveys::of_ticket(conn, after.id)?.is_empty() {
        return Ok(false);
    }
    let token = tokens::generate();
    let expires = now + Duration::days(i64::from(settings.link_days));
    surveys::insert_link(conn, &tokens::hash(&token), after.id, now, expires)?;
    let url = format!("{}/rate/{token}", context.console_url());
    notices::survey(conn, context, after, (&url, settings.link_days), now)
}
