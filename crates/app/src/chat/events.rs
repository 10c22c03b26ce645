//! What the chat use cases announce: frames for the sockets of one audience. Every gateway
//! node delivers each event to its own sockets in that audience; the database stays the
//! source of truth, so a node that missed events sends what a client lacks when it resumes.

use kefu_api_types::chat::ServerFrame;
use kefu_domain::ids::{TeamId, TicketId, UserId, WidgetId};
use serde::{Deserialize, Serialize};

/// Whose sockets a frame goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "to", content = "id", rename_all = "snake_case")]
pub enum Audience {
    /// The visitor of a conversation, on every socket of theirs.
    Visitor(TicketId),
    /// One agent, on every socket of theirs.
    Agent(UserId),
    /// The agents of one team.
    Team(TeamId),
    /// Every connected agent.
    Agents,
    /// The visitors on one widget (for what they can chat about now).
    Widget(WidgetId),
}

/// A frame for an audience.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatEvent {
    /// Who receives it.
    pub audience: Audience,
    /// What they receive.
    pub frame: ServerFrame,
}

impl ChatEvent {
    /// `frame` for `audience`.
    pub fn new(audience: Audience, frame: ServerFrame) -> Self {
        Self { audience, frame }
    }

    /// `frame` for both sides of a conversation: its visitor and, if it has one, its agent.
    pub fn both_sides(ticket: TicketId, agent: Option<UserId>, frame: ServerFrame) -> Vec<Self> {
        let mut events = Vec::with_capacity(2);
        if let Some(agent) = agent {
            events.push(Self::new(Audience::Agent(agent), frame.clone()));
        }
        events.push(Self::new(Audience::Visitor(ticket), frame));
        events
    }
}
