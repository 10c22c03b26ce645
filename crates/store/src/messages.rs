//! Timeline entries: replies, notes, call entries and events.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use kefu_domain::ids::{MessageId, TicketId};
use kefu_domain::message::{Message, MessageKind, Visibility};
use serde::{Deserialize, Serialize};

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::prepared::{self, Statement};
use crate::schema::messages;
use crate::{DbConnection, StoreError};

/// A row of `messages`.
#[derive(Queryable, Selectable, Insertable, Debug)]
#[diesel(table_name = messages, treat_none_as_default_value = false)]
pub struct MessageRow {
    pub id: String,
    pub ticket_id: String,
    pub kind: String,
    pub visibility: String,
    pub author_kind: String,
    pub author_user_id: Option<String>,
    pub author_customer_id: Option<String>,
    pub channel: String,
    pub body: String,
    pub data: Option<String>,
    pub created_at: NaiveDateTime,
}

impl From<&Message> for MessageRow {
    fn from(m: &Message) -> Self {
        MessageRow {
            id: m.id.to_string(),
            ticket_id: m.ticket.to_string(),
            kind: m.kind.as_str().to_owned(),
            visibility: m.visibility.as_str().to_owned(),
            author_kind: m.author_kind.as_str().to_owned(),
            author_user_id: m.author_user.map(|u| u.to_string()),
            author_customer_id: m.author_customer.map(|c| c.to_string()),
            channel: m.channel.as_str().to_owned(),
            body: m.body.clone(),
            data: m.data.as_ref().map(ToString::to_string),
            created_at: to_db(m.created_at),
        }
    }
}

impl TryFrom<MessageRow> for Message {
    type Error = StoreError;

    fn try_from(row: MessageRow) -> Result<Self, StoreError> {
        Ok(Message {
            id: parse(&row.id)?,
            ticket: parse(&row.ticket_id)?,
            kind: parse(&row.kind)?,
            visibility: parse(&row.visibility)?,
            author_kind: parse(&row.author_kind)?,
            author_user: parse_opt(row.author_user_id.as_deref())?,
            author_customer: parse_opt(row.author_customer_id.as_deref())?,
            channel: parse(&row.channel)?,
            body: row.body,
            data: row
                .data
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("message data: {e}")))?,
            created_at: from_db(row.created_at),
        })
    }
}

/// The entry with this id, if it is on `ticket`.
pub fn find_on(
    conn: &mut DbConnection,
    ticket: TicketId,
    id: MessageId,
) -> Result<Option<Message>, StoreError> {
    messages::table
        .find(id.to_string())
        .filter(messages::ticket_id.eq(ticket.to_string()))
        .select(MessageRow::as_select())
        .first(conn)
        .optional()?
        .map(Message::try_from)
        .transpose()
}

/// Moves an entry, with its files, to another ticket.
pub fn move_to(conn: &mut DbConnection, id: MessageId, ticket: TicketId) -> Result<(), StoreError> {
    diesel::update(messages::table.find(id.to_string()))
        .set(messages::ticket_id.eq(ticket.to_string()))
        .execute(conn)?;
    diesel::update(
        crate::schema::message_files::table
            .filter(crate::schema::message_files::message_id.eq(id.to_string())),
    )
    .set(crate::schema::message_files::ticket_id.eq(ticket.to_string()))
    .execute(conn)?;
    Ok(())
}

