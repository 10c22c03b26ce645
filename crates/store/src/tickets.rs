//! Tickets: rows, the queue query with its filters and keyset pagination, and tags.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{CustomerId, TeamId, TicketId, UserId};
use kefu_domain::permissions::SearchScope;
use kefu_domain::tag::Tag;
use kefu_domain::ticket::{Channel, Priority, Stage, Status, Ticket, TicketNumber};
use serde::{Deserialize, Serialize};

use crate::connection::Db;
use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::prepared;
use crate::schema::{ticket_tags, tickets};
use crate::search::entry;
use crate::search::index::{self as search_index, Hit, TermStatistics, TextMatch};
use crate::search::{NodeIndex, SearchQuery};
use crate::ticket_names::{self, NamesRow, TicketNames};
use crate::{DbConnection, StoreError};

/// A row of `tickets`.
#[derive(Queryable, QueryableByName, Selectable, Insertable, AsChangeset, Debug)]
#[diesel(table_name = tickets, treat_none_as_default_value = false, treat_none_as_null = true)]
pub struct TicketRow {
    pub id: String,
    pub number: i64,
    pub subject: String,
    pub stage: String,
    pub channel: String,
    pub status: String,
    pub priority: String,
    pub priority_rank: i16,
    pub requester_id: String,
    pub assignee_id: Option<String>,
    pub team_id: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub first_responded_at: Option<NaiveDateTime>,
    pub solved_at: Option<NaiveDateTime>,
    pub sla_due_at: NaiveDateTime,
}

impl From<&Ticket> for TicketRow {
    fn from(t: &Ticket) -> Self {
        TicketRow {
            id: t.id.to_string(),
            number: t.number.get(),
            subject: t.subject.clone(),
            stage: t.stage.as_str().to_owned(),
            channel: t.channel.as_str().to_owned(),
            status: t.status.as_str().to_owned(),
            priority: t.priority.as_str().to_owned(),
            priority_rank: t.priority.rank(),
            requester_id: t.requester.to_string(),
            assignee_id: t.assignee.map(|a| a.to_string()),
            team_id: t.team.map(|a| a.to_string()),
            created_by: t.created_by.map(|a| a.to_string()),
            created_at: to_db(t.created_at),
            updated_at: to_db(t.updated_at),
            first_responded_at: t.first_responded_at.map(to_db),
            solved_at: t.solved_at.map(to_db),
            sla_due_at: crate::sla::or_never(t.sla_due_at),
        }
    }
}

/// A ticket from its row and its tags.
pub(crate) fn ticket_of(row: TicketRow, tags: Vec<Tag>) -> Result<Ticket, StoreError> {
    Ok(Ticket {
        id: parse(&row.id)?,
        number: TicketNumber::new(row.number)?,
        stage: parse(&row.stage)?,
        channel: parse(&row.channel)?,
        status: parse(&row.status)?,
        priority: parse(&row.priority)?,
        requester: parse(&row.requester_id)?,
        assignee: parse_opt(row.assignee_id.as_deref())?,
        team: parse_opt(row.team_id.as_deref())?,
        created_by: parse_opt(row.created_by.as_deref())?,
        subject: row.subject,
        tags,
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
        first_responded_at: row.first_responded_at.map(from_db),
        solved_at: row.solved_at.map(from_db),
        sla_due_at: crate::sla::unless_never(row.sla_due_at),
    })
}

/// Inserts tickets with their tags, in one statement per table.
pub fn insert_many(conn: &mut DbConnection, list: &[Ticket]) -> Result<(), StoreError> {
    if list.is_empty() {
        return Ok(());
    }
    let rows: Vec<TicketRow> = list.iter().map(TicketRow::from).collect();
    for chunk in rows.chunks(crate::dialect::rows_per_statement(17)) {
        crate::with_backend!(conn, c => diesel::insert_into(tickets::table)
            .values(chunk)
            .execute(c))?;
    }
    insert_tags(conn, list)
}

/// Inserts the tags of these tickets.
fn insert_tags(conn: &mut DbConnection, list: &[Ticket]) -> Result<(), StoreError> {
    let tags: Vec<_> = list
        .iter()
        .flat_map(|t| t.tags.iter().map(move |tag| (t.id, tag)))
        .map(|(id, tag)| {
            (
                ticket_tags::ticket_id.eq(id.to_string()),
                ticket_tags::tag.eq(tag.as_str().to_owned()),
            )
        })
        .collect();
    if !tags.is_empty() {
        crate::with_backend!(conn, c => diesel::insert_into(ticket_tags::table)
            .values(tags)
            .execute(c))?;
    }
    Ok(())
}

/// Inserts one ticket with its tags.
pub fn insert(conn: &mut DbConnection, ticket: &Ticket) -> Result<(), StoreError> {
    insert_many(conn, std::slice::from_ref(ticket))
}

