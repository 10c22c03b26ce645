//! Chat lines: written in group commits (one transaction for the lines of many sockets),
//! numbered per conversation without gaps, stored once however often they are sent, and
//! read back after a sequence when a client resumes.

use std::collections::HashMap;

use kefu_api_types::chat::{Author, AuthorKind, ServerFrame};
use kefu_api_types::files::ChatFile;
use kefu_domain::chat::{ConversationState, Sequence};
use kefu_domain::ids::{MessageId, TicketId, VisitorId};
use kefu_domain::message::{AuthorKind as MessageAuthor, Message, MessageKind, Visibility};
use kefu_domain::role::Role;
use kefu_domain::ticket::{Channel, Status, Ticket};
use kefu_domain::{DomainError, status, text, time};
use kefu_store::chat::conversations::{self, Chat};
use kefu_store::chat::files as message_files;
use kefu_store::chat::lines::{self, Line};
use kefu_store::{DbConnection, StoreError, customers, tickets, users};

use crate::App;
use crate::changes::{Change, ChangeKind};
use crate::chat::events::ChatEvent;
use crate::chat::files;
use crate::chat::identity::Participant;
use crate::chat::marks;
use crate::chat::outcome::Outcome;
use crate::chat::start::LINE_MAX;
use crate::error::AppError;
use crate::integrations;
use crate::sla::book::BookCache;
use crate::sla::clock;

/// The longest client id for a line, in characters.
pub const CLIENT_ID_MAX: usize = 64;
/// How often a busy chat moves its ticket's "last changed" time: each time would rewrite a
/// dozen queue indexes per line; a queue sorted by it is right to within this.
pub const TOUCH_EVERY: chrono::Duration = chrono::Duration::seconds(5);
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
        note: crate::chat::notes::of(message),
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

/// Writes a batch of lines from any number of sockets in one transaction. Each line gets its
/// own answer: its sequence (the first one's, if it was sent before) or why it was refused.
/// The whole batch fails only if the database does; then nothing of it was stored.
///
/// The batch costs a fixed number of statements whatever its size (one per kind: find the
/// conversations, their tickets and the lines sent before; number, insert), plus an update
/// per ticket whose status moves, so a group commit of many sockets' lines is not many
/// transactions' worth of work. The lines are indexed for search a moment later
/// ([`super::indexing`]).
pub async fn post_lines(app: &App, batch: Vec<LineIn>) -> Result<Outcome<LineResults>, AppError> {
    if batch.is_empty() {
        return Ok(Outcome::quiet(Vec::new()));
    }
    let batch = std::sync::Arc::new(batch);
    // PostgreSQL: lines are written without looking for their client ids first (a round trip
    // to a busy server), and the unique index says whether one was stored before; then the
    // batch is written again, looking. SQLite looks, in-process, every time.
    let first = match app.store.backend() {
        kefu_store::Backend::Postgres => Resends::Refused,
        kefu_store::Backend::Sqlite => Resends::Looked,
    };
    let outcome = match write(app, &batch, first).await {
        Err(BatchError::SentBefore) => write(app, &batch, Resends::Looked).await,
        other => other,
    };
    let outcome = outcome.map_err(|e| match e {
        BatchError::Failed(error) => error,
        BatchError::SentBefore => AppError::conflict("sent_before", "a line was stored before"),
    })?;
    app.chat_index
        .add(outcome.changes.iter().filter_map(|c| match c {
            Change::Ticket { id, .. } => Some(*id),
            _ => None,
        }));
    Ok(outcome)
}

/// How a batch finds lines sent before.
#[derive(Clone, Copy, PartialEq)]
enum Resends {
    /// Their client ids are looked up first.
    Looked,
    /// The unique index refuses them, and the batch fails with [`BatchError::SentBefore`].
    Refused,
}

/// Why a batch was not written.
enum BatchError {
    /// A line of it was stored before: write it again with [`Resends::Looked`].
    SentBefore,
    /// Anything else.
    Failed(AppError),
}

impl From<StoreError> for BatchError {
    fn from(error: StoreError) -> Self {
        BatchError::Failed(error.into())
    }
}

