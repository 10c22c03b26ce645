//! Messages left on the widget's offline form: which visitor left each (a chat ticket with no
//! live conversation) and where they were, for agents answering it later.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{TicketId, VisitorId};

use crate::chat::conversations::VisitorContext;
use crate::convert::{from_db, parse, to_db};
use crate::schema::chat_messages_left;
use crate::{DbConnection, StoreError};

/// A message left on the offline form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageLeft {
    /// The ticket it became.
    pub ticket: TicketId,
    /// The visitor who left it.
    pub visitor: VisitorId,
    /// Where they were.
    pub context: VisitorContext,
    /// When they left it.
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = chat_messages_left, treat_none_as_default_value = false)]
struct Row {
    ticket_id: String,
    visitor_id: String,
    context: Option<String>,
    created_at: NaiveDateTime,
}

/// Records a message left on the offline form.
pub fn insert(conn: &mut DbConnection, left: &MessageLeft) -> Result<(), StoreError> {
    let row = Row {
        ticket_id: left.ticket.to_string(),
        visitor_id: left.visitor.to_string(),
        context: left.context.to_column(),
        created_at: to_db(left.created_at),
    };
    crate::with_backend!(conn, c => diesel::insert_into(chat_messages_left::table).values(&row).execute(c))?;
    Ok(())
}

/// The message left that became `ticket`, if it was one.
pub fn find(conn: &mut DbConnection, ticket: TicketId) -> Result<Option<MessageLeft>, StoreError> {
    let row: Option<Row> = chat_messages_left::table
        .find(ticket.to_string())
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    row.map(|row| {
        Ok(MessageLeft {
            ticket: parse(&row.ticket_id)?,
            visitor: parse(&row.visitor_id)?,
            context: VisitorContext::from_column(row.context.as_deref(), "message left")?,
            created_at: from_db(row.created_at),
        })
    })
    .transpose()
}
