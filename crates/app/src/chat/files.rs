//! Files in chats: a visitor sends a photo of the broken product, an agent sends a manual.
//! Each file is its own chat line, numbered and stored once like any other; its bytes are
//! kept in the file store and fetched through links that carry the file's own key.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use kefu_api_types::files::ChatFile;
use kefu_domain::DomainError;
use kefu_domain::file::{self, FileType};
use kefu_domain::ids::{FileId, MessageId, TicketId};
use kefu_domain::message::Message;
use kefu_domain::throttle::Policy;
use kefu_domain::ticket::Status;
use kefu_store::chat::conversations;
use kefu_store::chat::files::{self as stored_files, StoredFile};
use kefu_store::tickets;

use crate::App;
use crate::chat::identity::Participant;
use crate::chat::lines::{FileIn, LineIn, Posted, may_write, post_lines};
use crate::chat::outcome::Outcome;
use crate::chat::start::current;
use crate::error::AppError;
use crate::throttle::{self, Buckets};
use crate::tokens;

/// How many files are kept (hashed, written, thumbnailed) at once on this node.
static KEEPING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The key in a message's `data` that lists its files.
const FILES: &str = "files";

/// A file someone sends as a chat line.
pub struct FileLine {
    /// Who sends it.
    pub from: Participant,
    /// Which conversation (a visitor's current one if not given).
    pub ticket: Option<TicketId>,
    /// The sender's own id for the line: sent again, it is stored once.
    pub client_id: String,
    /// The name the browser gave it.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The files on a message, as clients show them.
pub fn of_message(message: &Message) -> Vec<ChatFile> {
    message
        .data
        .as_ref()
        .and_then(|data| data.get(FILES))
        .and_then(|files| serde_json::from_value(files.clone()).ok())
        .unwrap_or_default()
}

/// A message's `data` for these files (none without files).
pub(crate) fn data_of(files: &[FileIn]) -> Option<serde_json::Value> {
    if files.is_empty() {
        return None;
    }
    let shown: Vec<&ChatFile> = files.iter().map(|f| &f.shown).collect();
    Some(serde_json::json!({ FILES: shown }))
}

/// The row recording a file on its message.
pub(crate) fn stored(
    file: &FileIn,
    ticket: TicketId,
    message: MessageId,
    now: DateTime<Utc>,
) -> StoredFile {
    StoredFile {
        id: file.shown.id,
        ticket,
        message,
        sha256: file.sha256.clone(),
        size: file.shown.size,
        content_type: file.shown.content_type.clone(),
        name: file.shown.name.clone(),
        width: file.shown.width,
        height: file.shown.height,
        thumbnail: file.thumbnail,
        access_key: file.access_key.clone(),
        created_at: now,
        content_id: None,
        inline: false,
    }
}

/// The link a file is downloaded from, relative to the API's address.
pub fn url_of(id: FileId, key: &str) -> String {
    format!("/api/v1/files/{id}?key={key}")
}

/// The link of a picture's thumbnail.
pub fn thumbnail_url_of(id: FileId, key: &str) -> String {
    format!("/api/v1/files/{id}/thumbnail?key={key}")
}

/// Sends a file as a chat line: checks that the sender may write in the conversation, keeps
/// the bytes (typed by their content, size-capped, thumbnailed), then writes the line.
/// Sent again with the same client id, it is answered with the line stored the first time.
pub async fn send_file(app: &App, line: FileLine) -> Result<Outcome<(Posted, ChatFile)>, AppError> {
    let checked = LineIn::parse(
        line.from.clone(),
        line.ticket,
        line.client_id.clone(),
        "file",
    )?;
    let ticket = writable(app, &line.from, line.ticket).await?;
    let sender = match &line.from {
        Participant::Visitor(v) => format!("chat-files:visitor:{}", v.id),
        Participant::Agent(a) => format!("chat-files:user:{}", a.actor.user),
    };
    throttle::take(app, &Buckets::single(sender, Policy::CHAT_FILES)).await?;
    let store = app.files()?.clone();
    let bytes = line.bytes;
    // A few files at a time are hashed, written and thumbnailed: memory stays bounded however
    // many arrive at once.
    let _turn = KEEPING
        .acquire()
        .await
        .map_err(|e| AppError::Internal(Box::new(e)))?;
    let kept = tokio::task::spawn_blocking(move || store.keep(&bytes))
        .await
        .map_err(|e| AppError::Internal(Box::new(e)))??;
    let id = FileId::new();
    let access_key = tokens::generate();
    let shown = ChatFile {
        id,
        name: file::clean_name(&line.name, kept.kind),
        content_type: kept.kind.mime().to_owned(),
        size: kept.size,
        width: kept.dimensions.map(|d| d.0),
        height: kept.dimensions.map(|d| d.1),
        url: url_of(id, &access_key),
        thumbnail_url: kept.thumbnail.then(|| thumbnail_url_of(id, &access_key)),
    };
    let text = shown.name.clone();
    let batch = vec![LineIn {
        ticket: Some(ticket),
        text,
        files: vec![FileIn {
            shown: shown.clone(),
            sha256: kept.sha256,
            thumbnail: kept.thumbnail,
            access_key,
        }],
        ..checked
    }];
    let outcome = post_lines(app, batch).await?;
    let posted = outcome
        .value
        .into_iter()
        .next()
        .unwrap_or(Err(AppError::NotFound("chat")))?;
    let file = if posted.duplicate {
        first_file_of(app, posted.message).await?.ok_or_else(|| {
            AppError::conflict(
                "client_id_taken",
                "this client_id was used for a line without a file; send the file with a new one",
            )
        })?
    } else {
        shown
    };
    Ok(Outcome::new(
        (posted, file),
        outcome.events,
        outcome.changes,
    ))
}

/// The conversation `from` may write in now, or why not.
async fn writable(
    app: &App,
    from: &Participant,
    ticket: Option<TicketId>,
) -> Result<TicketId, AppError> {
    let from = from.clone();
    app.store
        .read(move |conn| {
            let ticket = match (ticket, &from) {
                (Some(t), _) => Some(t),
                (None, Participant::Visitor(v)) => current(conn, v.id)?,
                (None, Participant::Agent(_)) => None,
            }
            .ok_or(AppError::NotFound("chat"))?;
            let chat = conversations::find(conn, ticket)?.ok_or(AppError::NotFound("chat"))?;
            may_write(&from, &chat)?;
            if tickets::find(conn, ticket)?.status == Status::Closed {
                return Err(DomainError::TicketClosed.into());
            }
            Ok(ticket)
        })
        .await
}

async fn first_file_of(app: &App, message: MessageId) -> Result<Option<ChatFile>, AppError> {
    let found = app
        .store
        .read(move |conn| stored_files::of_message(conn, message))
        .await?;
    Ok(found.into_iter().next().map(|f| shown(&f)))
}

/// How clients show a stored file.
fn shown(file: &StoredFile) -> ChatFile {
    ChatFile {
        id: file.id,
        name: file.name.clone(),
        content_type: file.content_type.clone(),
        size: file.size,
        width: file.width,
        height: file.height,
        url: url_of(file.id, &file.access_key),
        thumbnail_url: file
            .thumbnail
            .then(|| thumbnail_url_of(file.id, &file.access_key)),
    }
}

/// A file or thumbnail to send back.
#[derive(Clone, Debug)]
pub struct Download {
    /// Where its bytes are.
    pub path: PathBuf,
    /// Its media type.
    pub content_type: String,
    /// The name it is saved under.
    pub name: String,
    /// Whether browsers may show it in place (pictures) rather than save it.
    pub inline: bool,
    /// A tag that changes when the bytes do.
    pub etag: String,
}

/// The file `id` (or its thumbnail) for whoever holds its key; anyone else is told there is
/// no such file.
pub async fn download(
    app: &App,
    id: FileId,
    key: &str,
    thumbnail: bool,
) -> Result<Download, AppError> {
    let store = app.files()?.clone();
    let found = app
        .store
        .read(move |conn| stored_files::find(conn, id))
        .await?;
    let file = match found {
        Some(f) if tokens::equal(&f.access_key, key) => f,
        _ => return Err(AppError::NotFound("file")),
    };
    let kind = FileType::from_mime(&file.content_type);
    if thumbnail {
        if !file.thumbnail {
            return Err(AppError::NotFound("thumbnail"));
        }
        let path = store.thumbnail_path(&file.sha256);
        let head = read_head(&path).await?;
        return Ok(Download {
            content_type: crate::files::thumbnails::mime_of(&head).to_owned(),
            path,
            name: format!("thumbnail-{}", file.name),
            inline: true,
            etag: format!("\"t-{}\"", file.sha256),
        });
    }
    Ok(Download {
        path: store.path_of(&file.sha256),
        content_type: file.content_type,
        name: file.name,
        inline: kind.is_some_and(FileType::is_image),
        etag: format!("\"{}\"", file.sha256),
    })
}

/// The first bytes of a kept file (enough to tell a thumbnail's format).
async fn read_head(path: &std::path::Path) -> Result<Vec<u8>, AppError> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut head = Vec::with_capacity(8);
        std::fs::File::open(&path)
            .and_then(|f| f.take(8).read_to_end(&mut head))
            .map_err(|e| {
                tracing::warn!(path = %path.display(), error = %e, "a kept file is missing");
                AppError::NotFound("file")
            })?;
        Ok(head)
    })
    .await
    .map_err(|e| AppError::Internal(Box::new(e)))?
}
