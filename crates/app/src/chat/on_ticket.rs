//! What agents see of a chat on its ticket, while it lasts and after: a live chat's state and
//! the agent it is with, or the message left on the offline form, and where the visitor was.

use kefu_api_types::accounts::UserSummary;
use kefu_api_types::widgets::TicketChatResponse;
use kefu_domain::chat::ChatSource;
use kefu_domain::permissions::Actor;
use kefu_store::chat::conversations::{self, VisitorContext};
use kefu_store::chat::messages_left;
use kefu_store::users;

use crate::App;
use crate::error::AppError;
use crate::tickets::TicketRef;
use crate::tickets::reference::load_visible;

/// The chat a ticket came from (staff); not found if it came some other way.
pub async fn show(
    app: &App,
    actor: Actor,
    reference: TicketRef,
) -> Result<TicketChatResponse, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            let (ticket, _) = load_visible(conn, &actor, reference)?;
            if let Some(chat) = conversations::find(conn, ticket.id)? {
                let with = chat.conversation.with_agent();
                let names = users::names(conn, &Vec::from_iter(with))?;
                let agent = with.and_then(|id| {
                    names.get(&id).map(|name| UserSummary {
                        id,
                        name: name.clone(),
                    })
                });
                let (page_url, language, browser) = where_they_were(chat.context);
                return Ok(TicketChatResponse {
                    source: ChatSource::Live,
                    state: Some(chat.conversation.state),
                    agent,
                    page_url,
                    language,
                    browser,
                    started_at: chat.created_at,
                    ended_at: chat.ended_at,
                });
            }
            let left = messages_left::find(conn, ticket.id)?.ok_or(AppError::NotFound("chat"))?;
            let (page_url, language, browser) = where_they_were(left.context);
            Ok(TicketChatResponse {
                source: ChatSource::MessageLeft,
                state: None,
                agent: None,
                page_url,
                language,
                browser,
                started_at: left.created_at,
                ended_at: None,
            })
        })
        .await
}

/// The visitor's page, language and browser (described: "Chrome 131 · Android").
fn where_they_were(context: VisitorContext) -> (Option<String>, Option<String>, Option<String>) {
    let browser = context
        .user_agent
        .as_deref()
        .and_then(kefu_domain::browser::describe);
    (context.page_url, context.language, browser)
}
