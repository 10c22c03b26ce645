//! Files on messages (sent in chats, attached to mail): which message carries each, what it
//! is, and the key its links hold.
//! The bytes themselves are kept outside the database, by their SHA-256.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{FileId, MessageId, TicketId};

use crate::convert::{from_db, parse, to_db};
use crate::schema::message_files;
use crate::{DbConnection, StoreError};

/// A file as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    /// The file.
    pub id: FileId,
    /// The ticket it was sent on.
    pub ticket: TicketId,
    /// The message that carries it.
    pub message: MessageId,
    /// The SHA-256 of its bytes, hex: where the bytes are kept.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its media type, read from its bytes.
    pub content_type: String,
    /// The name it is shown and saved under.
    pub name: String,
    /// An image's width in pixels.
    pub width: Option<u32>,
    /// An image's height in pixels.
    pub height: Option<u32>,
    /// Whether a thumbnail was made.
    pub thumbnail: bool,
    /// The secret its links carry.
    pub access_key: String,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// The `Content-ID` an HTML mail body refers to it by.
    pub content_id: Option<String>,
    /// Whether it is shown within the body (an inline image of an HTML mail).
    pub inline: bool,
}

/// A `message_files` row as stored.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = message_files)]
struct FileRow {
    id: String,
    ticket_id: String,
    message_id: String,
    sha256: String,
    size: i64,
    content_type: String,
    name: String,
    width: Option<i32>,
    height: Option<i32>,
    thumbnail: bool,
    access_key: String,
    created_at: chrono::NaiveDateTime,
    content_id: Option<String>,
    inline: bool,
}

fn pixels(value: Option<u32>) -> Option<i32> {
    value.and_then(|v| i32::try_from(v).ok())
}

impl From<&StoredFile> for FileRow {
    fn from(f: &StoredFile) -> Self {
        FileRow {
            id: f.id.to_string(),
            ticket_id: f.ticket.to_string(),
            message_id: f.message.to_string(),
            sha256: f.sha256.clone(),
            size: i64::try_from(f.size).unwrap_or(i64::MAX),
            content_type: f.content_type.clone(),
            name: f.name.clone(),
            width: pixels(f.width),
            height: pixels(f.height),
            thumbnail: f.thumbnail,
            access_key: f.access_key.clone(),
            created_at: to_db(f.created_at),
            content_id: f.content_id.clone(),
            inline: f.inline,
        }
    }
}

impl TryFrom<FileRow> for StoredFile {
    type Error = StoreError;

    fn try_from(row: FileRow) -> Result<Self, StoreError> {
        Ok(StoredFile {
            id: parse(&row.id)?,
            ticket: parse(&row.ticket_id)?,
            message: parse(&row.message_id)?,
            sha256: row.sha256,
            size: u64::try_from(row.size)
                .map_err(|_| StoreError::Corrupt(format!("file size {}", row.size)))?,
            content_type: row.content_type,
            name: row.name,
            width: row.width.and_then(|v| u32::try_from(v).ok()),
            height: row.height.and_then(|v| u32::try_from(v).ok()),
            thumbnail: row.thumbnail,
            access_key: row.access_key,
            created_at: from_db(row.created_at),
            content_id: row.content_id,
            inline: row.inline,
        })
    }
}

/// Stores files (their messages must be stored first).
pub fn insert_many(conn: &mut DbConnection, files: &[StoredFile]) -> Result<(), StoreError> {
    for chunk in files.chunks(crate::dialect::rows_per_statement(14)) {
        let rows: Vec<FileRow> = chunk.iter().map(FileRow::from).collect();
        crate::with_backend!(conn, c => diesel::insert_into(message_files::table).values(&rows).execute(c))?;
    }
    Ok(())
}

/// The file with `id`, if there is one.
pub fn find(conn: &mut DbConnection, id: FileId) -> Result<Option<StoredFile>, StoreError> {
    message_files::table
        .find(id.to_string())
        .select(FileRow::as_select())
        .first(conn)
        .optional()?
        .map(StoredFile::try_from)
        .transpose()
}

/// The files a message carries, in the order they were stored.
pub fn of_message(
    conn: &mut DbConnection,
    message: MessageId,
) -> Result<Vec<StoredFile>, StoreError> {
    message_files::table
        .filter(message_files::message_id.eq(message.to_string()))
        .order(message_files::created_at)
        .select(FileRow::as_select())
        .load(conn)?
        .into_iter()
        .map(StoredFile::try_from)
        .collect()
}
