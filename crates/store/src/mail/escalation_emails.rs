//! Mail between Kefu and vendors who work by mail, each tied to its escalation: what a
//! vendor's reply threads by, and what stops the same mail from being taken twice.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{EscalationId, EscalationMessageId};

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::escalation_emails;
use crate::{DbConnection, StoreError};

/// One mail of an escalation, sent or received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscalationEmail {
    /// The escalation it belongs to.
    pub escalation: EscalationId,
    /// The thread entry it carries (none for the case mail, which carries the whole case).
    pub entry: Option<EscalationMessageId>,
    /// Whether the vendor sent it.
    pub inbound: bool,
    /// Its Message-ID, without brackets.
    pub header_id: String,
    /// Who sent it.
    pub from_address: String,
    /// Its subject.
    pub subject: String,
    /// The rule that threaded it (`reply_address`, `headers`); `sent` for Kefu's own.
    pub thread_rule: String,
    /// For automatic mail (an auto-reply), what kind.
    pub automatic: Option<String>,
    /// The SHA-256 of the original, for inbound mail.
    pub raw_sha256: Option<String>,
    /// When it was sent or taken in.
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = escalation_emails, treat_none_as_default_value = false)]
struct EscalationEmailRow {
    id: String,
    escalation_id: String,
    entry_id: Option<String>,
    inbound: bool,
    header_id: String,
    from_address: String,
    subject: String,
    thread_rule: String,
    automatic: Option<String>,
    raw_sha256: Option<String>,
    created_at: NaiveDateTime,
}

impl TryFrom<EscalationEmailRow> for EscalationEmail {
    type Error = StoreError;

    fn try_from(row: EscalationEmailRow) -> Result<Self, StoreError> {
        Ok(Self {
            escalation: parse(&row.escalation_id)?,
            entry: parse_opt(row.entry_id.as_deref())?,
            inbound: row.inbound,
            header_id: row.header_id,
            from_address: row.from_address,
            subject: row.subject,
            thread_rule: row.thread_rule,
            automatic: row.automatic,
            raw_sha256: row.raw_sha256,
            created_at: from_db(row.created_at),
        })
    }
}

/// Records a mail of an escalation.
pub fn insert(conn: &mut DbConnection, mail: &EscalationEmail) -> Result<(), StoreError> {
    let row = EscalationEmailRow {
        id: uuid::Uuid::new_v4().to_string(),
        escalation_id: mail.escalation.to_string(),
        entry_id: mail.entry.map(|e| e.to_string()),
        inbound: mail.inbound,
        header_id: mail.header_id.clone(),
        from_address: mail.from_address.clone(),
        subject: mail.subject.clone(),
        thread_rule: mail.thread_rule.clone(),
        automatic: mail.automatic.clone(),
        raw_sha256: mail.raw_sha256.clone(),
        created_at: to_db(mail.created_at),
    };
    crate::with_backend!(conn, c => diesel::insert_into(escalation_emails::table)
        .values(&row)
        .execute(c))?;
    Ok(())
}

/// The received mail with Message-ID `header_id`, if it was taken before.
pub fn received(
    conn: &mut DbConnection,
    header_id: &str,
) -> Result<Option<EscalationEmail>, StoreError> {
    escalation_emails::table
        .filter(escalation_emails::header_id.eq(header_id))
        .filter(escalation_emails::inbound.eq(true))
        .select(EscalationEmailRow::as_select())
        .first(conn)
        .optional()?
        .map(EscalationEmail::try_from)
        .transpose()
}

/// The escalation of the first of `ids` (Message-IDs, most telling first) Kefu sent to a
/// vendor. Only Kefu's own Message-IDs count: a sender chooses theirs.
pub fn escalation_of_ids(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<Option<EscalationId>, StoreError> {
    if ids.is_empty() {
        return Ok(None);
    }
    let found: Vec<(String, String)> = escalation_emails::table
        .filter(escalation_emails::header_id.eq_any(ids))
        .filter(escalation_emails::inbound.eq(false))
        .select((
            escalation_emails::header_id,
            escalation_emails::escalation_id,
        ))
        .load(conn)?;
    ids.iter()
        .find_map(|id| found.iter().find(|(h, _)| h == id))
        .map(|(_, escalation)| parse(escalation))
        .transpose()
}

/// The Message-IDs of an escalation's mail, oldest first: the `References` of the next one.
pub fn thread_ids(
    conn: &mut DbConnection,
    escalation: EscalationId,
) -> Result<Vec<String>, StoreError> {
    Ok(escalation_emails::table
        .filter(escalation_emails::escalation_id.eq(escalation.to_string()))
        .order((
            escalation_emails::created_at.asc(),
            escalation_emails::id.asc(),
        ))
        .select(escalation_emails::header_id)
        .load(conn)?)
}
