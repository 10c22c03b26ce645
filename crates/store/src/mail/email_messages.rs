//! The email behind a message: its Message-ID, addresses, subject, sanitised HTML, quoted
//! history, raw original and the rule that attached it to its ticket.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{MailboxId, MessageId, TicketId};
use kefu_domain::ticket::Status;

use crate::convert::{from_db, parse, to_db};
use crate::schema::{email_messages, tickets};
use crate::{DbConnection, StoreError};

/// An email on a ticket, received or sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailRecord {
    /// The timeline entry it is.
    pub message: MessageId,
    /// Its ticket.
    pub ticket: TicketId,
    /// The mailbox it came in on or left from.
    pub mailbox: MailboxId,
    /// Whether Kefu received it (else sent it).
    pub inbound: bool,
    /// Its Message-ID, without brackets.
    pub header_id: String,
    /// The sender's address.
    pub from_address: String,
    /// The sender's name.
    pub from_name: Option<String>,
    /// Its To and Cc, as JSON (`{"to": [...], "cc": [...]}`).
    pub recipients: String,
    /// Its subject.
    pub subject: String,
    /// The rule that attached it (`reply_address`, `headers`, …, `sent` for Kefu's own).
    pub thread_rule: String,
    /// The sanitised HTML body.
    pub html: Option<String>,
    /// The quoted history cut from the timeline's text.
    pub quoted: Option<String>,
    /// The SHA-256 of the raw message in the files directory.
    pub raw_sha256: Option<String>,
    /// Why it counts as automatic, if it does.
    pub automatic: Option<String>,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = email_messages)]
struct EmailRow {
    message_id: String,
    ticket_id: String,
    mailbox_id: String,
    direction: String,
    header_id: String,
    from_address: String,
    from_name: Option<String>,
    recipients: String,
    subject: String,
    thread_rule: String,
    html: Option<String>,
    quoted: Option<String>,
    raw_sha256: Option<String>,
    automatic: Option<String>,
    created_at: NaiveDateTime,
}

impl TryFrom<EmailRow> for EmailRecord {
    type Error = StoreError;

    fn try_from(row: EmailRow) -> Result<Self, StoreError> {
        Ok(EmailRecord {
            message: parse(&row.message_id)?,
            ticket: parse(&row.ticket_id)?,
            mailbox: parse(&row.mailbox_id)?,
            inbound: row.direction == "inbound",
            header_id: row.header_id,
            from_address: row.from_address,
            from_name: row.from_name,
            recipients: row.recipients,
            subject: row.subject,
            thread_rule: row.thread_rule,
            html: row.html,
            quoted: row.quoted,
            raw_sha256: row.raw_sha256,
            automatic: row.automatic,
            created_at: from_db(row.created_at),
        })
    }
}

/// Stores the email of a message (the message first). `Conflict` when the same mailbox
/// received this Message-ID before.
pub fn insert(conn: &mut DbConnection, record: &EmailRecord) -> Result<(), StoreError> {
    let row = EmailRow {
        message_id: record.message.to_string(),
        ticket_id: record.ticket.to_string(),
        mailbox_id: record.mailbox.to_string(),
        direction: if record.inbound {
            "inbound"
        } else {
            "outbound"
        }
        .to_owned(),
        header_id: record.header_id.clone(),
        from_address: record.from_address.clone(),
        from_name: record.from_name.clone(),
        recipients: record.recipients.clone(),
        subject: record.subject.clone(),
        thread_rule: record.thread_rule.clone(),
        html: record.html.clone(),
        quoted: record.quoted.clone(),
        raw_sha256: record.raw_sha256.clone(),
        automatic: record.automatic.clone(),
        created_at: to_db(record.created_at),
    };
    crate::with_backend!(conn, c => diesel::insert_into(email_messages::table).values(&row).execute(c))?;
    Ok(())
}

/// The message already stored for a Message-ID this mailbox received, if any.
pub fn received(
    conn: &mut DbConnection,
    mailbox: MailboxId,
    header_id: &str,
) -> Result<Option<(MessageId, TicketId)>, StoreError> {
    email_messages::table
        .filter(email_messages::mailbox_id.eq(mailbox.to_string()))
        .filter(email_messages::header_id.eq(header_id))
        .filter(email_messages::direction.eq("inbound"))
        .select((email_messages::message_id, email_messages::ticket_id))
        .first::<(String, String)>(conn)
        .optional()?
        .map(|(m, t)| Ok((parse(&m)?, parse(&t)?)))
        .transpose()
}

