//! Mailboxes, their IMAP settings, and how far each IMAP folder has been read.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::MailboxId;
use kefu_domain::mail::{ImapSettings, Mailbox};

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::{mailbox_imap, mailboxes};
use crate::{DbConnection, StoreError};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = mailboxes, treat_none_as_null = true)]
struct MailboxRow {
    id: String,
    name: String,
    address: String,
    address_key: String,
    team_id: Option<String>,
    stage: String,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    acknowledge: bool,
}

impl TryFrom<MailboxRow> for Mailbox {
    type Error = StoreError;

    fn try_from(row: MailboxRow) -> Result<Self, StoreError> {
        Ok(Mailbox {
            id: parse(&row.id)?,
            name: row.name,
            address: EmailAddress::from_stored(row.address),
            team: parse_opt(row.team_id.as_deref())?,
            stage: parse(&row.stage)?,
            active: row.active,
            acknowledge: row.acknowledge,
            created_at: from_db(row.created_at),
        })
    }
}

fn row_of(mailbox: &Mailbox, now: DateTime<Utc>) -> MailboxRow {
    MailboxRow {
        id: mailbox.id.to_string(),
        name: mailbox.name.clone(),
        address: mailbox.address.as_str().to_owned(),
        address_key: mailbox.address.lookup_key(),
        team_id: mailbox.team.map(|t| t.to_string()),
        stage: mailbox.stage.as_str().to_owned(),
        active: mailbox.active,
        created_at: to_db(mailbox.created_at),
        updated_at: to_db(now),
        acknowledge: mailbox.acknowledge,
    }
}

/// Stores a new mailbox; `Conflict` when its address is taken.
pub fn insert(conn: &mut DbConnection, mailbox: &Mailbox) -> Result<(), StoreError> {
    let row = row_of(mailbox, mailbox.created_at);
    crate::with_backend!(conn, c => diesel::insert_into(mailboxes::table).values(&row).execute(c))?;
    Ok(())
}

/// Saves a changed mailbox.
pub fn save(conn: &mut DbConnection, mailbox: &Mailbox) -> Result<(), StoreError> {
    let row = row_of(mailbox, kefu_domain::time::now());
    diesel::update(mailboxes::table.find(&row.id))
        .set(&row)
        .execute(conn)?;
    Ok(())
}

/// Every mailbox, by name.
pub fn list(conn: &mut DbConnection) -> Result<Vec<Mailbox>, StoreError> {
    mailboxes::table
        .order((mailboxes::name, mailboxes::id))
        .select(MailboxRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Mailbox::try_from)
        .collect()
}

/// The mailbox with `id`.
pub fn find(conn: &mut DbConnection, id: MailboxId) -> Result<Option<Mailbox>, StoreError> {
    mailboxes::table
        .find(id.to_string())
        .select(MailboxRow::as_select())
        .first(conn)
        .optional()?
        .map(Mailbox::try_from)
        .transpose()
}

/// The mailboxes with these address keys (see [`EmailAddress::lookup_key`]).
pub fn by_address_keys(
    conn: &mut DbConnection,
    keys: &[String],
) -> Result<Vec<Mailbox>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    mailboxes::table
        .filter(mailboxes::address_key.eq_any(keys))
        .select(MailboxRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Mailbox::try_from)
        .collect()
}

/// The mailbox named `name` (any case).
pub fn by_name(conn: &mut DbConnection, name: &str) -> Result<Option<Mailbox>, StoreError> {
    Ok(list(conn)?
        .into_iter()
        .find(|m| m.name.to_lowercase() == name.to_lowercase()))
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = mailbox_imap, treat_none_as_null = true)]
struct ImapRow {
    mailbox_id: String,
    host: String,
    port: i32,
    security: String,
    username: String,
    password: String,
    folder: String,
    after_fetch: String,
    move_to: Option<String>,
}

/// Where an IMAP folder has been read to, and how its last check went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImapCursor {
    /// The folder's UIDVALIDITY when it was last read.
    pub uid_validity: Option<u32>,
    /// The highest UID taken.
    pub last_uid: u32,
    /// When it was last checked.
    pub checked_at: Option<DateTime<Utc>>,
    /// Why the last check failed, if it did.
    pub last_error: Option<String>,
}