impl From<AppError> for BatchError {
    fn from(error: AppError) -> Self {
        BatchError::Failed(error)
    }
}

impl From<DomainError> for BatchError {
    fn from(error: DomainError) -> Self {
        BatchError::Failed(error.into())
    }
}

async fn write(
    app: &App,
    batch: &std::sync::Arc<Vec<LineIn>>,
    resends: Resends,
) -> Result<Outcome<LineResults>, BatchError> {
    let (sla, batch) = (app.sla_book.clone(), batch.clone());
    app.store
        .write_with_kept_plans(move |conn| write_batch(conn, &sla, &batch, resends))
        .await
}

/// A chat locked for a batch, as it was before the batch: its ticket, its live part and the
/// requester's name.
struct Locked {
    ticket: Ticket,
    chat: Chat,
    requester: String,
}

fn write_batch(
    conn: &mut DbConnection,
    sla: &BookCache,
    batch: &[LineIn],
    resends: Resends,
) -> Result<Outcome<LineResults>, BatchError> {
    let mut answers: Vec<Option<Result<Posted, AppError>>> =
        (0..batch.len()).map(|_| None).collect();
    let tickets_of = conversations_of(conn, batch)?;
    let mut tickets: Vec<TicketId> = tickets_of.iter().flatten().copied().collect();
    tickets.sort_unstable();
    tickets.dedup();
    // The tickets and their conversations are locked (in id order, as every writer of a chat
    // locks them) and read with their requesters' names, in one statement.
    let locked: HashMap<TicketId, Locked> = conversations::lock_with_tickets(conn, &tickets)?
        .into_iter()
        .map(|(ticket, chat, requester)| {
            let locked = Locked {
                ticket,
                chat,
                requester,
            };
            (locked.ticket.id, locked)
        })
        .collect();

    // Who may write where.
    let mut allowed: Vec<(usize, TicketId)> = Vec::with_capacity(batch.len());
    for (i, line) in batch.iter().enumerate() {
        let Some(Locked { ticket, chat, .. }) = tickets_of[i].and_then(|t| locked.get(&t)) else {
            answers[i] = Some(Err(AppError::NotFound("chat")));
            continue;
        };
        answers[i] = match may_write(&line.from, chat) {
            Err(e) => Some(Err(e)),
            Ok(()) if ticket.status == Status::Closed => {
                Some(Err(DomainError::TicketClosed.into()))
            }
            Ok(()) => {
                allowed.push((i, chat.ticket));
                None
            }
        };
    }

    // Lines sent before, in an earlier batch or earlier in this one.
    let pairs: Vec<(TicketId, &str)> = allowed
        .iter()
        .map(|(i, t)| (*t, batch[*i].client_id.as_str()))
        .collect();
    let stored = if resends == Resends::Looked {
        lines::by_client_ids_many(conn, &pairs)?
    } else {
        HashMap::new()
    };
    let mut first_of: HashMap<(TicketId, &str), usize> = HashMap::new();
    let mut fresh: Vec<(usize, TicketId)> = Vec::new();
    for &(i, ticket) in &allowed {
        let key = (ticket, batch[i].client_id.as_str());
        if !stored.contains_key(&(ticket, key.1.to_owned())) && !first_of.contains_key(&key) {
            first_of.insert(key, i);
            fresh.push((i, ticket));
        }
    }

    let mut counts: HashMap<TicketId, u64> = HashMap::new();
    for (_, ticket) in &fresh {
        *counts.entry(*ticket).or_default() += 1;
    }
    let counts: Vec<(TicketId, u64)> = counts.into_iter().collect();
    // Each conversation's next numbers follow its last: its row is locked (PostgreSQL) or the
    // only writer is this one (SQLite), so nobody numbers a line in it meanwhile.
    let mut next_seq: HashMap<TicketId, Sequence> = counts
        .iter()
        .filter_map(|(t, _)| locked.get(t).map(|l| (*t, l.chat.last_seq.next())))
        .collect();
    let now = time::now();
    // The tickets as the batch changes them; `locked` keeps them as they were.
    let mut rows: HashMap<TicketId, Ticket> = locked
        .iter()
        .map(|(id, l)| (*id, l.ticket.clone()))
        .collect();
    // What each ticket's last line in the batch owes or settles on its service-level clock.
    let mut said: HashMap<TicketId, clock::Activity> = HashMap::new();
    let mut events = Vec::new();
    let mut new_messages = Vec::with_capacity(fresh.len());
    let mut new_lines = Vec::with_capacity(fresh.len());
    let mut new_files = Vec::new();
    let mut posted: HashMap<(TicketId, &str), Posted> = HashMap::with_capacity(fresh.len());
    for &(i, ticket_id) in &fresh {
        let line = &batch[i];
        let (Some(seq), Some(ticket), Some(was)) = (
            next_seq.get_mut(&ticket_id),
            rows.get_mut(&ticket_id),
            locked.get(&ticket_id),
        ) else {
            continue;
        };
        let (kind, author_user, author_customer, frame_kind, name) = match &line.from {
            Participant::Visitor(_) => (
                MessageAuthor::Customer,
                None,
                Some(ticket.requester),
                AuthorKind::Visitor,
                was.requester.clone(),
            ),
            Participant::Agent(a) => (
                MessageAuthor::Agent,
                Some(a.actor.user),
                None,
                AuthorKind::Agent,
                a.name.clone(),
            ),
        };
        said.insert(
            ticket_id,
            if kind == MessageAuthor::Customer {
                clock::Activity::CustomerWrote
            } else {
                clock::Activity::StaffAnswered
            },
        );
        if kind == MessageAuthor::Customer {
            ticket.status = status::after_customer_reply(ticket.status)?;
        } else {
            ticket.stamp_milestones(was.ticket.status, true, now);
        }
        ticket.updated_at = now;
        let message = Message {
            id: MessageId::new(),
            ticket: ticket_id,
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
                .map(|f| files::stored(f, ticket_id, message.id, now)),
        );
        // An agent only offered the chat gets its lines once they accept it (all of them).
        let serving = was
            .chat
            .conversation
            .agent
            .filter(|_| was.chat.conversation.state == ConversationState::Serving);
        events.extend(ChatEvent::both_sides(
            ticket_id,
            serving,
            message_frame(ticket_id, *seq, &message, frame_kind, &name),
        ));
        new_lines.push(Line {
            ticket: ticket_id,
            seq: *seq,
            message: message.id,
            client_id: Some(line.client_id.clone()),
        });
        posted.insert(
            (ticket_id, line.client_id.as_str()),
            Posted {
                client_id: line.client_id.clone(),
                ticket: ticket_id,
                seq: *seq,
                message: message.id,
                duplicate: false,
            },
        );
        new_messages.push(message);
        *seq = seq.next();
    }
    lines::record(conn, &new_messages, &new_lines).map_err(|e| match e {
        StoreError::Conflict(_) if resends == Resends::Refused => BatchError::SentBefore,
        other => other.into(),
    })?;
    message_files::insert_many(conn, &new_files)?;
    for message in &new_messages {
        if let Some(ticket) = rows.get(&message.ticket) {
            integrations::message_created(conn, sla, ticket, message, now)?;
        }
    }
    let mut changes = Vec::with_capacity(counts.len());
    let mut touched = Vec::new();
    for (ticket_id, _) in &counts {
        let (Some(ticket), Some(original)) = (
            rows.get_mut(ticket_id),
            locked.get(ticket_id).map(|l| &l.ticket),
        ) else {
            continue;
        };
        let activity = said
            .get(ticket_id)
            .copied()
            .unwrap_or(clock::Activity::Quiet);
        clock::follow(conn, sla, original, ticket, activity, now)?;
        integrations::updated(conn, sla, original, ticket, now)?;
        let was = Activity::of(original);
        if was.moved(ticket) {
            tickets::save_activity(conn, ticket)?;
        } else if now - was.updated_at >= TOUCH_EVERY {
            touched.push(*ticket_id);
        }
        changes.push(Change::Ticket {
            id: *ticket_id,
            kind: ChangeKind::ChatLine,
        });
    }
    tickets::touch_many(conn, &touched, now)?;

    // Every allowed line's answer: its own number, or the one it was stored under before.
    for &(i, ticket) in &allowed {
        let id = batch[i].client_id.as_str();
        let answer = if let Some((seq, message)) = stored.get(&(ticket, id.to_owned())) {
            Posted {
                client_id: id.to_owned(),
                ticket,
                seq: *seq,
                message: *message,
                duplicate: true,
            }
        } else if let Some(p) = posted.get(&(ticket, id)) {
            Posted {
                duplicate: first_of.get(&(ticket, id)) != Some(&i),
                ..p.clone()
            }
        } else {
            continue;
        };
        answers[i] = Some(Ok(answer));
    }
    let results = answers
        .into_iter()
        .map(|a| a.unwrap_or(Err(AppError::NotFound("chat"))))
        .collect();
    Ok(Outcome::new(results, events, changes))
}

