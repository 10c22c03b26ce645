//! Chat lines: written in group commits (one transaction for the lines of many sockets),
//! numbered per conversation without gaps, stored once however often they are sent, and
//! read back after a sequence when a client resumes.

use std::collections::HashMap;

use kefu_api_types::chat::{Author, AuthorKind, ServerFrame};
use kefu_api_types::files::ChatFile;
use kefu_domain::chat::{ConversationState, Sequence};
use kefu_domain::ids::{MessageId, TicketId};
use kefu_domain::message::{AuthorKind as MessageAuthor, Message, MessageKind, Visibility};
use kefu_domain::role::Role;
use kefu_domain::ticket::{Channel, Status};
use kefu_domain::{DomainError, status, text, time};
use kefu_store::chat::conversations::{self, Chat};
use kefu_store::chat::files as chat_files;
use kefu_store::chat::lines::{self, Line};
use kefu_store::{DbConnection, customers, dialect, messages, tickets, users};

use crate::App;
use crate::changes::{Change, ChangeKind};
use crate::chat::events::ChatEvent;
use crate::chat::files;
use crate::chat::identity::Participant;
use crate::chat::outcome::Outcome;
use crate::chat::start::{LINE_MAX, current};
use crate::error::AppError;
use crate::tickets::history;

/// The longest client id for a line, in characters.
pub const CLIENT_ID_MAX: usize = 64;
/// The most lines one resume sends per conversation before the client asks again.
pub const RESUME_PAGE: i64 = 500;

/// A line someone sent, not yet written.
#[derive(Clone, Debug)]
pub struct LineIn {
    /// Who sent it.
    pub from: Participant,
    /// Which conversation (a visitor's current one if not given).
    pub ticket: Option<TicketId>,
    /// The sender's own id for it.
    pub client_id: String,
    /// What it says (a file's name, for a file).
    pub text: String,
    /// Files sent on it, already kept in the file store.
    pub files: Vec<FileIn>,
}

/// A kept file, to be recorded on the line that carries it.
#[derive(Clone, Debug)]
pub struct FileIn {
    /// How clients show it.
    pub shown: ChatFile,
    /// Where its bytes are kept.
    pub sha256: String,
    /// Whether a thumbnail is kept.
    pub thumbnail: bool,
    /// The secret its links carry.
    pub access_key: String,
}

impl LineIn {
    /// A line checked: a client id of 1 to 64 visible ASCII characters, text of 1 to 5,000
    /// characters.
    pub fn parse(
        from: Participant,
        ticket: Option<TicketId>,
        client_id: String,
        text_in: &str,
    ) -> Result<Self, AppError> {
        let id_ok = !client_id.is_empty()
            && client_id.len() <= CLIENT_ID_MAX
            && client_id.bytes().all(|b| b.is_ascii_graphic());
        if !id_ok {
            return Err(AppError::invalid(
                "invalid_client_id",
                format!("`client_id` is 1 to {CLIENT_ID_MAX} visible ASCII characters"),
            ));
        }
        Ok(Self {
            from,
            ticket,
            client_id,
            text: text::clean("text", text_in, LINE_MAX, true)?,
            files: Vec::new(),
        })
    }
}

/// A line that is committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posted {
    /// The sender's id for it.
    pub client_id: String,
    /// Its conversation.
    pub ticket: TicketId,
    /// Its number there.
    pub seq: Sequence,
    /// Its message on the ticket.
    pub message: MessageId,
    /// Whether it had been stored before (sent again).
    pub duplicate: bool,
}

/// The frame for a line.
pub fn message_frame(
    ticket: TicketId,
    seq: Sequence,
    message: &Message,
    kind: AuthorKind,
    name: &str,
) -> ServerFrame {
    ServerFrame::Message {
        ticket,
        seq: seq.get(),
        message: message.id,
        author: Author {
            kind,
            name: name.to_owned(),
        },
        text: message.body.clone(),
        files: files::of_message(message),
        at: message.created_at,
    }
}

/// Whether `from` may write in `chat` now.
pub(crate) fn may_write(from: &Participant, chat: &Chat) -> Result<(), AppError> {
    match from {
        Participant::Visitor(v) if v.id == chat.visitor => {
            if chat.conversation.state == ConversationState::Ended {
                Err(AppError::conflict(
                    "chat_ended",
                    "this chat has ended; start a new one",
                ))
            } else {
                Ok(())
            }
        }
        Participant::Agent(a)
            if chat.conversation.state == ConversationState::Serving
                && chat.conversation.agent == Some(a.actor.user) =>
        {
            Ok(())
        }
        Participant::Agent(_) if chat.conversation.state != ConversationState::Ended => Err(
            AppError::forbidden("only the agent serving the chat writes in it"),
        ),
        Participant::Agent(_) => Err(AppError::conflict(
            "chat_ended",
            "this chat has ended; answer on the ticket",
        )),
        Participant::Visitor(_) => Err(AppError::NotFound("chat")),
    }
}