/// Writes every field of a ticket that can change, and replaces its tags.
pub fn save(conn: &mut DbConnection, ticket: &Ticket) -> Result<(), StoreError> {
    save_fields(conn, ticket)?;
    let id = ticket.id.to_string();
    diesel::delete(ticket_tags::table.filter(ticket_tags::ticket_id.eq(&id))).execute(conn)?;
    insert_tags(conn, std::slice::from_ref(ticket))
}

/// Writes a ticket's own columns (status, times, assignee, …) but not its tags: for changes
/// that never touch tags, such as chat lines.
pub fn save_fields(conn: &mut DbConnection, ticket: &Ticket) -> Result<(), StoreError> {
    let row = TicketRow::from(ticket);
    let updated = diesel::update(tickets::table.find(&row.id))
        .set(&row)
        .execute(conn)?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Writes what a message can change on a ticket (its status, first response and solved
/// times, and when it changed), and nothing else: every index on the other columns is left
/// alone.
pub fn save_activity(conn: &mut DbConnection, ticket: &Ticket) -> Result<(), StoreError> {
    diesel::update(tickets::table.find(ticket.id.to_string()))
        .set((
            tickets::status.eq(ticket.status.as_str()),
            tickets::first_responded_at.eq(ticket.first_responded_at.map(to_db)),
            tickets::solved_at.eq(ticket.solved_at.map(to_db)),
            tickets::sla_due_at.eq(crate::sla::or_never(ticket.sla_due_at)),
            tickets::updated_at.eq(to_db(ticket.updated_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks several tickets as changed at `now`, in one statement.
pub fn touch_many(
    conn: &mut DbConnection,
    ids: &[TicketId],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    diesel::update(tickets::table.filter(tickets::id.eq_any(&ids)))
        .set(tickets::updated_at.eq(to_db(now)))
        .execute(conn)?;
    Ok(())
}

/// The tickets with these ids (those that exist), with their tags.
pub fn find_many(conn: &mut DbConnection, ids: &[TicketId]) -> Result<Vec<Ticket>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows = tickets::table
        .filter(tickets::id.eq_any(&ids))
        .select(TicketRow::as_select())
        .load(conn)?;
    with_tags(conn, rows)
}

/// The channel of each of these tickets (those that exist).
pub fn channels_of(
    conn: &mut DbConnection,
    ids: &[TicketId],
) -> Result<HashMap<TicketId, Channel>, StoreError> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(10_000) {
        let backend = conn.backend();
        let rows: Vec<(String, String)> = tickets::table
            .filter(prepared::among_filter(
                backend,
                "tickets.id",
                &chunk.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ))
            .select((tickets::id, tickets::channel))
            .load(conn)?;
        for (id, channel) in rows {
            found.insert(parse(&id)?, parse(&channel)?);
        }
    }
    Ok(found)
}

/// The ids of unsolved tickets after `after` in id order, at most `limit`: for walking every
/// open ticket in batches.
pub fn unsolved_after(
    conn: &mut DbConnection,
    after: Option<TicketId>,
    limit: i64,
) -> Result<Vec<TicketId>, StoreError> {
    let statuses: Vec<&str> = Status::UNSOLVED.iter().map(|s| s.as_str()).collect();
    let mut query = tickets::table
        .filter(tickets::status.eq_any(statuses))
        .select(tickets::id)
        .order(tickets::id)
        .limit(limit)
        .into_boxed::<Db>();
    if let Some(after) = after {
        query = query.filter(tickets::id.gt(after.to_string()));
    }
    query
        .load::<String>(conn)?
        .iter()
        .map(|id| parse(id))
        .collect()
}

/// These tickets without their tags (left empty), each row locked until the transaction
/// ends on PostgreSQL, in id order (SQLite's writers are serialised already): for writes that
/// change only a ticket's activity (status, milestones, last change), such as a service-level
/// policy applied again. (Chat lines lock theirs with their conversations:
/// `chat::conversations::lock_with_tickets`.)
pub fn lock_for_activity(
    conn: &mut DbConnection,
    ids: &[TicketId],
) -> Result<Vec<Ticket>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    ids.sort_unstable();
    let rows = match conn {
        DbConnection::Postgres(pg) => tickets::table
            .filter(tickets::id.eq_any(&ids))
            .order(tickets::id)
            .select(TicketRow::as_select())
            .for_update()
            .load(pg)?,
        DbConnection::Sqlite(lite) => tickets::table
            .filter(tickets::id.eq_any(&ids))
            .select(TicketRow::as_select())
            .load(lite)?,
    };
    rows.into_iter()
        .map(|row| ticket_of(row, Vec::new()))
        .collect()
}

/// The numbers of these tickets.
pub fn numbers(conn: &mut DbConnection, ids: &[TicketId]) -> Result<Vec<i64>, StoreError> {
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    Ok(tickets::table
        .filter(tickets::id.eq_any(&ids))
        .select(tickets::number)
        .load(conn)?)
}

/// Marks a ticket as changed at `now` (a message was added).
pub fn touch(conn: &mut DbConnection, id: TicketId, now: DateTime<Utc>) -> Result<(), StoreError> {
    diesel::update(tickets::table.find(id.to_string()))
        .set(tickets::updated_at.eq(to_db(now)))
        .execute(conn)?;
    Ok(())
}

fn tags_of(conn: &mut DbConnection, ids: &[&str]) -> Result<HashMap<String, Vec<Tag>>, StoreError> {
    let pairs: Vec<(String, String)> = ticket_tags::table
        .filter(ticket_tags::ticket_id.eq_any(ids))
        .order((ticket_tags::ticket_id, ticket_tags::tag))
        .load(conn)?;
    let mut tags: HashMap<String, Vec<Tag>> = HashMap::new();
    for (ticket, tag) in pairs {
        tags.entry(ticket).or_default().push(Tag::parse(&tag)?);
    }
    Ok(tags)
}

fn with_tags(conn: &mut DbConnection, rows: Vec<TicketRow>) -> Result<Vec<Ticket>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut tags = tags_of(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let t = tags.remove(&row.id).unwrap_or_default();
            ticket_of(row, t)
        })
        .collect()
}

/// The ticket with this id.
pub fn find(conn: &mut DbConnection, id: TicketId) -> Result<Ticket, StoreError> {
    let row = tickets::table
        .find(id.to_string())
        .select(TicketRow::as_select())
        .first(conn)?;
    with_tags(conn, vec![row])?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The ticket with this number.
pub fn find_by_number(conn: &mut DbConnection, number: TicketNumber) -> Result<Ticket, StoreError> {
    let row = tickets::table
        .filter(tickets::number.eq(number.get()))
        .select(TicketRow::as_select())
        .first(conn)?;
    with_tags(conn, vec![row])?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Which team a queue shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeamFilter {
    /// Tickets of this team.
    Team(TeamId),
    /// Tickets in no team.
    NoTeam,
}

/// Whose tickets a queue shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Tickets assigned to this user.
    User(UserId),
    /// Tickets nobody is assigned to.
    Unassigned,
}

/// What a queue view shows; empty lists mean "any".
#[derive(Clone, Debug, Default)]
pub struct TicketFilter {
    /// Only these statuses.
    pub statuses: Vec<Status>,
    /// Only these stages.
    pub stages: Vec<Stage>,
    /// Only these channels.
    pub channels: Vec<Channel>,
    /// Only these priorities.
    pub priorities: Vec<Priority>,
    /// Only this team (or no team).
    pub team: Option<TeamFilter>,
    /// Only this assignee (or unassigned).
    pub assignee: Option<AssigneeFilter>,
    /// Only tickets carrying this tag.
    pub tag: Option<Tag>,
    /// Only this requester's tickets.
    pub requester: Option<CustomerId>,
    /// Only tickets updated at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
    /// Only tickets with a running service-level target due at or before this time: the
    /// breached ones, given the present.
    pub due_by: Option<DateTime<Utc>>,
    /// Only tickets whose text matches, searched in this scope.
    pub text: Option<(SearchQuery, SearchScope)>,
    /// PostgreSQL's statistics of the search index, if the caller has them at hand
    /// ([`crate::Store::term_statistics`]): a search for words they call common is not
    /// counted first.
    pub statistics: Option<Arc<TermStatistics>>,
    /// The node's own search index ([`crate::Store::node_index`]): once built, searches
    /// read it instead of the database's.
    pub index: Option<Arc<NodeIndex>>,
}

impl TicketFilter {
    /// The node's own index, if it is built.
    fn built_index(&self) -> Option<&NodeIndex> {
        self.index.as_deref().filter(|index| index.is_built())
    }
}

/// The order of a queue view.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketSort {
    /// Most recently updated first.
    #[default]
    Updated,
    /// Least recently updated first (work the oldest first).
    UpdatedAsc,
    /// Newest first.
    Created,
    /// Oldest first.
    CreatedAsc,
    /// Most urgent first, then most recently updated.
    Priority,
    /// Best match first, among the [`RELEVANCE_WINDOW`] newest matching tickets (searches
    /// only).
    Relevance,
    /// The soonest service-level due time first; tickets whose clock is not running last.
    Due,
}

/// How many of the newest matching tickets a search by relevance ranks.
pub const RELEVANCE_WINDOW: i64 = 200;

/// Where the previous page ended; opaque to clients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketCursor {
    #[serde(rename = "s")]
    sort: TicketSort,
    #[serde(rename = "u")]
    updated_at: NaiveDateTime,
    #[serde(rename = "n")]
    number: i64,
    #[serde(rename = "r")]
    rank: i16,
    #[serde(rename = "i")]
    id: String,
    /// How many ranked results came before (relevance only).
    #[serde(rename = "o", default)]
    offset: i64,
    /// The ticket's service-level due time (due soonest only).
    #[serde(rename = "d", default)]
    due: Option<NaiveDateTime>,
}

/// What places a ticket in the queue's orders: enough to find, rank and page the tickets of
/// a search before reading the page's rows whole.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = tickets)]
struct TicketKey {
    id: String,
    number: i64,
    updated_at: NaiveDateTime,
    priority_rank: i16,
    sla_due_at: NaiveDateTime,
}

impl TicketKey {
    fn of(row: &TicketRow) -> Self {
        Self {
            id: row.id.clone(),
            number: row.number,
            updated_at: row.updated_at,
            priority_rank: row.priority_rank,
            sla_due_at: row.sla_due_at,
        }
    }
}

impl TicketCursor {
    fn after(key: &TicketKey, sort: TicketSort) -> Self {
        Self {
            sort,
            updated_at: key.updated_at,
            number: key.number,
            rank: key.priority_rank,
            id: key.id.clone(),
            offset: 0,
            due: (sort == TicketSort::Due).then_some(key.sla_due_at),
        }
    }

    /// Where a newest-first walk continues below ticket `number`.
    fn below(number: i64) -> Self {
        Self {
            sort: TicketSort::Created,
            updated_at: NaiveDateTime::default(),
            number,
            rank: 0,
            id: String::new(),
            offset: 0,
            due: None,
        }
    }

    /// The cursor as the text clients pass back.
    pub fn encode(&self) -> Result<String, StoreError> {
        let json = serde_json::to_vec(self)
            .map_err(|e| StoreError::Corrupt(format!("a cursor could not be written: {e}")))?;
        Ok(URL_SAFE_NO_PAD.encode(json))
    }

    /// Reads a cursor; `None` if it is not one this version wrote.
    pub fn decode(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).ok()?;
        let cursor: Self = serde_json::from_slice(&bytes).ok()?;
        let valid = cursor.id.parse::<TicketId>().is_ok()
            && (0..RELEVANCE_WINDOW).contains(&cursor.offset)
            && kefu_domain::time::is_storable(from_db(cursor.updated_at));
        valid.then_some(cursor)
    }

    /// The order the cursor belongs to.
    pub fn sort(&self) -> TicketSort {
        self.sort
    }
}