/// The ticket of the first of `header_ids` Kefu sent or received, with whether it is closed.
pub fn ticket_of_ids(
    conn: &mut DbConnection,
    header_ids: &[String],
) -> Result<Option<(TicketId, bool)>, StoreError> {
    if header_ids.is_empty() {
        return Ok(None);
    }
    let found: Vec<(String, String, String)> = email_messages::table
        .inner_join(tickets::table)
        .filter(email_messages::header_id.eq_any(header_ids))
        .select((
            email_messages::header_id,
            email_messages::ticket_id,
            tickets::status,
        ))
        .load(conn)?;
    for id in header_ids {
        if let Some((_, ticket, status)) = found.iter().find(|(h, _, _)| h == id) {
            let status: Status = parse(status)?;
            return Ok(Some((parse(ticket)?, status == Status::Closed)));
        }
    }
    Ok(None)
}

/// The mail Kefu sent with this Message-ID, if it did.
pub fn sent(conn: &mut DbConnection, header_id: &str) -> Result<Option<EmailRecord>, StoreError> {
    email_messages::table
        .filter(email_messages::header_id.eq(header_id))
        .filter(email_messages::direction.eq("outbound"))
        .select(EmailRow::as_select())
        .first(conn)
        .optional()?
        .map(EmailRecord::try_from)
        .transpose()
}

/// The Message-IDs of a ticket's emails, oldest first (for `References`).
pub fn thread_of(conn: &mut DbConnection, ticket: TicketId) -> Result<Vec<String>, StoreError> {
    Ok(email_messages::table
        .filter(email_messages::ticket_id.eq(ticket.to_string()))
        .order((email_messages::created_at, email_messages::message_id))
        .select(email_messages::header_id)
        .load(conn)?)
}

/// The emails of a ticket's newest received message, if any (what a reply answers).
pub fn last_received(
    conn: &mut DbConnection,
    ticket: TicketId,
) -> Result<Option<EmailRecord>, StoreError> {
    email_messages::table
        .filter(email_messages::ticket_id.eq(ticket.to_string()))
        .filter(email_messages::direction.eq("inbound"))
        .order((
            email_messages::created_at.desc(),
            email_messages::message_id.desc(),
        ))
        .select(EmailRow::as_select())
        .first(conn)
        .optional()?
        .map(EmailRecord::try_from)
        .transpose()
}

/// The first email of a ticket (its mailbox is the one replies go out from).
pub fn first_of(
    conn: &mut DbConnection,
    ticket: TicketId,
) -> Result<Option<EmailRecord>, StoreError> {
    email_messages::table
        .filter(email_messages::ticket_id.eq(ticket.to_string()))
        .order((email_messages::created_at, email_messages::message_id))
        .select(EmailRow::as_select())
        .first(conn)
        .optional()?
        .map(EmailRecord::try_from)
        .transpose()
}

/// The emails behind these messages.
pub fn of_messages(
    conn: &mut DbConnection,
    messages: &[MessageId],
) -> Result<HashMap<MessageId, EmailRecord>, StoreError> {
    if messages.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<String> = messages.iter().map(ToString::to_string).collect();
    let mut found = HashMap::new();
    for chunk in ids.chunks(500) {
        for row in email_messages::table
            .filter(email_messages::message_id.eq_any(chunk))
            .select(EmailRow::as_select())
            .load(conn)?
        {
            let record = EmailRecord::try_from(row)?;
            found.insert(record.message, record);
        }
    }
    Ok(found)
}

/// Moves an email (and its message's row) to another ticket with a new rule.
pub fn move_to(
    conn: &mut DbConnection,
    message: MessageId,
    ticket: TicketId,
    rule: &str,
) -> Result<(), StoreError> {
    diesel::update(email_messages::table.find(message.to_string()))
        .set((
            email_messages::ticket_id.eq(ticket.to_string()),
            email_messages::thread_rule.eq(rule),
        ))
        .execute(conn)?;
    Ok(())
}
