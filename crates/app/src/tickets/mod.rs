//! Tickets: opening them on any channel, changing them, their timeline, calls and the queue.

pub mod bulk;
pub mod create;
pub(crate) mod history;
pub mod list;
pub mod log_call;
pub mod mark_seen;
pub mod post_message;
pub mod reference;
pub mod show;
mod snippets;
pub mod timeline;
pub(crate) mod triage;
pub mod update;
pub mod views;

pub use reference::TicketRef;