/// A mailbox's IMAP settings and cursor, if it is fetched over IMAP.
pub fn imap_of(
    conn: &mut DbConnection,
    mailbox: MailboxId,
) -> Result<Option<(ImapSettings, ImapCursor)>, StoreError> {
    let found = mailbox_imap::table
        .find(mailbox.to_string())
        .select((
            ImapRow::as_select(),
            mailbox_imap::uid_validity,
            mailbox_imap::last_uid,
            mailbox_imap::checked_at,
            mailbox_imap::last_error,
        ))
        .first::<(
            ImapRow,
            Option<i64>,
            i64,
            Option<NaiveDateTime>,
            Option<String>,
        )>(conn)
        .optional()?;
    let Some((row, uid_validity, last_uid, checked_at, last_error)) = found else {
        return Ok(None);
    };
    let settings = ImapSettings {
        host: row.host,
        port: u16::try_from(row.port)
            .map_err(|_| StoreError::Corrupt(format!("IMAP port {}", row.port)))?,
        security: parse(&row.security)?,
        username: row.username,
        password: row.password,
        folder: row.folder,
        after_fetch: parse(&row.after_fetch)?,
        move_to: row.move_to,
    };
    let cursor = ImapCursor {
        uid_validity: uid_validity.and_then(|v| u32::try_from(v).ok()),
        last_uid: u32::try_from(last_uid).unwrap_or(0),
        checked_at: checked_at.map(from_db),
        last_error,
    };
    Ok(Some((settings, cursor)))
}

/// Sets (or replaces) a mailbox's IMAP settings; a changed host, user or folder starts the
/// cursor again.
pub fn set_imap(
    conn: &mut DbConnection,
    mailbox: MailboxId,
    settings: &ImapSettings,
) -> Result<(), StoreError> {
    let before = imap_of(conn, mailbox)?;
    let row = ImapRow {
        mailbox_id: mailbox.to_string(),
        host: settings.host.clone(),
        port: i32::from(settings.port),
        security: settings.security.as_str().to_owned(),
        username: settings.username.clone(),
        password: settings.password.clone(),
        folder: settings.folder.clone(),
        after_fetch: settings.after_fetch.as_str().to_owned(),
        move_to: settings.move_to.clone(),
    };
    match before {
        Some((old, _)) => {
            let same_folder = old.host == settings.host
                && old.username == settings.username
                && old.folder == settings.folder;
            diesel::update(mailbox_imap::table.find(mailbox.to_string()))
                .set(&row)
                .execute(conn)?;
            if !same_folder {
                diesel::update(mailbox_imap::table.find(mailbox.to_string()))
                    .set((
                        mailbox_imap::uid_validity.eq(None::<i64>),
                        mailbox_imap::last_uid.eq(0_i64),
                    ))
                    .execute(conn)?;
            }
        }
        None => {
            crate::with_backend!(conn, c => diesel::insert_into(mailbox_imap::table).values(&row).execute(c))?;
        }
    }
    Ok(())
}

/// Stops fetching a mailbox over IMAP.
pub fn remove_imap(conn: &mut DbConnection, mailbox: MailboxId) -> Result<(), StoreError> {
    diesel::delete(mailbox_imap::table.find(mailbox.to_string())).execute(conn)?;
    Ok(())
}

/// Records how far a folder has been read.
pub fn advance(
    conn: &mut DbConnection,
    mailbox: MailboxId,
    uid_validity: u32,
    last_uid: u32,
) -> Result<(), StoreError> {
    diesel::update(mailbox_imap::table.find(mailbox.to_string()))
        .set((
            mailbox_imap::uid_validity.eq(Some(i64::from(uid_validity))),
            mailbox_imap::last_uid.eq(i64::from(last_uid)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a check of the folder and its outcome.
pub fn record_check(
    conn: &mut DbConnection,
    mailbox: MailboxId,
    at: DateTime<Utc>,
    error: Option<&str>,
) -> Result<(), StoreError> {
    diesel::update(mailbox_imap::table.find(mailbox.to_string()))
        .set((
            mailbox_imap::checked_at.eq(Some(to_db(at))),
            mailbox_imap::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// The ids of active mailboxes fetched over IMAP.
pub fn fetched_over_imap(conn: &mut DbConnection) -> Result<Vec<MailboxId>, StoreError> {
    mailbox_imap::table
        .inner_join(mailboxes::table)
        .filter(mailboxes::active.eq(true))
        .select(mailbox_imap::mailbox_id)
        .load::<String>(conn)?
        .iter()
        .map(|id| parse(id))
        .collect()
}