/// One page of a queue view.
#[derive(Clone, Debug)]
pub struct TicketPage {
    /// The tickets, in the view's order.
    pub items: Vec<Ticket>,
    /// Where the next page starts, if there is one.
    pub next: Option<TicketCursor>,
    /// For a search: each listed ticket's best matching entry, by ticket number.
    pub hits: HashMap<i64, Hit>,
    /// What each listed ticket refers to, by id (its tags are also in `items`).
    pub names: HashMap<TicketId, TicketNames>,
}

/// Narrows `query` to `$column` (named `$name` in SQL) being one of `$values`, if any are
/// given: plain equality for one value, so the planner can walk a composite index in order
/// (`= ANY(…)` makes PostgreSQL sort instead); several are bound as one list, so the statement
/// stays the same for any number of them.
macro_rules! one_of {
    ($query:ident, $conn:expr, $column:expr, $name:literal, $values:expr) => {
        match $values.as_slice() {
            [] => $query,
            [one] => $query.filter($column.eq(*one)),
            many => $query.filter(prepared::among_filter($conn.backend(), $name, many)),
        }
    };
}

fn filtered<'a>(
    conn: &DbConnection,
    filter: &'a TicketFilter,
    text: Option<&TextMatch>,
) -> tickets::BoxedQuery<'a, Db> {
    let mut query = tickets::table.into_boxed::<Db>();
    let unsolved = filter.statuses.len() == Status::UNSOLVED.len()
        && Status::UNSOLVED.iter().all(|s| filter.statuses.contains(s));
    let statuses: Vec<&'static str> = if unsolved {
        // The unsolved queues have indexes of their own, in every order they are walked in.
        query = query.filter(prepared::condition("tickets.unsolved = TRUE"));
        Vec::new()
    } else {
        filter.statuses.iter().map(|s| s.as_str()).collect()
    };
    let stages: Vec<&'static str> = filter.stages.iter().map(|s| s.as_str()).collect();
    let channels: Vec<&'static str> = filter.channels.iter().map(|c| c.as_str()).collect();
    let ranks: Vec<i16> = filter.priorities.iter().map(|p| p.rank()).collect();
    query = one_of!(query, conn, tickets::status, "tickets.status", statuses);
    query = one_of!(query, conn, tickets::stage, "tickets.stage", stages);
    query = one_of!(query, conn, tickets::channel, "tickets.channel", channels);
    query = one_of!(
        query,
        conn,
        tickets::priority_rank,
        "tickets.priority_rank",
        ranks
    );
    match filter.team {
        Some(TeamFilter::Team(team)) => query = query.filter(tickets::team_id.eq(team.to_string())),
        Some(TeamFilter::NoTeam) => query = query.filter(tickets::team_id.is_null()),
        None => {}
    }
    match filter.assignee {
        Some(AssigneeFilter::User(user)) => {
            query = query.filter(tickets::assignee_id.eq(user.to_string()));
        }
        Some(AssigneeFilter::Unassigned) => query = query.filter(tickets::assignee_id.is_null()),
        None => {}
    }
    if let Some(requester) = filter.requester {
        query = query.filter(tickets::requester_id.eq(requester.to_string()));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(tickets::updated_at.ge(to_db(since)));
    }
    if let Some(by) = filter.due_by {
        query = query.filter(tickets::sla_due_at.le(to_db(by)));
    }
    if let Some(tag) = &filter.tag {
        query = query.filter(
            tickets::id.eq_any(
                ticket_tags::table
                    .filter(ticket_tags::tag.eq(tag.as_str()))
                    .select(ticket_tags::ticket_id),
            ),
        );
    }
    if let Some(text) = text {
        query = query.filter(search_index::filter(conn.backend(), text));
    }
    query
}

