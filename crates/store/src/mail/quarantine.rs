//! Mail that could not be taken, kept raw (in the files directory, by SHA-256) with the
//! reason, until an admin retries or deletes it.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{MailboxId, QuarantineId};

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::mail_quarantine;
use crate::{DbConnection, StoreError};

/// A quarantined mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quarantined {
    /// Its id.
    pub id: QuarantineId,
    /// The mailbox it came in on, if known.
    pub mailbox: Option<MailboxId>,
    /// How it came: `imap`, `http` or `pipe`.
    pub source: String,
    /// The SHA-256 of the raw mail in the files directory.
    pub raw_sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// Why it was not taken (a stable code: `not_a_message`, `no_sender`, `too_big`, `failed`).
    pub reason: String,
    /// The explanation.
    pub detail: String,
    /// Its sender, if one could be read.
    pub sender: Option<String>,
    /// Its subject, if one could be read.
    pub subject: Option<String>,
    /// How often it was tried.
    pub attempts: i32,
    /// When it first came.
    pub created_at: DateTime<Utc>,
    /// When it was last tried.
    pub last_tried_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_quarantine)]
struct QuarantineRow {
    id: String,
    mailbox_id: Option<String>,
    source: String,
    raw_sha256: String,
    size: i64,
    reason: String,
    detail: String,
    sender: Option<String>,
    subject: Option<String>,
    attempts: i32,
    created_at: NaiveDateTime,
    last_tried_at: NaiveDateTime,
}

impl TryFrom<QuarantineRow> for Quarantined {
    type Error = StoreError;

    fn try_from(row: QuarantineRow) -> Result<Self, StoreError> {
        Ok(Quarantined {
            id: parse(&row.id)?,
            mailbox: parse_opt(row.mailbox_id.as_deref())?,
            source: row.source,
            raw_sha256: row.raw_sha256,
            size: u64::try_from(row.size).unwrap_or(0),
            reason: row.reason,
            detail: row.detail,
            sender: row.sender,
            subject: row.subject,
            attempts: row.attempts,
            created_at: from_db(row.created_at),
            last_tried_at: from_db(row.last_tried_at),
        })
    }
}

/// Keeps a mail in quarantine.
pub fn insert(conn: &mut DbConnection, entry: &Quarantined) -> Result<(), StoreError> {
    let row = QuarantineRow {
        id: entry.id.to_string(),
        mailbox_id: entry.mailbox.map(|m| m.to_string()),
        source: entry.source.clone(),
        raw_sha256: entry.raw_sha256.clone(),
        size: i64::try_from(entry.size).unwrap_or(i64::MAX),
        reason: entry.reason.clone(),
        detail: entry.detail.clone(),
        sender: entry.sender.clone(),
        subject: entry.subject.clone(),
        attempts: entry.attempts,
        created_at: to_db(entry.created_at),
        last_tried_at: to_db(entry.last_tried_at),
    };
    crate::with_backend!(conn, c => diesel::insert_into(mail_quarantine::table).values(&row).execute(c))?;
    Ok(())
}

/// Quarantined mail, newest first, `limit` after the cursor `(created_at, id)`.
pub fn list(
    conn: &mut DbConnection,
    before: Option<(DateTime<Utc>, QuarantineId)>,
    limit: i64,
) -> Result<Vec<Quarantined>, StoreError> {
    let mut query = mail_quarantine::table
        .order((
            mail_quarantine::created_at.desc(),
            mail_quarantine::id.desc(),
        ))
        .limit(limit)
        .select(QuarantineRow::as_select())
        .into_boxed();
    if let Some((at, id)) = before {
        query = query.filter(
            mail_quarantine::created_at
                .lt(to_db(at))
                .or(mail_quarantine::created_at
                    .eq(to_db(at))
                    .and(mail_quarantine::id.lt(id.to_string()))),
        );
    }
    query
        .load(conn)?
        .into_iter()
        .map(Quarantined::try_from)
        .collect()
}

/// One quarantined mail.
pub fn find(conn: &mut DbConnection, id: QuarantineId) -> Result<Option<Quarantined>, StoreError> {
    mail_quarantine::table
        .find(id.to_string())
        .select(QuarantineRow::as_select())
        .first(conn)
        .optional()?
        .map(Quarantined::try_from)
        .transpose()
}

/// Records another failed try.
pub fn record_retry(
    conn: &mut DbConnection,
    id: QuarantineId,
    reason: &str,
    detail: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(mail_quarantine::table.find(id.to_string()))
        .set((
            mail_quarantine::attempts.eq(mail_quarantine::attempts + 1),
            mail_quarantine::reason.eq(reason),
            mail_quarantine::detail.eq(detail),
            mail_quarantine::last_tried_at.eq(to_db(at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes a mail from quarantine; whether it was there.
pub fn delete(conn: &mut DbConnection, id: QuarantineId) -> Result<bool, StoreError> {
    Ok(diesel::delete(mail_quarantine::table.find(id.to_string())).execute(conn)? > 0)
}
