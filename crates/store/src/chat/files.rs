//! Files sent in chats: which message carries each, what it is, and the key its links hold.
//! The bytes themselves are kept outside the database, by their SHA-256.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{FileId, MessageId, TicketId};

use crate::convert::{from_db, parse, to_db};
use crate::schema::chat_files;
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
}

type Row = (
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    Option<i32>,
    Option<i32>,
    bool,
    String,
    chrono::NaiveDateTime,
);

fn pixels(value: Option<u32>) -> Option<i32> {
    value.and_then(|v| i32::try_from(v).ok())
}

fn read(row: Row) -> Result<StoredFile, StoreError> {
    Ok(StoredFile {
        id: parse(&row.0)?,
        ticket: parse(&row.1)?,
        message: parse(&row.2)?,
        sha256: row.3,
        size: u64::try_from(row.4)
            .map_err(|_| StoreError::Corrupt(format!("file size {}", row.4)))?,
        content_type: row.5,
        name: row.6,
        width: row.7.and_then(|v| u32::try_from(v).ok()),
        height: row.8.and_then(|v| u32::try_from(v).ok()),
        thumbnail: row.9,
        access_key: row.10,
        created_at: from_db(row.11),
    })
}

/// Stores files (their messages must be stored first).
pub fn insert_many(conn: &mut DbConnection, files: &[StoredFile]) -> Result<(), StoreError> {
    for chunk in files.chunks(crate::dialect::rows_per_statement(12)) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|f| {
                (
                    chat_files::id.eq(f.id.to_string()),
                    chat_files::ticket_id.eq(f.ticket.to_string()),
                    chat_files::message_id.eq(f.message.to_string()),
                    chat_files::sha256.eq(f.sha256.clone()),
                    chat_files::size.eq(i64::try_from(f.size).unwrap_or(i64::MAX)),
                    chat_files::content_type.eq(f.content_type.clone()),
                    chat_files::name.eq(f.name.clone()),
                    chat_files::width.eq(pixels(f.width)),
                    chat_files::height.eq(pixels(f.height)),
                    chat_files::thumbnail.eq(f.thumbnail),
                    chat_files::access_key.eq(f.access_key.clone()),
                    chat_files::created_at.eq(to_db(f.created_at)),
                )
            })
            .collect();
        crate::with_backend!(conn, c => diesel::insert_into(chat_files::table).values(rows).execute(c))?;
    }
    Ok(())
}

type Columns = (
    chat_files::id,
    chat_files::ticket_id,
    chat_files::message_id,
    chat_files::sha256,
    chat_files::size,
    chat_files::content_type,
    chat_files::name,
    chat_files::width,
    chat_files::height,
    chat_files::thumbnail,
    chat_files::access_key,
    chat_files::created_at,
);
const COLUMNS: Columns = (
    chat_files::id,
    chat_files::ticket_id,
    chat_files::message_id,
    chat_files::sha256,
    chat_files::size,
    chat_files::content_type,
    chat_files::name,
    chat_files::width,
    chat_files::height,
    chat_files::thumbnail,
    chat_files::access_key,
    chat_files::created_at,
);

/// The file with `id`, if there is one.
pub fn find(conn: &mut DbConnection, id: FileId) -> Result<Option<StoredFile>, StoreError> {
    let row: Option<Row> = chat_files::table
        .find(id.to_string())
        .select(COLUMNS)
        .first(conn)
        .optional()?;
    row.map(read).transpose()
}

/// The files a message carries, in the order they were stored.
pub fn of_message(
    conn: &mut DbConnection,
    message: MessageId,
) -> Result<Vec<StoredFile>, StoreError> {
    let rows: Vec<Row> = chat_files::table
        .filter(chat_files::message_id.eq(message.to_string()))
        .order(chat_files::created_at)
        .select(COLUMNS)
        .load(conn)?;
    rows.into_iter().map(read).collect()
}