type LineResults = Vec<Result<Posted, AppError>>;
/// Each line's answer, by its index in the batch.
type Answers = Vec<(usize, Result<Posted, AppError>)>;

/// Writes a batch of lines from any number of sockets in one transaction. Each line gets its
/// own answer: its sequence (the first one's, if it was sent before) or why it was refused.
/// The whole batch fails only if the database does; then nothing of it was stored.
pub async fn post_lines(app: &App, batch: Vec<LineIn>) -> Result<Outcome<LineResults>, AppError> {
    if batch.is_empty() {
        return Ok(Outcome::quiet(Vec::new()));
    }
    app.store
        .write(move |conn| {
            let mut results: Vec<Option<Result<Posted, AppError>>> =
                (0..batch.len()).map(|_| None).collect();
            let mut by_ticket: Vec<(TicketId, Vec<usize>)> = Vec::new();
            for (i, line) in batch.iter().enumerate() {
                let ticket = match (line.ticket, &line.from) {
                    (Some(t), _) => Some(t),
                    (None, Participant::Visitor(v)) => current(conn, v.id)?,
                    (None, Participant::Agent(_)) => None,
                };
                match ticket {
                    Some(t) => match by_ticket.iter_mut().find(|(id, _)| *id == t) {
                        Some((_, list)) => list.push(i),
                        None => by_ticket.push((t, vec![i])),
                    },
                    None => results[i] = Some(Err(AppError::NotFound("chat"))),
                }
            }
            let mut events = Vec::new();
            let mut changes = Vec::new();
            for (ticket, indexes) in by_ticket {
                let written = write_conversation(conn, ticket, &batch, &indexes, &mut events)?;
                for (i, result) in written {
                    results[i] = Some(result);
                }
                changes.push(Change::Ticket {
                    id: ticket,
                    kind: ChangeKind::MessagePosted,
                });
            }
            let results = results
                .into_iter()
                .map(|r| r.unwrap_or(Err(AppError::NotFound("chat"))))
                .collect();
            Ok(Outcome::new(results, events, changes))
        })
        .await
}

