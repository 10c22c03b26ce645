//! Conversations: the live part of chat tickets, their queues, and who serves them.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::chat::{AgentLoad, AgentPresence, Conversation, ConversationState, Sequence};
use kefu_domain::ids::{CustomerId, TeamId, TicketId, UserId, VisitorId};
use kefu_domain::ticket::{Stage, Ticket};
use serde::{Deserialize, Serialize};

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::{chat_index_cursors, conversations, customers, tickets, users};
use crate::tickets::TicketRow;
use crate::{DbConnection, StoreError};

/// Where the visitor was when the chat started.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorContext {
    /// The page they were on.
    pub page_url: Option<String>,
    /// Their browser's language.
    pub language: Option<String>,
    /// Their browser.
    pub user_agent: Option<String>,
}

impl VisitorContext {
    /// As kept in a `context` column: JSON, or nothing when nothing is known.
    pub(crate) fn to_column(&self) -> Option<String> {
        (self != &VisitorContext::default())
            .then(|| serde_json::to_string(self).unwrap_or_default())
    }

    /// Read from a `context` column (`what` names the row, should it be unreadable).
    pub(crate) fn from_column(column: Option<&str>, what: &str) -> Result<Self, StoreError> {
        column
            .map(serde_json::from_str)
            .transpose()
            .map_err(|_| StoreError::Corrupt(format!("{what} context")))
            .map(Option::unwrap_or_default)
    }
}

/// Who passed a chat on, and what they told whoever takes it over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handover {
    /// The agent who passed it on.
    pub by: UserId,
    /// Their note, if they wrote one.
    pub note: Option<String>,
}

/// A conversation as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chat {
    /// Its ticket.
    pub ticket: TicketId,
    /// The visitor chatting.
    pub visitor: VisitorId,
    /// Its state, queue and agent.
    pub conversation: Conversation,
    /// The last sequence number given to a line.
    pub last_seq: Sequence,
    /// When it began waiting (again).
    pub waiting_since: DateTime<Utc>,
    /// When it was offered to its agent.
    pub offered_at: Option<DateTime<Utc>>,
    /// When an agent first served it.
    pub served_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// Who ended it: `visitor`, `agent` or `system`.
    pub ended_by: Option<String>,
    /// The visitor's rating, 1 to 5.
    pub rating: Option<u8>,
    /// What the visitor added to their rating.
    pub rating_comment: Option<String>,
    /// Where the visitor was.
    pub context: VisitorContext,
    /// When it started.
    pub created_at: DateTime<Utc>,
    /// The last transfer's sender and note, if it was transferred.
    pub handover: Option<Handover>,
}

impl Chat {
    /// A new conversation on `ticket`, waiting in `team`'s queue.
    pub fn new(
        ticket: TicketId,
        visitor: VisitorId,
        team: TeamId,
        context: VisitorContext,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            ticket,
            visitor,
            conversation: Conversation::waiting(team),
            last_seq: Sequence::default(),
            waiting_since: now,
            offered_at: None,
            served_at: None,
            ended_at: None,
            ended_by: None,
            rating: None,
            rating_comment: None,
            context,
            created_at: now,
            handover: None,
        }
    }
}

/// A row of `conversations`.
#[derive(Queryable, Selectable, Insertable, Debug)]
#[diesel(table_name = conversations, treat_none_as_default_value = false)]
pub struct ChatRow {
    pub ticket_id: String,
    pub visitor_id: String,
    pub state: String,
    pub team_id: String,
    pub agent_id: Option<String>,
    pub last_seq: i64,
    pub waiting_since: NaiveDateTime,
    pub offered_at: Option<NaiveDateTime>,
    pub served_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
    pub ended_by: Option<String>,
    pub rating: Option<i32>,
    pub rating_comment: Option<String>,
    pub context: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub handed_over_by: Option<String>,
    pub handover_note: Option<String>,
}

impl From<&Chat> for ChatRow {
    fn from(c: &Chat) -> Self {
        ChatRow {
            ticket_id: c.ticket.to_string(),
            visitor_id: c.visitor.to_string(),
            state: c.conversation.state.as_str().to_owned(),
            team_id: c.conversation.team.to_string(),
            agent_id: c.conversation.agent.map(|a| a.to_string()),
            last_seq: i64::try_from(c.last_seq.get()).unwrap_or(i64::MAX),
            waiting_since: to_db(c.waiting_since),
            offered_at: c.offered_at.map(to_db),
            served_at: c.served_at.map(to_db),
            ended_at: c.ended_at.map(to_db),
            ended_by: c.ended_by.clone(),
            rating: c.rating.map(i32::from),
            rating_comment: c.rating_comment.clone(),
            context: c.context.to_column(),
            created_at: to_db(c.created_at),
            updated_at: to_db(kefu_domain::time::now()),
            handed_over_by: c.handover.as_ref().map(|h| h.by.to_string()),
            handover_note: c.handover.as_ref().and_then(|h| h.note.clone()),
        }
    }
}