/// What a line can change on its ticket.
#[derive(Clone, Copy, PartialEq)]
struct Activity {
    status: Status,
    first_responded_at: Option<chrono::DateTime<chrono::Utc>>,
    solved_at: Option<chrono::DateTime<chrono::Utc>>,
    sla_due_at: Option<chrono::DateTime<chrono::Utc>>,
    updated_at: chrono::DateTime<chrono::Utc>,
}

impl Activity {
    fn of(ticket: &Ticket) -> Self {
        Activity {
            status: ticket.status,
            first_responded_at: ticket.first_responded_at,
            solved_at: ticket.solved_at,
            sla_due_at: ticket.sla_due_at,
            updated_at: ticket.updated_at,
        }
    }

    /// Whether `ticket` moved beyond its "last changed" time since this.
    fn moved(&self, ticket: &Ticket) -> bool {
        Activity {
            updated_at: self.updated_at,
            ..Activity::of(ticket)
        } != *self
    }
}

/// The conversation each line is for: the one it names, or its visitor's current one.
fn conversations_of(
    conn: &mut DbConnection,
    batch: &[LineIn],
) -> Result<Vec<Option<TicketId>>, AppError> {
    let visitors: Vec<VisitorId> = batch
        .iter()
        .filter_map(|line| match (&line.ticket, &line.from) {
            (None, Participant::Visitor(v)) => Some(v.id),
            _ => None,
        })
        .collect();
    let open = conversations::open_of_visitors(conn, &visitors)?;
    Ok(batch
        .iter()
        .map(|line| match (line.ticket, &line.from) {
            (Some(t), _) => Some(t),
            (None, Participant::Visitor(v)) => open.get(&v.id).copied(),
            (None, Participant::Agent(_)) => None,
        })
        .collect())
}