/// Writes the lines of one conversation; returns each line's answer by its index.
fn write_conversation(
    conn: &mut DbConnection,
    ticket: TicketId,
    batch: &[LineIn],
    indexes: &[usize],
    events: &mut Vec<ChatEvent>,
) -> Result<Answers, AppError> {
    let mut answers = Vec::with_capacity(indexes.len());
    dialect::lock_ticket(conn, &ticket.to_string())?;
    let Some(chat) = conversations::find(conn, ticket)? else {
        return Ok(indexes
            .iter()
            .map(|i| (*i, Err(AppError::NotFound("chat"))))
            .collect());
    };
    let mut allowed = Vec::new();
    for &i in indexes {
        match may_write(&batch[i].from, &chat) {
            Ok(()) => allowed.push(i),
            Err(e) => answers.push((i, Err(e))),
        }
    }
    if allowed.is_empty() {
        return Ok(answers);
    }
    let before = tickets::find(conn, ticket)?;
    if before.status == Status::Closed {
        answers.extend(
            allowed
                .iter()
                .map(|i| (*i, Err(DomainError::TicketClosed.into()))),
        );
        return Ok(answers);
    }
    let ids: Vec<&str> = allowed
        .iter()
        .map(|i| batch[*i].client_id.as_str())
        .collect();
    let stored = lines::by_client_ids(conn, ticket, &ids)?;
    let mut fresh: Vec<usize> = Vec::new();
    let mut first_of: HashMap<&str, usize> = HashMap::new();
    for &i in &allowed {
        let id = batch[i].client_id.as_str();
        if let Some((seq, message)) = stored.get(id) {
            answers.push((
                i,
                Ok(Posted {
                    client_id: id.to_owned(),
                    ticket,
                    seq: *seq,
                    message: *message,
                    duplicate: true,
                }),
            ));
        } else if first_of.contains_key(id) {
            // Sent twice in one batch: answered below, once the first is numbered.
        } else {
            first_of.insert(id, i);
            fresh.push(i);
        }
    }
    let mut posted: HashMap<&str, Posted> = HashMap::new();
    if !fresh.is_empty() {
        let now = time::now();
        let first = conversations::reserve_seqs(conn, ticket, fresh.len() as u64)?;
        let requester_name = customers::summaries(conn, &[before.requester])?
            .pop()
            .map(|c| c.name)
            .unwrap_or_default();
        let mut after = before.clone();
        let mut new_messages = Vec::with_capacity(fresh.len());
        let mut new_lines = Vec::with_capacity(fresh.len());
        let mut new_files = Vec::new();
        let mut seq = first;
        for &i in &fresh {
            let line = &batch[i];
            let (kind, author_user, author_customer, frame_kind, name) = match &line.from {
                Participant::Visitor(_) => (
                    MessageAuthor::Customer,
                    None,
                    Some(before.requester),
                    AuthorKind::Visitor,
                    requester_name.clone(),
                ),
                Participant::Agent(a) => (
                    MessageAuthor::Agent,
                    Some(a.actor.user),
                    None,
                    AuthorKind::Agent,
                    a.name.clone(),
                ),
            };
            if kind == MessageAuthor::Customer {
                after.status = status::after_customer_reply(after.status)?;
            } else {
                after.stamp_milestones(before.status, true, now);
            }
            let message = Message {
                id: MessageId::new(),
                ticket,
                kind: MessageKind::Reply,
                visibility: Visibility::Public,
                author_kind: kind,
                author_user,
                author_customer,
                channel: Channel::Chat,
                body: line.text.clone(),
                data: files::data_of(&line.files),
                created_at: now,
            };
            new_files.extend(
                line.files
                    .iter()
                    .map(|f| files::stored(f, ticket, message.id, now)),
            );
            events.extend(ChatEvent::both_sides(
                ticket,
                chat.conversation.agent,
                message_frame(ticket, seq, &message, frame_kind, &name),
            ));
            new_lines.push(Line {
                ticket,
                seq,
                message: message.id,
                client_id: Some(line.client_id.clone()),
            });
            posted.insert(
                line.client_id.as_str(),
                Posted {
                    client_id: line.client_id.clone(),
                    ticket,
                    seq,
                    message: message.id,
                    duplicate: false,
                },
            );
            new_messages.push(message);
            seq = seq.next();
        }
        messages::insert_many(conn, &new_messages)?;
        lines::insert_many(conn, &new_lines)?;
        chat_files::insert_many(conn, &new_files)?;
        after.updated_at = now;
        tickets::save(conn, &after)?;
        for message in &new_messages {
            history::index_message(conn, &after, message)?;
        }
    }
    for &i in &allowed {
        let id = batch[i].client_id.as_str();
        if let Some(p) = posted.get(id) {
            let again = first_of.get(id) != Some(&i);
            answers.push((
                i,
                Ok(Posted {
                    duplicate: again,
                    ..p.clone()
                }),
            ));
        }
    }
    Ok(answers)
}

/// Numbers a public reply written outside the gateway (the console's reply box) in its
/// ticket's conversation, if the ticket is a chat; the gateway then sends it to the visitor.
pub fn number_reply(conn: &mut DbConnection, message: &Message) -> Result<(), AppError> {
    if conversations::find(conn, message.ticket)?.is_none() {
        return Ok(());
    }
    let seq = conversations::reserve_seqs(conn, message.ticket, 1)?;
    lines::insert_many(
        conn,
        &[Line {
            ticket: message.ticket,
            seq,
            message: message.id,
            client_id: None,
        }],
    )?;
    Ok(())
}

/// The lines of a conversation after `after`, as frames, for a client that resumes: its
/// visitor, or any agent or admin.
pub async fn after(
    app: &App,
    who: &Participant,
    ticket: TicketId,
    after: Sequence,
) -> Result<Vec<ServerFrame>, AppError> {
    let who = who.clone();
    app.store
        .read(move |conn| {
            let chat = conversations::find(conn, ticket)?.ok_or(AppError::NotFound("chat"))?;
            match &who {
                Participant::Visitor(v) if v.id != chat.visitor => {
                    return Err(AppError::NotFound("chat"));
                }
                Participant::Agent(a)
                    if !a.actor.role.is_staff() || a.actor.role == Role::Vendor =>
                {
                    return Err(AppError::NotFound("chat"));
                }
                _ => {}
            }
            let list = lines::after(conn, ticket, after, RESUME_PAGE)?;
            let ticket_row = tickets::find(conn, ticket)?;
            let requester = customers::summaries(conn, &[ticket_row.requester])?
                .pop()
                .map(|c| c.name)
                .unwrap_or_default();
            let agents: Vec<_> = list.iter().filter_map(|(_, m)| m.author_user).collect();
            let names = users::names(conn, &agents)?;
            Ok(list
                .iter()
                .map(|(seq, m)| {
                    let (kind, name) = match m.author_user {
                        Some(u) => (
                            AuthorKind::Agent,
                            names.get(&u).cloned().unwrap_or_default(),
                        ),
                        None => (AuthorKind::Visitor, requester.clone()),
                    };
                    message_frame(ticket, *seq, m, kind, &name)
                })
                .collect())
        })
        .await
}