impl TryFrom<ChatRow> for Chat {
    type Error = StoreError;

    fn try_from(row: ChatRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("conversation {what}"));
        Ok(Chat {
            ticket: parse(&row.ticket_id)?,
            visitor: parse(&row.visitor_id)?,
            conversation: Conversation {
                state: parse(&row.state)?,
                team: parse(&row.team_id)?,
                agent: parse_opt(row.agent_id.as_deref())?,
            },
            last_seq: Sequence::new(u64::try_from(row.last_seq).map_err(|_| corrupt("seq"))?),
            waiting_since: from_db(row.waiting_since),
            offered_at: row.offered_at.map(from_db),
            served_at: row.served_at.map(from_db),
            ended_at: row.ended_at.map(from_db),
            ended_by: row.ended_by,
            rating: row
                .rating
                .map(|r| u8::try_from(r).map_err(|_| corrupt("rating")))
                .transpose()?,
            rating_comment: row.rating_comment,
            context: VisitorContext::from_column(row.context.as_deref(), "conversation")?,
            created_at: from_db(row.created_at),
            handover: row
                .handed_over_by
                .as_deref()
                .map(|by| {
                    Ok::<_, StoreError>(Handover {
                        by: parse(by)?,
                        note: row.handover_note,
                    })
                })
                .transpose()?,
        })
    }
}

/// Stores a new conversation.
pub fn insert(conn: &mut DbConnection, chat: &Chat) -> Result<(), StoreError> {
    let row = ChatRow::from(chat);
    crate::with_backend!(conn, c => diesel::insert_into(conversations::table).values(&row).execute(c))?;
    Ok(())
}

/// Keeps where the visitor of the conversation on `ticket` is now.
pub fn set_context(
    conn: &mut DbConnection,
    ticket: TicketId,
    context: &VisitorContext,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(context).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    crate::with_backend!(conn, c => diesel::update(conversations::table.find(ticket.to_string()))
        .set(conversations::context.eq(Some(json)))
        .execute(c))?;
    Ok(())
}

/// The conversation on `ticket`, if it is a chat.
pub fn find(conn: &mut DbConnection, ticket: TicketId) -> Result<Option<Chat>, StoreError> {
    conversations::table
        .find(ticket.to_string())
        .select(ChatRow::as_select())
        .first(conn)
        .optional()?
        .map(Chat::try_from)
        .transpose()
}

/// Chats with their tickets and each requester's name, to write lines in them. On
/// PostgreSQL the rows of both are locked, in ticket id order (as every writer of a chat
/// locks its ticket first), the way an update locks them: inserts that refer to them (the
/// search indexer's cursors, a message) go on, where `FOR UPDATE` would make them wait, and
/// deadlock with a writer that waits for them.
pub fn lock_with_tickets(
    conn: &mut DbConnection,
    ids: &[TicketId],
) -> Result<Vec<(Ticket, Chat, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    ids.sort_unstable();
    // One query, built for each backend (its selection is typed by the backend).
    macro_rules! chats {
        () => {
            tickets::table
                .inner_join(conversations::table)
                .filter(tickets::id.eq_any(&ids))
                .order(tickets::id)
                .select((
                    TicketRow::as_select(),
                    ChatRow::as_select(),
                    customers::table
                        .filter(customers::id.eq(tickets::requester_id))
                        .select(customers::name)
                        .single_value(),
                ))
        };
    }
    let rows: Vec<(TicketRow, ChatRow, Option<String>)> = match conn {
        DbConnection::Postgres(pg) => chats!().for_no_key_update().load(pg)?,
        DbConnection::Sqlite(lite) => chats!().load(lite)?,
    };
    rows.into_iter()
        .map(|(ticket, chat, name)| {
            Ok((
                crate::tickets::ticket_of(ticket, Vec::new())?,
                Chat::try_from(chat)?,
                name.unwrap_or_default(),
            ))
        })
        .collect()
}

