//! Files sent in chats, as clients show and fetch them.

use kefu_domain::ids::FileId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A file on a chat line: a photo of a broken product, an invoice, a log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChatFile {
    /// The file.
    #[schema(value_type = crate::schema::FileId)]
    pub id: FileId,
    /// The name it is shown and saved under.
    pub name: String,
    /// Its media type, read from its bytes (`image/jpeg`, `application/pdf`, …).
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// An image's width in pixels.
    pub width: Option<u32>,
    /// An image's height in pixels.
    pub height: Option<u32>,
    /// Where it is downloaded, relative to the API's address; the link carries the file's
    /// key, so it works from the widget's websites without a session.
    pub url: String,
    /// A preview at most 320 pixels on its longest side, for images.
    pub thumbnail_url: Option<String>,
}

/// `POST /api/v1/chat/files`: a file sent as a chat line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChatFileSent {
    /// The conversation's ticket.
    #[schema(value_type = crate::schema::TicketId)]
    pub ticket: kefu_domain::ids::TicketId,
    /// The line's sequence number in the conversation.
    pub seq: u64,
    /// Whether it had been stored before (the same `client_id` sent again).
    pub duplicate: bool,
    /// The file.
    pub file: ChatFile,
}
