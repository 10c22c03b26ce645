//! A ticket's timeline, oldest first; requesters see public entries only.

use kefu_api_types::queries::TimelineQuery;
use kefu_api_types::tickets::MessageList;
use kefu_domain::permissions::{Actor, TicketAccess};
use kefu_store::messages::{self, MessageCursor};

use crate::error::AppError;
use crate::tickets::reference::{TicketRef, load_visible};
use crate::{App, view};

/// The most entries one page of a timeline holds.
pub const MAX_LIMIT: i64 = 200;
/// The page size when none is asked for.
pub const DEFAULT_LIMIT: i64 = 100;

/// One page of the ticket's timeline as `actor` may read it.
pub async fn page(
    app: &App,
    actor: Actor,
    reference: TicketRef,
    query: TimelineQuery,
) -> Result<MessageList, AppError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::InvalidQuery(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let cursor = query
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| {
            MessageCursor::decode(c)
                .ok_or_else(|| AppError::InvalidQuery("the cursor is not valid".into()))
        })
        .transpose()?;
    let region = app.phone_region().await?;
    app.store
        .read(move |conn| {
            let (ticket, access) = load_visible(conn, &actor, reference)?;
            let internal = access == TicketAccess::Full;
            let (items, next) = messages::list(conn, ticket.id, internal, cursor.as_ref(), limit)?;
            Ok(MessageList {
                items: view::messages(conn, items, region)?,
                next_cursor: next.map(|c| c.encode()).transpose()?,
            })
        })
        .await
}