/// Numbers a public reply written outside the gateway (the console's reply box) in its
/// ticket's conversation, if the ticket is a chat; the gateway then sends it to the visitor.
pub fn number_reply(conn: &mut DbConnection, message: &Message) -> Result<(), AppError> {
    if conversations::find(conn, message.ticket)?.is_none() {
        return Ok(());
    }
    number(conn, message)?;
    Ok(())
}

/// Gives a stored message written outside the gateway (a reply from the reply box, a note of
/// Kefu's) the next number of its ticket's conversation; returns it.
pub(crate) fn number(conn: &mut DbConnection, message: &Message) -> Result<Sequence, AppError> {
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
    Ok(seq)
}

/// The lines of a conversation after `after`, as frames, for a client that resumes: its
/// visitor, or any agent or admin; after the last page, the other side's read mark.
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
            let mut frames: Vec<ServerFrame> = list
                .iter()
                .map(|(seq, m)| {
                    let (kind, name) = match (m.author_user, m.author_kind) {
                        (Some(u), _) => (
                            AuthorKind::Agent,
                            names.get(&u).cloned().unwrap_or_default(),
                        ),
                        (None, MessageAuthor::System) => (AuthorKind::System, String::new()),
                        (None, _) => (AuthorKind::Visitor, requester.clone()),
                    };
                    message_frame(ticket, *seq, m, kind, &name)
                })
                .collect();
            // After the last page, how far the other side has read.
            if (list.len() as i64) < RESUME_PAGE
                && let Some(read) = marks::seen_by_other_side(conn, &who, ticket)?
            {
                frames.push(read);
            }
            Ok(frames)
        })
        .await
}