fn ordered<'a>(
    mut query: tickets::BoxedQuery<'a, Db>,
    sort: TicketSort,
    after: Option<&TicketCursor>,
) -> tickets::BoxedQuery<'a, Db> {
    use tickets::{id, number, priority_rank, sla_due_at, updated_at};
    if let Some(c) = after {
        let due = c.due.unwrap_or_else(crate::sla::never);
        let (u, i) = (c.updated_at, c.id.clone());
        query = match sort {
            TicketSort::Updated => query
                .filter(updated_at.le(u))
                .filter(updated_at.lt(u).or(id.lt(i))),
            TicketSort::UpdatedAsc => query
                .filter(updated_at.ge(u))
                .filter(updated_at.gt(u).or(id.gt(i))),
            TicketSort::Created | TicketSort::Relevance => query.filter(number.lt(c.number)),
            TicketSort::CreatedAsc => query.filter(number.gt(c.number)),
            TicketSort::Priority => query.filter(priority_rank.le(c.rank)).filter(
                priority_rank
                    .lt(c.rank)
                    .or(updated_at.lt(u))
                    .or(updated_at.eq(u).and(id.lt(i))),
            ),
            TicketSort::Due => query
                .filter(sla_due_at.ge(due))
                .filter(sla_due_at.gt(due).or(id.gt(i))),
        };
    }
    match sort {
        TicketSort::Updated => query.order((updated_at.desc(), id.desc())),
        TicketSort::UpdatedAsc => query.order((updated_at.asc(), id.asc())),
        TicketSort::Created | TicketSort::Relevance => query.order(number.desc()),
        TicketSort::CreatedAsc => query.order(number.asc()),
        TicketSort::Priority => query.order((priority_rank.desc(), updated_at.desc(), id.desc())),
        TicketSort::Due => query.order((sla_due_at.asc(), id.asc())),
    }
}

