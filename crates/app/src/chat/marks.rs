//! Marks passed to the other side of a chat: typing, and how far a side has read. Read marks
//! are kept too, so a side that reloads is shown them again.

use kefu_api_types::chat::{Author, AuthorKind, ServerFrame};
use kefu_domain::chat::{ConversationState, Sequence, read_mark};
use kefu_domain::ids::{TicketId, UserId};
use kefu_store::DbConnection;
use kefu_store::chat::conversations::{self, Chat};
use kefu_store::chat::read_marks::{self, Side};

use crate::App;
use crate::chat::events::{Audience, ChatEvent};
use crate::chat::identity::Participant;
use crate::chat::outcome::Outcome;
use crate::chat::start;
use crate::error::AppError;

/// A chat as its participant `who` sees it: its side, and the other side's audience (none
/// while no agent serves it).
struct Sides {
    chat: Chat,
    side: Side,
    other: Option<(Audience, Author)>,
}

impl Sides {
    /// The other side is told `frame` (of the chat's ticket and this side as its author), if
    /// someone is there.
    fn tell_other(self, frame: impl FnOnce(TicketId, Author) -> ServerFrame) -> Outcome<()> {
        let ticket = self.chat.ticket;
        let events = self
            .other
            .map(|(audience, author)| ChatEvent::new(audience, frame(ticket, author)))
            .into_iter()
            .collect();
        Outcome::new((), events, Vec::new())
    }
}

/// The chat `who` marks (a visitor may leave `ticket` out: their current chat), if it is
/// theirs: the visitor's own, or the one an agent serves or served.
fn sides(
    conn: &mut DbConnection,
    who: &Participant,
    ticket: Option<TicketId>,
) -> Result<Sides, AppError> {
    let ticket = match (ticket, who) {
        (Some(t), _) => t,
        (None, Participant::Visitor(v)) => {
            start::current(conn, v.id)?.ok_or(AppError::NotFound("chat"))?
        }
        (None, Participant::Agent(_)) => {
            return Err(AppError::invalid(
                "ticket_required",
                "say which chat in `ticket`",
            ));
        }
    };
    let chat = conversations::find(conn, ticket)?.ok_or(AppError::NotFound("chat"))?;
    match who {
        Participant::Visitor(v) if v.id == chat.visitor => {
            let other = its_agent(&chat).map(|agent| {
                let author = Author {
                    kind: AuthorKind::Visitor,
                    name: String::new(),
                };
                (Audience::Agent(agent), author)
            });
            Ok(Sides {
                other,
                side: Side::Visitor,
                chat,
            })
        }
        Participant::Agent(a) if its_agent(&chat) == Some(a.actor.user) => {
            let author = Author {
                kind: AuthorKind::Agent,
                name: a.name.clone(),
            };
            Ok(Sides {
                other: Some((Audience::Visitor(chat.ticket), author)),
                side: Side::Agent,
                chat,
            })
        }
        _ => Err(AppError::NotFound("chat")),
    }
}

/// The agent who serves `chat` (or served it, once it ended), if any: not one it is only
/// offered to, who sees none of it yet.
fn its_agent(chat: &Chat) -> Option<UserId> {
    chat.conversation
        .agent
        .filter(|_| chat.conversation.state != ConversationState::Offered)
}

/// `who` started or stopped typing: the other side is told, nothing is kept.
pub async fn typing(
    app: &App,
    who: &Participant,
    ticket: Option<TicketId>,
    typing: bool,
) -> Result<Outcome<()>, AppError> {
    let who = who.clone();
    let found = app
        .store
        .read(move |conn| sides(conn, &who, ticket))
        .await?;
    Ok(found.tell_other(|ticket, author| ServerFrame::Typing {
        ticket,
        author,
        typing,
    }))
}

/// `who` has read up to line `up_to` (no further than the chat's last line): kept if it moves
/// their mark forward, and the other side is told.
pub async fn read(
    app: &App,
    who: &Participant,
    ticket: Option<TicketId>,
    up_to: u64,
) -> Result<Outcome<()>, AppError> {
    let who = who.clone();
    let (found, known) = app
        .store
        .read(move |conn| {
            let found = sides(conn, &who, ticket)?;
            let known = read_marks::get(conn, found.chat.ticket)?.unwrap_or_default();
            Ok::<_, AppError>((found, known))
        })
        .await?;
    let (ticket, side) = (found.chat.ticket, found.side);
    // A mark that does not move is not written (the writer is the chat lines').
    let Some(up_to) = read_mark(Sequence::new(up_to), found.chat.last_seq, known.of(side)) else {
        return Ok(Outcome::quiet(()));
    };
    // Another socket of the same side may have moved it as far meanwhile: told once.
    let moved = app
        .store
        .write(move |conn| read_marks::advance(conn, ticket, side, up_to))
        .await?;
    if !moved {
        return Ok(Outcome::quiet(()));
    }
    Ok(found.tell_other(|ticket, _| ServerFrame::Read {
        ticket,
        up_to: up_to.get(),
    }))
}

/// The read mark `who` should see on resuming `ticket`: the other side's, once it read a line.
pub fn seen_by_other_side(
    conn: &mut DbConnection,
    who: &Participant,
    ticket: TicketId,
) -> Result<Option<ServerFrame>, AppError> {
    let Some(marks) = read_marks::get(conn, ticket)? else {
        return Ok(None);
    };
    let other = match who {
        Participant::Visitor(_) => Side::Agent,
        Participant::Agent(_) => Side::Visitor,
    };
    let up_to = marks.of(other).get();
    Ok((up_to > 0).then_some(ServerFrame::Read { ticket, up_to }))
}
