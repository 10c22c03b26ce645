//! The page a chatting visitor is on: kept on their chat as they browse the website, and
//! shown to the agent serving it (or to the team whose queue it waits in).

use kefu_api_types::chat::ServerFrame;
use kefu_domain::chat::ConversationState;
use kefu_domain::ids::TicketId;
use kefu_store::chat::conversations::{self, VisitorContext};
use kefu_store::chat::visitors::Visitor;

use crate::App;
use crate::chat::events::{Audience, ChatEvent};
use crate::chat::outcome::Outcome;
use crate::chat::{queue, start};
use crate::error::AppError;

/// The longest page address kept, in characters (longer ones are cut).
pub const URL_MAX: usize = 1_000;

/// A page address checked: `http` or `https`, cut to [`URL_MAX`] characters.
pub fn parse_url(url: &str) -> Result<String, AppError> {
    let url = url.trim();
    let scheme_ok = ["http://", "https://"].iter().any(|s| {
        url.get(..s.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(s))
    });
    if !scheme_ok || url.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "invalid_page_url",
            "`url` is the page's http or https address",
        ));
    }
    Ok(url.chars().take(URL_MAX).collect())
}

/// `visitor` is on the page at `url`: kept on their chat that has not ended (if they have one
/// and the page is new), and the agent serving it is told, or the team whose queue it is in.
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
    let events = match (state, chat.conversation.agent) {
        (ConversationState::Serving, Some(agent)) => vec![ChatEvent::new(
            Audience::Agent(agent),
            ServerFrame::VisitorPage {
                ticket,
                page_url: url,
            },
        )],
        _ => queue::team_events(conn, chat.conversation.team)?,
    };
    Ok(Outcome::new((), events, Vec::new()))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_a_web_address() {
        assert_eq!(
            parse_url(" https://shop.example.com/kettles?id=2 ").unwrap(),
            "https://shop.example.com/kettles?id=2"
        );
        assert!(parse_url("HTTP://shop.example.com/").is_ok());
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "shop.example.com",
            "",
            "https://shop.example.com/\nx",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
        let long = format!("https://shop.example.com/{}", "a".repeat(2_000));
        assert_eq!(parse_url(&long).unwrap().chars().count(), URL_MAX);
    }
}