/// Asks the search index how to narrow the queue to `filter`'s words, if it has any.
fn text_match(
    conn: &mut DbConnection,
    filter: &TicketFilter,
) -> Result<Option<TextMatch>, StoreError> {
    let facets = entry::Facets {
        team: match filter.team {
            Some(TeamFilter::Team(team)) => Some(entry::team_facet(Some(team))),
            Some(TeamFilter::NoTeam) => Some(entry::team_facet(None)),
            None => None,
        },
        stage: match filter.stages.as_slice() {
            [stage] => Some(entry::stage_facet(*stage)),
            _ => None,
        },
    };
    let Some((query, scope)) = &filter.text else {
        return Ok(None);
    };
    let Some(index) = filter.built_index() else {
        let statistics = filter.statistics.as_deref();
        return search_index::resolve(conn, query, *scope, &facets, statistics).map(Some);
    };
    let limit = search_index::CANDIDATE_ENTRIES as usize;
    Ok(Some(
        match index.matching(query, *scope, &facets, limit)? {
            Some(keys) => {
                let mut numbers: Vec<i64> = keys.into_iter().map(entry::number_of).collect();
                numbers.sort_unstable();
                numbers.dedup();
                TextMatch::Among(numbers)
            }
            None => TextMatch::Probe {
                query: query.clone(),
                scope: *scope,
                facets,
            },
        },
    ))
}

/// The keys of the tickets matching `filter` (and `text`) in `sort` order after `after`, at most
/// `limit`.
fn keys_of(
    conn: &mut DbConnection,
    filter: &TicketFilter,
    text: Option<&TextMatch>,
    sort: TicketSort,
    after: Option<&TicketCursor>,
    limit: i64,
) -> Result<Vec<TicketKey>, StoreError> {
    let query = ordered(filtered(conn, filter, text), sort, after)
        .select(TicketKey::as_select())
        .limit(limit);
    Ok(query.load(conn)?)
}

/// The names of a page's tickets, by id.
type Names = HashMap<TicketId, TicketNames>;

/// A ticket's row read with the names it refers to.
#[derive(QueryableByName)]
struct NamedRow {
    #[diesel(embed)]
    ticket: TicketRow,
    #[diesel(embed)]
    named: NamesRow,
}