/// Each visitor's conversation that has not ended (their newest), by visitor.
pub fn open_of_visitors(
    conn: &mut DbConnection,
    visitors: &[VisitorId],
) -> Result<HashMap<VisitorId, TicketId>, StoreError> {
    if visitors.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<String> = visitors.iter().map(ToString::to_string).collect();
    let rows: Vec<(String, String)> = conversations::table
        .filter(conversations::visitor_id.eq_any(&ids))
        .filter(conversations::state.ne(ConversationState::Ended.as_str()))
        .order((
            conversations::created_at.asc(),
            conversations::ticket_id.asc(),
        ))
        .select((conversations::visitor_id, conversations::ticket_id))
        .load(conn)?;
    let mut open = HashMap::new();
    for (visitor, ticket) in rows {
        // Newest last: it wins.
        open.insert(parse(&visitor)?, parse(&ticket)?);
    }
    Ok(open)
}

/// Writes `after` over `before` only if the row still is `before` (state, team and agent):
/// two nodes moving one chat at once, one wins and the other gets `false`.
pub fn save_move(conn: &mut DbConnection, before: &Chat, after: &Chat) -> Result<bool, StoreError> {
    let row = ChatRow::from(after);
    let was = &before.conversation;
    let target = conversations::table
        .filter(conversations::ticket_id.eq(before.ticket.to_string()))
        .filter(conversations::state.eq(was.state.as_str()))
        .filter(conversations::team_id.eq(was.team.to_string()));
    let values = (
        conversations::state.eq(&row.state),
        conversations::team_id.eq(&row.team_id),
        conversations::agent_id.eq(&row.agent_id),
        conversations::waiting_since.eq(row.waiting_since),
        conversations::offered_at.eq(row.offered_at),
        conversations::served_at.eq(row.served_at),
        conversations::ended_at.eq(row.ended_at),
        conversations::ended_by.eq(&row.ended_by),
        conversations::updated_at.eq(row.updated_at),
        conversations::handed_over_by.eq(&row.handed_over_by),
        conversations::handover_note.eq(&row.handover_note),
    );
    let changed = match was.agent {
        Some(agent) => diesel::update(target.filter(conversations::agent_id.eq(agent.to_string())))
            .set(values)
            .execute(conn)?,
        None => diesel::update(target.filter(conversations::agent_id.is_null()))
            .set(values)
            .execute(conn)?,
    };
    Ok(changed == 1)
}