/// Inserts timeline entries in one statement.
pub fn insert_many(conn: &mut DbConnection, list: &[Message]) -> Result<(), StoreError> {
    if list.is_empty() {
        return Ok(());
    }
    let rows: Vec<MessageRow> = list.iter().map(MessageRow::from).collect();
    if let DbConnection::Postgres(pg) = conn {
        insert_unnested(pg, &rows)?;
        return Ok(());
    }
    for chunk in rows.chunks(crate::dialect::rows_per_statement(11)) {
        crate::with_backend!(conn, c => diesel::insert_into(messages::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// PostgreSQL: the rows as one array per column, in a statement whose text is the same however
/// many rows there are, so it stays prepared (a multi-row `VALUES` is parsed anew each time).
fn insert_unnested(pg: &mut diesel::PgConnection, rows: &[MessageRow]) -> Result<(), StoreError> {
    unnested_insert(rows).execute(pg)?;
    Ok(())
}

/// PostgreSQL: the statement inserting `rows` as one array per column.
pub(crate) fn unnested_insert(rows: &[MessageRow]) -> Statement<'_, diesel::pg::Pg> {
    use diesel::sql_types::{Array, Nullable, Text, Timestamp};
    let text = |column: fn(&MessageRow) -> &str| rows.iter().map(column).collect::<Vec<_>>();
    let maybe =
        |column: fn(&MessageRow) -> Option<&str>| rows.iter().map(column).collect::<Vec<_>>();
    Statement::<diesel::pg::Pg>::new(
        "INSERT INTO messages (id, ticket_id, kind, visibility, author_kind, author_user_id, \
         author_customer_id, channel, body, data, created_at) SELECT * FROM unnest(",
    )
    .bind::<Array<Text>, _>(text(|r| r.id.as_str()))
    .sql("::text[], ")
    .bind::<Array<Text>, _>(text(|r| r.ticket_id.as_str()))
    .sql("::text[], ")
    .bind::<Array<Text>, _>(text(|r| r.kind.as_str()))
    .sql("::text[], ")
    .bind::<Array<Text>, _>(text(|r| r.visibility.as_str()))
    .sql("::text[], ")
    .bind::<Array<Text>, _>(text(|r| r.author_kind.as_str()))
    .sql("::text[], ")
    .bind::<Array<Nullable<Text>>, _>(maybe(|r| r.author_user_id.as_deref()))
    .sql("::text[], ")
    .bind::<Array<Nullable<Text>>, _>(maybe(|r| r.author_customer_id.as_deref()))
    .sql("::text[], ")
    .bind::<Array<Text>, _>(text(|r| r.channel.as_str()))
    .sql("::text[], ")
    .bind::<Array<Text>, _>(text(|r| r.body.as_str()))
    .sql("::text[], ")
    .bind::<Array<Nullable<Text>>, _>(maybe(|r| r.data.as_deref()))
    .sql("::text[], ")
    .bind::<Array<Timestamp>, _>(rows.iter().map(|r| r.created_at).collect::<Vec<_>>())
    .sql("::timestamp[])")
}

/// Inserts one timeline entry.
pub fn insert(conn: &mut DbConnection, message: &Message) -> Result<(), StoreError> {
    insert_many(conn, std::slice::from_ref(message))
}

/// Where the previous page of a timeline ended; opaque to clients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageCursor {
    #[serde(rename = "c")]
    created_at: NaiveDateTime,
    #[serde(rename = "i")]
    id: String,
}

impl MessageCursor {
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
        let valid = cursor.id.parse::<MessageId>().is_ok()
            && kefu_domain::time::is_storable(from_db(cursor.created_at));
        valid.then_some(cursor)
    }
}

/// A ticket's timeline, oldest first, one page after `after`; internal entries only when
/// `include_internal`.
pub fn list(
    conn: &mut DbConnection,
    ticket: TicketId,
    include_internal: bool,
    after: Option<&MessageCursor>,
    limit: i64,
) -> Result<(Vec<Message>, Option<MessageCursor>), StoreError> {
    let mut query = messages::table
        .filter(messages::ticket_id.eq(ticket.to_string()))
        .select(MessageRow::as_select())
        .order((messages::created_at.asc(), messages::id.asc()))
        .limit(limit + 1)
        .into_boxed();
    if !include_internal {
        query = query.filter(messages::visibility.eq(Visibility::Public.as_str()));
    }
    if let Some(c) = after {
        query = query.filter(messages::created_at.ge(c.created_at)).filter(
            messages::created_at
                .gt(c.created_at)
                .or(messages::id.gt(c.id.clone())),
        );
    }
    let mut rows = query.load(conn)?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit.max(0) as usize);
    let next = has_more
        .then(|| rows.last())
        .flatten()
        .map(|row| MessageCursor {
            created_at: row.created_at,
            id: row.id.clone(),
        });
    let items = rows
        .into_iter()
        .map(Message::try_from)
        .collect::<Result<_, _>>()?;
    Ok((items, next))
}

/// A message as the search index reads it: its id, visibility and body.
pub type SearchableText = (String, Visibility, String);

/// The searchable messages of some tickets (replies, notes and calls; not events), each
/// ticket's in order, by ticket id.
pub fn searchable_texts(
    conn: &mut DbConnection,
    tickets: &[TicketId],
) -> Result<HashMap<TicketId, Vec<SearchableText>>, StoreError> {
    let ids: Vec<String> = tickets.iter().map(ToString::to_string).collect();
    let rows: Vec<(String, String, String, String)> = messages::table
        .filter(messages::ticket_id.eq_any(ids))
        .filter(messages::kind.ne(MessageKind::Event.as_str()))
        .order((
            messages::ticket_id,
            messages::created_at.asc(),
            messages::id.asc(),
        ))
        .select((
            messages::ticket_id,
            messages::id,
            messages::visibility,
            messages::body,
        ))
        .load(conn)?;
    let mut out: HashMap<TicketId, Vec<SearchableText>> = HashMap::new();
    for (ticket, id, visibility, body) in rows {
        out.entry(parse(&ticket)?)
            .or_default()
            .push((id, parse(&visibility)?, body));
    }
    Ok(out)
}

/// The bodies of some messages, by id (for search snippets).
pub fn bodies(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<HashMap<String, String>, StoreError> {
    let rows: Vec<(String, String)> = messages::table
        .filter(prepared::among_filter(conn.backend(), "messages.id", ids))
        .select((messages::id, messages::body))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Whether the customer wrote on `ticket` after `at` (a public reply; not a change they made).
pub fn customer_wrote_after(
    conn: &mut DbConnection,
    ticket: TicketId,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let found: Option<String> = messages::table
        .filter(messages::ticket_id.eq(ticket.to_string()))
        .filter(messages::author_kind.eq("customer"))
        .filter(messages::kind.eq(MessageKind::Reply.as_str()))
        .filter(messages::visibility.eq(Visibility::Public.as_str()))
        .filter(messages::created_at.gt(to_db(at)))
        .select(messages::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// The text of a ticket's first public reply (what the customer first asked), if any.
pub fn first_body(conn: &mut DbConnection, ticket: TicketId) -> Result<Option<String>, StoreError> {
    Ok(messages::table
        .filter(messages::ticket_id.eq(ticket.to_string()))
        .filter(messages::kind.eq("reply"))
        .order((messages::created_at.asc(), messages::id.asc()))
        .select(messages::body)
        .first(conn)
        .optional()?)
}