/// The rows of the tickets matching `filter` (and `text`) in `sort` order after `after`, at
/// most `limit`, with the names each refers to and when `viewer` last saw it, in one statement.
fn rows_with_names(
    conn: &mut DbConnection,
    filter: &TicketFilter,
    text: Option<&TextMatch>,
    (sort, after, limit): (TicketSort, Option<&TicketCursor>, i64),
    viewer: Option<UserId>,
) -> Result<(Vec<TicketRow>, Names), StoreError> {
    let page = ordered(filtered(conn, filter, text), sort, after).select(TicketRow::as_select());
    let limit = u32::try_from(limit.max(0)).unwrap_or(u32::MAX);
    let order = match sort {
        TicketSort::Updated => "t.updated_at DESC, t.id DESC",
        TicketSort::UpdatedAsc => "t.updated_at ASC, t.id ASC",
        TicketSort::Created | TicketSort::Relevance => "t.number DESC",
        TicketSort::CreatedAsc => "t.number ASC",
        TicketSort::Priority => "t.priority_rank DESC, t.updated_at DESC, t.id DESC",
        TicketSort::Due => "t.sla_due_at ASC, t.id ASC",
    };
    let read: Vec<NamedRow> =
        ticket_names::page_with_names(conn.backend(), (page, limit), viewer, order).load(conn)?;
    let mut names = HashMap::with_capacity(read.len());
    let mut rows = Vec::with_capacity(read.len());
    for NamedRow { ticket: row, named } in read {
        names.insert(parse(&row.id)?, named.into_names(&row.requester_id)?);
        rows.push(row);
    }
    Ok((rows, names))
}

/// The most entries read from the search index at a time when a search reads it newest first.
const NEWEST_ENTRIES: i64 = 1_000;
/// How many tickets' entries one read of the index newest first spans at most.
const NEWEST_SPAN: i64 = 5_000;
/// How many tickets a search reads the index newest first across before it walks the queue
/// instead: the words are common in the index but not among the queue's tickets.
const NEWEST_REACH: i64 = 25_000;

/// Up to `wanted` of the newest tickets matching `filter`, below ticket number `before`, for a
/// search whose words are common: the index is read from its newest entries down, in batches
/// of up to a thousand entries and [`NEWEST_SPAN`] tickets, and each batch's tickets are
/// filtered by the queue, until `wanted` are found. When [`NEWEST_REACH`] tickets hold too few,
/// the rest of the queue is walked in its own order instead.
fn newest_matches(
    conn: &mut DbConnection,
    filter: &TicketFilter,
    text: &TextMatch,
    before: Option<i64>,
    wanted: i64,
) -> Result<Vec<TicketKey>, StoreError> {
    let TextMatch::Probe {
        query,
        scope,
        facets,
    } = text
    else {
        return keys_of(conn, filter, Some(text), TicketSort::Created, None, wanted);
    };
    let newest = match before {
        Some(number) => number,
        None => match tickets::table
            .select(diesel::dsl::max(tickets::number))
            .first::<Option<i64>>(conn)?
        {
            Some(number) => number + 1,
            None => return Ok(Vec::new()),
        },
    };
    let mut below = entry::key_range(newest)?.0;
    let mut found: Vec<TicketKey> = Vec::new();
    while (found.len() as i64) < wanted {
        let remaining = wanted - found.len() as i64;
        let number = entry::number_of(below);
        if number <= 0 {
            break;
        }
        if newest - number >= NEWEST_REACH {
            found.extend(match filter.built_index() {
                Some(index) => walked_matches(
                    conn,
                    filter,
                    index,
                    (query, *scope),
                    (TicketSort::Created, Some(&TicketCursor::below(number))),
                    remaining,
                )?,
                None => filtered(conn, filter, Some(text))
                    .filter(tickets::number.lt(number))
                    .order(tickets::number.desc())
                    .select(TicketKey::as_select())
                    .limit(remaining)
                    .load(conn)?,
            });
            break;
        }
        // About two entries per ticket still wanted (a ticket's subject and a message often
        // both match), at most a batch: each entry read costs, the more so on PostgreSQL.
        let batch_size = (remaining * 2).clamp(100, NEWEST_ENTRIES);
        // The node's index reads all the keys below at once; the database's a span at a time.
        let (floor, keys) = match filter.built_index() {
            Some(index) => (
                0,
                index.newest(query, *scope, facets, below, batch_size as usize)?,
            ),
            None => {
                let floor = entry::key_range((number - NEWEST_SPAN).max(0))?.0;
                let keys = search_index::newest_keys(
                    conn,
                    query,
                    *scope,
                    facets,
                    floor..below,
                    batch_size,
                )?;
                (floor, keys)
            }
        };
        below = match keys.last() {
            // The last ticket's other entries are below this batch; it is listed now, so the
            // next batch starts under all of them.
            Some(&last) if keys.len() as i64 == batch_size => {
                entry::key_range(entry::number_of(last))?.0
            }
            _ => floor,
        };
        if keys.is_empty() {
            continue;
        }
        let mut numbers: Vec<i64> = keys.iter().map(|key| entry::number_of(*key)).collect();
        numbers.dedup();
        found.extend(keys_of(
            conn,
            filter,
            Some(&TextMatch::Among(numbers)),
            TicketSort::Created,
            None,
            remaining,
        )?);
    }
    Ok(found)
}

