//! The page a chatting visitor is on: kept on their chat as they browse the website, and
//! shown live to the agent serving it (an agent offered it, or taking it from the queue, reads
//! it with the chat).

use kefu_api_types::chat::ServerFrame;
use kefu_domain::chat::ConversationState;
use kefu_domain::ids::TicketId;
use kefu_domain::widget::page_address;
use kefu_store::chat::conversations::{self, VisitorContext};
use kefu_store::chat::visitors::Visitor;

use crate::App;
use crate::chat::events::{Audience, ChatEvent};
use crate::chat::outcome::Outcome;
use crate::chat::start;
use crate::error::AppError;

/// A page address checked and cleaned for agents' eyes ([`page_address`]).
pub fn parse_url(url: &str) -> Result<String, AppError> {
    page_address(url).ok_or_else(|| {
        AppError::invalid(
            "invalid_page_url",
            "`url` is the page's http or https address",
        )
    })
}

/// `visitor` is on the page at `url`: kept on their chat that has not ended (if they have one
/// and the page is new), and the agent serving it is told.
pub async fn visited(app: &App, visitor: &Visitor, url: &str) -> Result<Outcome<()>, AppError> {
    let url = parse_url(url)?;
    let id = visitor.id;
    // Read first: most page loads are of a visitor not chatting, or on the page already kept.
    let page = url.clone();
    let moved = app
        .store
        .read(move |conn| {
            let Some(ticket) = start::current(conn, id)? else {
                return Ok::<_, AppError>(None);
            };
            let chat = conversations::find(conn, ticket)?;
            Ok(chat
                .filter(|c| c.context.page_url.as_deref() != Some(page.as_str()))
                .map(|c| c.ticket))
        })
        .await?;
    let Some(ticket) = moved else {
        return Ok(Outcome::quiet(()));
    };
    app.store
        .write(move |conn| keep(conn, id, ticket, url))
        .await
}

fn keep(
    conn: &mut kefu_store::DbConnection,
    visitor: kefu_domain::ids::VisitorId,
    ticket: TicketId,
    url: String,
) -> Result<Outcome<()>, AppError> {
    // The ticket first, as every writer of a chat locks it; then the chat as it is now.
    kefu_store::dialect::lock_ticket(conn, &ticket.to_string())?;
    let Some(chat) = conversations::find(conn, ticket)? else {
        return Ok(Outcome::quiet(()));
    };
    let state = chat.conversation.state;
    if chat.visitor != visitor
        || state == ConversationState::Ended
        || chat.context.page_url.as_deref() == Some(url.as_str())
    {
        return Ok(Outcome::quiet(()));
    }
    let context = VisitorContext {
        page_url: Some(url.clone()),
        ..chat.context.clone()
    };
    conversations::set_context(conn, ticket, &context)?;
    // Only the agent serving it is told: a waiting chat's queue is not sent again to its
    // whole team for every page its visitor opens.
    let events = match (state, chat.conversation.agent) {
        (ConversationState::Serving, Some(agent)) => vec![ChatEvent::new(
            Audience::Agent(agent),
            ServerFrame::VisitorPage {
                ticket,
                page_url: url,
            },
        )],
        _ => Vec::new(),
    };
    Ok(Outcome::new((), events, Vec::new()))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn a_page_that_is_not_a_web_address_is_refused() {
        assert!(parse_url("https://shop.example.com/checkout").is_ok());
        let refused = parse_url("javascript:alert(1)").unwrap_err();
        assert_eq!(refused.code(), "invalid_page_url");
    }
}