/// Stores the visitor's rating of an ended chat.
pub fn rate(
    conn: &mut DbConnection,
    ticket: TicketId,
    score: u8,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(conversations::table.find(ticket.to_string()))
        .set((
            conversations::rating.eq(i32::from(score)),
            conversations::rating_comment.eq(comment),
            conversations::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Reserves the next `count` sequence numbers of a conversation; returns the first. The row
/// is locked until the transaction ends, so numbers are handed out in commit order.
pub fn reserve_seqs(
    conn: &mut DbConnection,
    ticket: TicketId,
    count: u64,
) -> Result<Sequence, StoreError> {
    let step = i64::try_from(count).unwrap_or(i64::MAX);
    let last: i64 = crate::with_backend!(conn, c =>
        diesel::update(conversations::table.find(ticket.to_string()))
            .set(conversations::last_seq.eq(conversations::last_seq + step))
            .returning(conversations::last_seq)
            .get_result(c)
            .optional())?
    .ok_or(StoreError::NotFound)?;
    let last = u64::try_from(last).map_err(|_| StoreError::Corrupt("conversation seq".into()))?;
    Ok(Sequence::new(last - count + 1))
}

/// Conversations with lines not yet indexed for search (at most `limit`, in ticket order,
/// after `after`): those a node wrote and stopped before indexing, and those whose last lines
/// were indexed when written.
pub fn behind_on_index(
    conn: &mut DbConnection,
    after: Option<TicketId>,
    limit: i64,
) -> Result<Vec<TicketId>, StoreError> {
    let after = after.map_or_else(String::new, |t| t.to_string());
    let ids: Vec<String> = conversations::table
        .left_join(chat_index_cursors::table)
        .filter(conversations::ticket_id.gt(after))
        .filter(
            chat_index_cursors::indexed_seq
                .is_null()
                .or(chat_index_cursors::indexed_seq.lt(conversations::last_seq)),
        )
        .filter(conversations::last_seq.gt(0))
        .select(conversations::ticket_id)
        .order(conversations::ticket_id)
        .limit(limit)
        .load(conn)?;
    ids.iter().map(|id| parse(id)).collect()
}

/// How far each of these conversations is indexed and its last number, for those with lines
/// not indexed yet.
pub fn index_cursors(
    conn: &mut DbConnection,
    tickets: &[TicketId],
) -> Result<HashMap<TicketId, (Sequence, Sequence)>, StoreError> {
    let ids: Vec<String> = tickets.iter().map(ToString::to_string).collect();
    let rows: Vec<(String, Option<i64>, i64)> = conversations::table
        .left_join(chat_index_cursors::table)
        .filter(conversations::ticket_id.eq_any(&ids))
        .select((
            conversations::ticket_id,
            chat_index_cursors::indexed_seq.nullable(),
            conversations::last_seq,
        ))
        .load(conn)?;
    let seq = |v: i64| {
        u64::try_from(v)
            .map(Sequence::new)
            .map_err(|_| StoreError::Corrupt("conversation seq".into()))
    };
    let mut behind = HashMap::new();
    for (id, indexed, last) in rows {
        let indexed = indexed.unwrap_or(0);
        if indexed < last {
            behind.insert(parse(&id)?, (seq(indexed)?, seq(last)?));
        }
    }
    Ok(behind)
}

/// Records each conversation as indexed up to the number given. The caller holds the
/// tickets' search-entry locks (`search::index::lock_entries`), or the tickets are its own.
pub fn set_indexed(
    conn: &mut DbConnection,
    upto: &[(TicketId, Sequence)],
) -> Result<(), StoreError> {
    use diesel::upsert::excluded;
    for (ticket, seq) in upto {
        let row = (
            chat_index_cursors::ticket_id.eq(ticket.to_string()),
            chat_index_cursors::indexed_seq.eq(i64::try_from(seq.get()).unwrap_or(i64::MAX)),
        );
        crate::with_backend!(conn, c => diesel::insert_into(chat_index_cursors::table)
            .values(row.clone())
            .on_conflict(chat_index_cursors::ticket_id)
            .do_update()
            .set(chat_index_cursors::indexed_seq.eq(excluded(chat_index_cursors::indexed_seq)))
            .execute(c))?;
    }
    Ok(())
}

/// Records these conversations as indexed up to their last line (by whoever holds their
/// tickets' locks and search-entry locks, so no line is being added or indexed).
pub fn mark_indexed(conn: &mut DbConnection, tickets: &[TicketId]) -> Result<(), StoreError> {
    let upto: Vec<(TicketId, Sequence)> = index_cursors(conn, tickets)?
        .into_iter()
        .map(|(ticket, (_, last))| (ticket, last))
        .collect();
    set_indexed(conn, &upto)
}

/// A chat in a queue, with what agents see of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    /// The conversation.
    pub chat: Chat,
    /// Its ticket's number.
    pub number: i64,
    /// What it is about.
    pub stage: Stage,
    /// The visitor's name.
    pub visitor: String,
    /// The customer record the chat's ticket is for.
    pub requester: CustomerId,
    /// The name of the agent who passed it on, if it was transferred.
    pub handed_over_by: Option<String>,
}

fn queued(
    conn: &mut DbConnection,
    teams: Option<&[TeamId]>,
    agent: Option<UserId>,
    states: &[ConversationState],
) -> Result<Vec<Queued>, StoreError> {
    let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    let mut query = conversations::table
        .inner_join(tickets::table)
        .inner_join(customers::table.on(customers::id.eq(tickets::requester_id)))
        .left_join(users::table.on(conversations::handed_over_by.eq(users::id.nullable())))
        .filter(conversations::state.eq_any(states))
        .order((conversations::waiting_since, conversations::ticket_id))
        .select((
            ChatRow::as_select(),
            tickets::number,
            tickets::stage,
            customers::name,
            tickets::requester_id,
            users::name.nullable(),
        ))
        .into_boxed();
    if let Some(teams) = teams {
        let ids: Vec<String> = teams.iter().map(ToString::to_string).collect();
        query = query.filter(conversations::team_id.eq_any(ids));
    }
    if let Some(agent) = agent {
        query = query.filter(conversations::agent_id.eq(agent.to_string()));
    }
    query
        .load::<(ChatRow, i64, String, String, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(row, number, stage, visitor, requester, handed_over_by)| {
            Ok(Queued {
                chat: row.try_into()?,
                number,
                stage: parse(&stage)?,
                visitor,
                requester: parse(&requester)?,
                handed_over_by,
            })
        })
        .collect()
}

/// The chats waiting or offered in these teams' queues (every team's if `None`), oldest
/// first.
pub fn queue(conn: &mut DbConnection, teams: Option<&[TeamId]>) -> Result<Vec<Queued>, StoreError> {
    queued(
        conn,
        teams,
        None,
        &[ConversationState::Waiting, ConversationState::Offered],
    )
}

/// The chats offered to or served by someone, with what agents see of them.
pub fn active(conn: &mut DbConnection) -> Result<Vec<Queued>, StoreError> {
    queued(
        conn,
        None,
        None,
        &[ConversationState::Offered, ConversationState::Serving],
    )
}

/// The chats an agent is offered or serves, oldest first.
pub fn of_agent(conn: &mut DbConnection, agent: UserId) -> Result<Vec<Queued>, StoreError> {
    queued(
        conn,
        None,
        Some(agent),
        &[ConversationState::Offered, ConversationState::Serving],
    )
}

/// A visitor's conversations, newest first (at most `limit`).
pub fn of_visitor(
    conn: &mut DbConnection,
    visitor: VisitorId,
    limit: i64,
) -> Result<Vec<Chat>, StoreError> {
    conversations::table
        .filter(conversations::visitor_id.eq(visitor.to_string()))
        .order((
            conversations::created_at.desc(),
            conversations::ticket_id.desc(),
        ))
        .limit(limit)
        .select(ChatRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Chat::try_from)
        .collect()
}

/// Every agent of `team` who ever connected, with their presence and how many chats they are
/// offered or serve (in any team).
pub fn team_agents(
    conn: &mut DbConnection,
    team: TeamId,
) -> Result<Vec<(UserId, AgentPresence, u32)>, StoreError> {
    let members = super::presence::of_team(conn, team)?;
    let ids: Vec<UserId> = members.iter().map(|(id, _)| *id).collect();
    let busy = chats_of(conn, &ids)?;
    Ok(members
        .into_iter()
        .map(|(id, presence)| {
            let chats = busy.get(&id).copied().unwrap_or(0);
            (id, presence, chats)
        })
        .collect())
}

/// How many chats each of `agents` is offered or serves (in any team); none is left out.
pub fn chats_of(
    conn: &mut DbConnection,
    agents: &[UserId],
) -> Result<HashMap<UserId, u32>, StoreError> {
    let ids: Vec<String> = agents.iter().map(ToString::to_string).collect();
    let busy: Vec<(Option<String>, i64)> = conversations::table
        .filter(conversations::agent_id.eq_any(&ids))
        .filter(conversations::state.eq_any([
            ConversationState::Offered.as_str(),
            ConversationState::Serving.as_str(),
        ]))
        .group_by(conversations::agent_id)
        .select((conversations::agent_id, diesel::dsl::count_star()))
        .load(conn)?;
    let mut counts: HashMap<UserId, u32> = agents.iter().map(|a| (*a, 0)).collect();
    for (agent, n) in busy {
        if let Some(agent) = agent.as_deref().map(parse::<UserId>).transpose()? {
            counts.insert(agent, u32::try_from(n).unwrap_or(u32::MAX));
        }
    }
    Ok(counts)
}

/// The router's view of `team`'s agents at `now`.
pub fn loads(
    conn: &mut DbConnection,
    team: TeamId,
    now: DateTime<Utc>,
) -> Result<Vec<AgentLoad>, StoreError> {
    Ok(team_agents(conn, team)?
        .into_iter()
        .map(|(agent, presence, chats)| AgentLoad {
            agent,
            presence: presence.effective(now),
            chats,
            idle_since: presence.idle_since,
        })
        .collect())
}

/// How long the team's last few answered chats waited for an agent, oldest first.
pub fn recent_waits(
    conn: &mut DbConnection,
    team: TeamId,
    count: i64,
) -> Result<Vec<Duration>, StoreError> {
    let mut waits: Vec<(Option<NaiveDateTime>, NaiveDateTime)> = conversations::table
        .filter(conversations::team_id.eq(team.to_string()))
        .filter(conversations::served_at.is_not_null())
        .order(conversations::served_at.desc())
        .limit(count)
        .select((conversations::served_at, conversations::created_at))
        .load(conn)?;
    waits.reverse();
    Ok(waits
        .into_iter()
        .filter_map(|(served, created)| (served? - created).to_std().ok())
        .collect())
}