/// What a queue page or a search found: the page read whole with its names in one statement
/// (a queue page, or a search whose few matches the index listed), or the keys of the matching
/// tickets (a search that walks, or ranks, before it knows its page).
enum Found {
    Page(Vec<TicketRow>, Names),
    Keys(Vec<TicketKey>),
}

/// The tickets of one page (`limit` and one more, to tell whether there are more) or, for
/// relevance, the keys of the whole window to rank.
fn found(
    conn: &mut DbConnection,
    filter: &TicketFilter,
    text: Option<&TextMatch>,
    (sort, after, limit): (TicketSort, Option<&TicketCursor>, i64),
    viewer: Option<UserId>,
) -> Result<Found, StoreError> {
    let ranked = sort == TicketSort::Relevance;
    let (sort, after, wanted) = match sort {
        TicketSort::Relevance => (TicketSort::Created, None, RELEVANCE_WINDOW),
        _ => (sort, after, limit + 1),
    };
    Ok(match text {
        // A requester's few tickets are walked whatever the words: reading the index newest
        // first would pass everyone else's.
        Some(probe @ TextMatch::Probe { .. })
            if sort == TicketSort::Created && filter.requester.is_none() =>
        {
            Found::Keys(newest_matches(
                conn,
                filter,
                probe,
                after.map(|c| c.number),
                wanted,
            )?)
        }
        Some(TextMatch::Probe { query, scope, .. }) => Found::Keys(match filter.built_index() {
            Some(index) => {
                walked_matches(conn, filter, index, (query, *scope), (sort, after), wanted)?
            }
            None => keys_of(conn, filter, text, sort, after, wanted)?,
        }),
        _ if ranked => Found::Keys(keys_of(conn, filter, text, sort, after, wanted)?),
        _ => {
            let (rows, names) = rows_with_names(conn, filter, text, (sort, after, wanted), viewer)?;
            Found::Page(rows, names)
        }
    })
}

/// More than any page holds (200 and one more).
const ROWS_OF_MOST: i64 = 256;

/// The rows of the tickets `keys` name that still match `filter`, in that order, with their
/// names for `viewer`.
fn rows_of(
    conn: &mut DbConnection,
    filter: &TicketFilter,
    keys: &[TicketKey],
    viewer: Option<UserId>,
) -> Result<(Vec<TicketRow>, Names), StoreError> {
    if keys.is_empty() {
        return Ok((Vec::new(), Names::new()));
    }
    let numbers: Vec<i64> = keys.iter().map(|key| key.number).collect();
    let among = TextMatch::Among(numbers);
    // The tickets are listed by number, so any bound will do: one that holds every page keeps
    // one statement for pages of any length.
    let limit = (keys.len() as i64).max(ROWS_OF_MOST);
    let (rows, names) = rows_with_names(
        conn,
        filter,
        Some(&among),
        (TicketSort::Created, None, limit),
        viewer,
    )?;
    let mut by_number: HashMap<i64, TicketRow> =
        rows.into_iter().map(|row| (row.number, row)).collect();
    let rows = keys
        .iter()
        .filter_map(|key| by_number.remove(&key.number))
        .collect();
    Ok((rows, names))
}

/// Tickets read from the queue at a time when it is walked in its own order for a search.
const WALK_FIRST: i64 = 200;
/// The most tickets read at a time when a walk finds few matches.
const WALK_MOST: i64 = 3_200;

/// Up to `wanted` tickets of the queue in `sort` order after `after` that the node's index
/// says match `query`: the queue is read in batches (larger while matches are sparse) and each
/// batch's tickets are looked up in the index.
fn walked_matches(
    conn: &mut DbConnection,
    filter: &TicketFilter,
    index: &NodeIndex,
    (query, scope): (&SearchQuery, SearchScope),
    (sort, after): (TicketSort, Option<&TicketCursor>),
    wanted: i64,
) -> Result<Vec<TicketKey>, StoreError> {
    let wanted = wanted.max(0) as usize;
    let mut found: Vec<TicketKey> = Vec::new();
    let mut cursor = after.cloned();
    let mut batch = WALK_FIRST;
    loop {
        // Only what orders the queue is read while walking (its indexes hold it).
        let walked = keys_of(conn, filter, None, sort, cursor.as_ref(), batch)?;
        let numbers: Vec<i64> = walked.iter().map(|key| key.number).collect();
        let matching = index.tickets_matching(query, scope, &numbers)?;
        let last = walked.len() < batch as usize;
        cursor = walked.last().map(|key| TicketCursor::after(key, sort));
        found.extend(
            walked
                .into_iter()
                .filter(|key| matching.contains(&key.number)),
        );
        if found.len() >= wanted || last {
            found.truncate(wanted);
            return Ok(found);
        }
        if found.len() < wanted / 2 {
            batch = (batch * 2).min(WALK_MOST);
        }
    }
}

