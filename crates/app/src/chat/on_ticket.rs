//! What agents see of a chat on its ticket, while it lasts and after: a live chat's state and
//! the agent it is with, or the message left on the offline form, and where the visitor was.

use kefu_api_types::accounts::UserSummary;
use kefu_api_types::widgets::TicketChatResponse;
use kefu_domain::chat::ChatSource;
use kefu_domain::permissions::Actor;
use kefu_store::chat::conversations;
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
            let (source, state, with, context, started_at, ended_at) =
                match conversations::find(conn, ticket.id)? {
                    Some(chat) => (
                        ChatSource::Live,
                        Some(chat.conversation.state),
                        chat.conversation.with_agent(),
                        chat.context,
                        chat.created_at,
                        chat.ended_at,
                    ),
                    None => {
                        let left = messages_left::find(conn, ticket.id)?
                            .ok_or(AppError::NotFound("chat"))?;
                        let at = left.created_at;
                        (ChatSource::MessageLeft, None, None, left.context, at, None)
                    }
                };
            let agent = users::names(conn, with.as_slice())?
                .into_iter()
                .next()
                .map(|(id, name)| UserSummary { id, name });
            Ok(TicketChatResponse {
                source,
                state,
                agent,
                browser: context
                    .user_agent
                    .as_deref()
                    .and_then(kefu_domain::browser::describe),
                page_url: context.page_url,
                language: context.language,
                started_at,
                ended_at,
            })
        })
        .await
}
