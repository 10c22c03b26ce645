//! A chat use case's result, with the frames it sends and the changes it committed.

use crate::changes::Change;
use crate::chat::events::ChatEvent;

/// What a chat use case returns: its value, the frames for the sockets, the changes for the
/// rest of Kefu. Hand it to [`crate::App::announce`] once it is committed.
#[derive(Debug)]
#[must_use = "announce the outcome with `App::announce`"]
pub struct Outcome<T> {
    /// What the use case returns.
    pub value: T,
    /// Frames for the gateway's sockets, in order.
    pub events: Vec<ChatEvent>,
    /// What changed, for the rest of Kefu.
    pub changes: Vec<Change>,
}

impl<T> Outcome<T> {
    /// A value with its frames and changes.
    pub fn new(value: T, events: Vec<ChatEvent>, changes: Vec<Change>) -> Self {
        Self {
            value,
            events,
            changes,
        }
    }

    /// A value that sends nothing and changes nothing.
    pub fn quiet(value: T) -> Self {
        Self::new(value, Vec::new(), Vec::new())
    }
}
