//! The visitor's rating of a chat that ended: 1 to 5 and a comment, kept on the ticket.

use kefu_api_types::chat::ServerFrame;
use kefu_domain::chat::ConversationState;
use kefu_domain::survey::{Expectation, Rating, RatingSource};
use kefu_domain::{text, time};
use kefu_store::chat::conversations;
use kefu_store::chat::visitors::Visitor;
use kefu_store::dialect;

use crate::App;
use crate::changes::{Change, ChangeKind};
use crate::chat::events::{Audience, ChatEvent};
use crate::chat::outcome::Outcome;
use crate::error::AppError;
use crate::surveys;

/// The longest rating comment, in characters.
pub const COMMENT_MAX: usize = 1_000;

/// Rates the visitor's latest chat, which must have ended and not been rated yet (a chat is
/// rated once, so satisfaction figures count each chat once).
pub async fn rate(
    app: &App,
    visitor: &Visitor,
    score: u8,
    (comment, expectation): (Option<String>, Option<Expectation>),
) -> Result<Outcome<()>, AppError> {
    if !(1..=5).contains(&score) {
        return Err(AppError::invalid("invalid_rating", "a rating is 1 to 5"));
    }
    let comment = text::optional("comment", comment.as_deref(), COMMENT_MAX, true)?;
    let rating = Rating::new(score, comment.as_deref(), expectation)?;
    let mail = app.mail_context().await?;
    let sla = app.sla_book.clone();
    let visitor = visitor.id;
    let ticket = app
        .store
        .write(move |conn| {
            let chat = conversations::of_visitor(conn, visitor, 1)?
                .pop()
                .ok_or(AppError::NotFound("chat"))?;
            if chat.conversation.state != ConversationState::Ended {
                return Err(AppError::conflict(
                    "chat_not_ended",
                    "a chat is rated once it has ended",
                ));
            }
            if chat.rating.is_some() {
                return Err(AppError::conflict(
                    "chat_already_rated",
                    "this chat is rated already; thank you",
                ));
            }
            let now = time::now();
            conversations::rate(conn, chat.ticket, score, comment.as_deref(), now)?;
            dialect::lock_ticket(conn, &chat.ticket.to_string())?;
            let ticket = kefu_store::tickets::find(conn, chat.ticket)?;
            surveys::rate::record(
                conn,
                (&mail, &sla),
                ticket,
                (rating, RatingSource::Chat),
                now,
            )?;
            Ok(chat.ticket)
        })
        .await?;
    Ok(Outcome::new(
        (),
        vec![ChatEvent::new(
            Audience::Visitor(ticket),
            ServerFrame::Rated { ticket },
        )],
        vec![Change::Ticket {
            id: ticket,
            kind: ChangeKind::Updated,
        }],
    ))
}