/// One page of the tickets matching `filter`, in `sort` order, after `after`, with the names
/// they refer to and when `viewer` last saw each. A search by relevance ranks the
/// [`RELEVANCE_WINDOW`] newest matches and pages through them.
pub fn list(
    conn: &mut DbConnection,
    filter: &TicketFilter,
    (sort, after, limit): (TicketSort, Option<&TicketCursor>, i64),
    viewer: Option<UserId>,
) -> Result<TicketPage, StoreError> {
    if let (Some(index), Some(_)) = (&filter.index, &filter.text) {
        index.catch_up(conn)?;
    }
    let text = text_match(conn, filter)?;
    let limit = limit.max(0);
    let (mut keys, page) = match found(conn, filter, text.as_ref(), (sort, after, limit), viewer)? {
        Found::Page(rows, names) => (
            rows.iter().map(TicketKey::of).collect(),
            Some((rows, names)),
        ),
        Found::Keys(keys) => (keys, None),
    };
    let score_all = |conn: &mut DbConnection, keys: &[TicketKey]| -> Result<_, StoreError> {
        let Some((query, scope)) = &filter.text else {
            return Ok(HashMap::new());
        };
        let numbers: Vec<i64> = keys.iter().map(|key| key.number).collect();
        match filter.built_index() {
            Some(index) => {
                let entries = index.entries_of(query, *scope, &numbers)?;
                search_index::hits_of(entries, *scope)
            }
            None => search_index::best_hits(conn, query, *scope, &numbers),
        }
    };
    let (mut hits, next) = if sort == TicketSort::Relevance {
        let mut hits = score_all(conn, &keys)?;
        let score = |key: &TicketKey| hits.get(&key.number).map_or(f64::MIN, |h| h.score);
        keys.sort_by(|a, b| {
            score(b)
                .total_cmp(&score(a))
                .then(b.updated_at.cmp(&a.updated_at))
                .then(b.number.cmp(&a.number))
        });
        let offset = after.map_or(0, |c| c.offset);
        let end = (offset + limit).min(keys.len() as i64);
        let next = (end < keys.len() as i64).then(|| TicketCursor {
            offset: end,
            ..TicketCursor::after(&keys[0], sort)
        });
        keys = keys.drain(offset.min(end) as usize..end as usize).collect();
        hits.retain(|number, _| keys.iter().any(|key| key.number == *number));
        (hits, next)
    } else {
        let has_more = keys.len() as i64 > limit;
        keys.truncate(limit as usize);
        let next = has_more
            .then(|| keys.last().map(|key| TicketCursor::after(key, sort)))
            .flatten();
        (score_all(conn, &keys)?, next)
    };
    search_index::name_messages(conn, &mut hits)?;
    let (rows, mut names) = match page {
        Some((mut rows, names)) => {
            rows.truncate(limit as usize);
            (rows, names)
        }
        None => rows_of(conn, filter, &keys, viewer)?,
    };
    let ids = rows
        .iter()
        .map(|row| parse(&row.id))
        .collect::<Result<Vec<TicketId>, _>>()?;
    names.retain(|id, _| ids.contains(id));
    let items = rows
        .into_iter()
        .zip(&ids)
        .map(|(row, id)| {
            let tags = names.get(id).map(|n| n.tags.clone()).unwrap_or_default();
            ticket_of(row, tags)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(TicketPage {
        items,
        next,
        hits,
        names,
    })
}

/// Up to `limit` tickets numbered above `after`, by number (for rebuilding the index).
pub fn numbered_after(
    conn: &mut DbConnection,
    after: i64,
    limit: i64,
) -> Result<Vec<Ticket>, StoreError> {
    let rows: Vec<TicketRow> = tickets::table
        .filter(tickets::number.gt(after))
        .order(tickets::number.asc())
        .limit(limit)
        .select(TicketRow::as_select())
        .load(conn)?;
    rows.into_iter()
        .map(|row| ticket_of(row, Vec::new()))
        .collect()
}

/// How many tickets there are.
pub fn count_all(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(tickets::table.count().get_result(conn)?)
}

/// The highest ticket number (0 when there are no tickets).
pub fn last_number(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(tickets::table
        .select(diesel::dsl::max(tickets::number))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

/// How many tickets match `filter`, counting no further than `cap` (so that a count stays
/// cheap on a million tickets; callers show `cap` as "999+").
pub fn count_capped(
    conn: &mut DbConnection,
    filter: &TicketFilter,
    cap: i64,
) -> Result<i64, StoreError> {
    if let (Some(index), Some(_)) = (&filter.index, &filter.text) {
        index.catch_up(conn)?;
    }
    let text = text_match(conn, filter)?;
    let numbers: Vec<i64> = filtered(conn, filter, text.as_ref())
        .select(tickets::number)
        .limit(cap)
        .load(conn)?;
    Ok(numbers.len() as i64)
}
