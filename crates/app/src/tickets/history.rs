//! A ticket's history: the timeline entry for each change (who changed what, and when), and
//! the search entries that follow its subject and messages.

use chrono::{DateTime, Utc};
use kefu_domain::ids::{MessageId, UserId};
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::ticket::{FieldChange, Ticket, diff};
use kefu_store::chat::conversations;
use kefu_store::search::SearchEntry;
use kefu_store::search::index as search_index;
use kefu_store::{DbConnection, StoreError, messages, teams, users};
use serde_json::json;

/// The timeline entry for the changes between `before` and `after`, or `None` if nothing
/// changed. Team and assignee changes carry the names as they were at the time.
pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &Ticket,
    after: &Ticket,
    now: DateTime<Utc>,
) -> Result<Option<Message>, StoreError> {
    let kind = match actor.role {
        Role::Customer => AuthorKind::Customer,
        Role::Vendor => AuthorKind::Vendor,
        Role::Admin | Role::Agent => AuthorKind::Agent,
    };
    record_as(conn, kind, Some(actor.user), before, after, now)
}

/// Like [`record`], for a change no user made (a vendor's mail, Kefu itself): `kind` says
/// who, `user` names the account when there is one.
pub fn record_as(
    conn: &mut DbConnection,
    kind: AuthorKind,
    user: Option<kefu_domain::ids::UserId>,
    before: &Ticket,
    after: &Ticket,
    now: DateTime<Utc>,
) -> Result<Option<Message>, StoreError> {
    let changes = diff(before, after);
    if changes.is_empty() {
        return Ok(None);
    }
    let mut rendered = Vec::with_capacity(changes.len());
    for change in &changes {
        let (from_name, to_name) = match change.field {
            "assignee" => (user_name(conn, &change.from)?, user_name(conn, &change.to)?),
            "team" => (team_name(conn, &change.from)?, team_name(conn, &change.to)?),
            _ => (None, None),
        };
        rendered.push(json!({
            "field": change.field,
            "from": change.from,
            "to": change.to,
            "from_name": from_name,
            "to_name": to_name,
        }));
    }
    let event = Message {
        id: MessageId::new(),
        ticket: after.id,
        kind: MessageKind::Event,
        visibility: Visibility::Internal,
        author_kind: kind,
        author_user: user,
        author_customer: None,
        channel: after.channel,
        body: summary(&changes),
        data: Some(json!({ "changes": rendered })),
        created_at: now,
    };
    messages::insert(conn, &event)?;
    Ok(Some(event))
}

fn summary(changes: &[FieldChange]) -> String {
    changes
        .iter()
        .map(|c| {
            format!(
                "{}: {} → {}",
                c.field,
                c.from.as_deref().unwrap_or("—"),
                c.to.as_deref().unwrap_or("—")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn user_name(conn: &mut DbConnection, id: &Option<String>) -> Result<Option<String>, StoreError> {
    let Some(id) = id.as_deref().and_then(|s| s.parse::<UserId>().ok()) else {
        return Ok(None);
    };
    Ok(users::names(conn, &[id])?.remove(&id))
}

fn team_name(conn: &mut DbConnection, id: &Option<String>) -> Result<Option<String>, StoreError> {
    let Some(id) = id.as_deref().and_then(|s| s.parse().ok()) else {
        return Ok(None);
    };
    Ok(teams::names(conn, &[id])?.remove(&id))
}

/// Indexes a new message for search: it adds its own entry and leaves the others alone, so
/// the cost does not grow with the ticket's length. Events are not searched.
pub fn index_message(
    conn: &mut DbConnection,
    ticket: &Ticket,
    message: &Message,
) -> Result<(), StoreError> {
    if message.kind == MessageKind::Event {
        return Ok(());
    }
    search_index::lock_entries(conn, &[ticket.number.get()])?;
    let position = search_index::next_position(conn, ticket.number.get())?;
    let entry = SearchEntry::message(
        ticket,
        position,
        message.id.to_string(),
        message.visibility,
        &message.body,
    )?;
    search_index::write(conn, &[entry])
}

/// Indexes many new messages, on any number of tickets, in a few statements whatever their
/// count: one lookup of every ticket's next position, one write of all entries. `messages`
/// pairs each message with its ticket as it is after them.
pub fn index_messages(
    conn: &mut DbConnection,
    messages: &[(&Ticket, &Message)],
) -> Result<(), StoreError> {
    let indexed: Vec<_> = messages
        .iter()
        .filter(|(_, m)| m.kind != MessageKind::Event)
        .collect();
    if indexed.is_empty() {
        return Ok(());
    }
    let mut numbers: Vec<i64> = indexed.iter().map(|(t, _)| t.number.get()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    search_index::lock_entries(conn, &numbers)?;
    let mut next = search_index::next_positions(conn, &numbers)?;
    let mut entries = Vec::with_capacity(indexed.len());
    for (ticket, message) in indexed {
        let position = next.entry(ticket.number.get()).or_insert(1);
        entries.push(SearchEntry::message(
            ticket,
            *position,
            message.id.to_string(),
            message.visibility,
            &message.body,
        )?);
        *position += 1;
    }
    search_index::write_appended(conn, &entries)
}

/// Writes a ticket's search entries again (after its subject, team or stage changed: every
/// entry holds them).
pub fn reindex(conn: &mut DbConnection, ticket: &Ticket) -> Result<(), StoreError> {
    let number = ticket.number.get();
    search_index::lock_entries(conn, &[number])?;
    let texts = messages::searchable_texts(conn, &[ticket.id])?
        .remove(&ticket.id)
        .unwrap_or_default();
    search_index::remove_tickets(conn, number, number)?;
    search_index::write(conn, &SearchEntry::all_of(ticket, &texts)?)?;
    // Its chat lines are all in the index now.
    conversations::mark_indexed(conn, &[ticket.id])
}
