//! The live-chat protocol's frames: JSON objects with a `type`, sent over the chat gateway's
//! WebSocket by visitors' widgets and agents' consoles.
//!
//! Every frame a client sends is a [`ClientFrame`]; every frame the gateway sends is a
//! [`ServerFrame`]. A frame's fields are checked when it is read (unknown fields and types are
//! refused), so a typo is an error frame, never a silent no-op.

use chrono::{DateTime, Utc};
use kefu_domain::chat::Presence;
use kefu_domain::ids::{MessageId, TeamId, TicketId, UserId};
use kefu_domain::ticket::Stage;
use serde::{Deserialize, Serialize};

/// The protocol version this build speaks; a `hello` naming another is refused.
pub const PROTOCOL: u32 = 1;

/// A client's own id for a line it sends: the same id sent again is stored once.
pub type ClientMessageId = String;

/// A frame from a visitor's widget or an agent's console.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    /// The first frame on every socket: who is connecting, and the last sequence seen of
    /// each conversation being resumed.
    Hello {
        /// [`PROTOCOL`].
        protocol: u32,
        /// A visitor's session token, or an agent's single-use socket ticket.
        token: String,
        /// Conversations to resume, with the last sequence the client saw of each.
        #[serde(default)]
        resume: Vec<Resume>,
    },
    /// A visitor starts a chat from the pre-chat form (their current chat is returned if they
    /// have one going).
    Start {
        /// What it is about: `pre_sale`, `in_sale` or `after_sale`.
        stage: Stage,
        /// The visitor's name.
        name: String,
        /// Their email address, for replies after they leave.
        email: Option<String>,
        /// Their first line.
        text: Option<String>,
        /// The page they are on.
        page_url: Option<String>,
        /// Their browser's language.
        language: Option<String>,
    },
    /// A visitor leaves a message with the offline form; it becomes a ticket.
    LeaveMessage {
        /// What it is about.
        stage: Stage,
        /// The visitor's name.
        name: String,
        /// Their email address (required: the answer goes there).
        email: String,
        /// The message.
        text: String,
        /// The page they are on.
        page_url: Option<String>,
        /// Their browser's language.
        language: Option<String>,
    },
    /// A chat line.
    Send {
        /// The conversation's ticket (a visitor may leave it out: theirs is meant).
        ticket: Option<TicketId>,
        /// The client's own id for the line, kept when the line is sent again.
        client_id: ClientMessageId,
        /// The text, 1 to 5,000 characters.
        text: String,
    },
    /// Typing started or stopped.
    Typing {
        /// The conversation's ticket (a visitor may leave it out).
        ticket: Option<TicketId>,
        /// Whether typing now.
        typing: bool,
    },
    /// The page a chatting visitor is on now (after `welcome` on each page they open, and when
    /// it changes), so the agent sees where they are.
    Page {
        /// The page's address (`http` or `https`).
        url: String,
    },
    /// Everything up to a sequence has been read.
    Read {
        /// The conversation's ticket (a visitor may leave it out).
        ticket: Option<TicketId>,
        /// The last sequence read.
        up_to: u64,
    },
    /// An agent accepts a chat offered to them.
    Accept {
        /// The chat's ticket.
        ticket: TicketId,
    },
    /// An agent declines a chat offered to them.
    Decline {
        /// The chat's ticket.
        ticket: TicketId,
    },
    /// An agent takes a waiting chat from the queue.
    Take {
        /// The chat's ticket.
        ticket: TicketId,
    },
    /// The serving agent hands a chat to another agent or team.
    Transfer {
        /// The chat's ticket.
        ticket: TicketId,
        /// Where it goes.
        to: TransferTo,
        /// An internal note for whoever takes it over.
        note: Option<String>,
    },
    /// The visitor or the serving agent ends a chat.
    End {
        /// The chat's ticket (a visitor may leave it out).
        ticket: Option<TicketId>,
    },
    /// The visitor rates the chat that ended.
    Rate {
        /// 1 (poor) to 5 (excellent).
        score: u8,
        /// What they would like to add.
        comment: Option<String>,
        /// Whether it was what they expected: `worse`, `as_expected`, `better` (optional).
        #[serde(default)]
        expectation: Option<kefu_domain::survey::Expectation>,
    },
    /// An agent sets their presence.
    Presence {
        /// Online, away or offline.
        presence: Presence,
    },
    /// Keeps the socket alive; answered by `pong`.
    Ping {
        /// Echoed back.
        nonce: Option<u64>,
    },
}

/// A conversation a client resumes after reconnecting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resume {
    /// The conversation's ticket.
    pub ticket: TicketId,
    /// The last sequence the client saw (0 for none).
    pub after: u64,
}

/// Where a transfer sends a chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TransferTo {
    /// To an agent.
    Agent(UserId),
    /// To a team's queue.
    Team(TeamId),
}

/// Who wrote a line or did something.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Author {
    /// The visitor, an agent, or the system.
    pub kind: AuthorKind,
    /// The name shown: the visitor's, or the agent's display name.
    pub name: String,
}

/// What kind of participant an author is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorKind {
    /// The customer chatting from the website.
    Visitor,
    /// A support agent.
    Agent,
    /// Kefu itself (greetings, transfers, the end of the chat).
    System,
}

/// Something that happened in a conversation, numbered among its lines so every client shows
/// it where it happened, after a reload too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum ChatNote {
    /// An agent took the chat.
    Joined {
        /// Their display name.
        agent: String,
    },
    /// The chat was passed on to a team's queue or one of its agents (which one is for
    /// agents only: they see it on the ticket).
    Transferred,
    /// The agent serving the chat left (disconnected or away past the grace period); it waits
    /// for someone else.
    Requeued {
        /// Their display name.
        agent: String,
    },
    /// The chat ended.
    Ended {
        /// Who ended it: the visitor, an agent, or Kefu (the visitor left before anyone
        /// answered).
        by: AuthorKind,
        /// The display name of the agent who ended it (absent on notes written before Kefu
        /// kept it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<String>,
    },
}

/// Who passed a chat on, and their note for the agent taking it over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handover {
    /// The display name of the agent who passed it on.
    pub from: String,
    /// Their note, if they wrote one.
    pub note: Option<String>,
}

/// A chat in a team's queue, as agents see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueuedChat {
    /// The chat's ticket.
    pub ticket: TicketId,
    /// Its human number.
    pub number: i64,
    /// The visitor's name.
    pub visitor: String,
    /// What the chat is about.
    pub stage: Stage,
    /// The team whose queue it is in.
    pub team: TeamId,
    /// Its place in that queue (1 is next).
    pub position: u32,
    /// When it started waiting.
    pub waiting_since: DateTime<Utc>,
    /// The agent it is offered to, if any.
    pub offered_to: Option<UserId>,
    /// The page the visitor started the chat on.
    pub page_url: Option<String>,
    /// The visitor's browser language.
    pub language: Option<String>,
    /// The visitor's browser and system ("Chrome 131 · Android"), when it said.
    #[serde(default)]
    pub browser: Option<String>,
    /// The customer record the chat is for (their earlier tickets are theirs).
    pub customer: kefu_domain::ids::CustomerId,
    /// Who passed it on and their note, when it was transferred.
    #[serde(default)]
    pub handover: Option<Handover>,
}

/// A frame from the gateway.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ServerFrame {
    /// The answer to `hello`: the connection is open; missed lines follow as `message`s.
    Welcome {
        /// [`PROTOCOL`].
        protocol: u32,
        /// Seconds between pings the client should send.
        ping_seconds: u32,
    },
    /// For visitors, after `welcome`: the stages someone can chat about now (the others get
    /// the offline form).
    Availability {
        /// Open stages.
        open_stages: Vec<Stage>,
    },
    /// The visitor's chat started (or the one they have going): lines follow on it.
    Started {
        /// The chat's ticket.
        ticket: TicketId,
        /// Its human number.
        number: i64,
    },
    /// The offline form's message is a ticket now.
    MessageLeft {
        /// The ticket.
        ticket: TicketId,
        /// Its human number.
        number: i64,
    },
    /// For agents: a ticket was created or changed, or got a message (the console looks
    /// again).
    TicketChanged {
        /// The ticket.
        ticket: TicketId,
        /// `created`, `updated`, `message_posted` or `call_logged`.
        change: String,
    },
    /// A line the client sent is committed: it will not be lost.
    Ack {
        /// The client's id for it.
        client_id: ClientMessageId,
        /// The conversation's ticket.
        ticket: TicketId,
        /// Its sequence in the conversation.
        seq: u64,
        /// The message it became on the ticket.
        message: MessageId,
    },
    /// A line in a conversation, the client's own included.
    Message {
        /// The conversation's ticket.
        ticket: TicketId,
        /// Its sequence in the conversation.
        seq: u64,
        /// The message on the ticket.
        message: MessageId,
        /// Who wrote it.
        author: Author,
        /// The text (a file's name, for a file).
        text: String,
        /// Files on the line.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        files: Vec<crate::files::ChatFile>,
        /// What happened, on a line Kefu wrote (author `system`): clients show it in their
        /// reader's language rather than `text`, which says it in English and Chinese.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<ChatNote>,
        /// When it was committed.
        at: DateTime<Utc>,
    },
    /// The visitor moved to another page of the website.
    VisitorPage {
        /// The conversation's ticket.
        ticket: TicketId,
        /// The page's address.
        page_url: String,
    },
    /// Someone started or stopped typing.
    Typing {
        /// The conversation's ticket.
        ticket: TicketId,
        /// Who.
        author: Author,
        /// Whether typing now.
        typing: bool,
    },
    /// The other side has read up to a sequence.
    Read {
        /// The conversation's ticket.
        ticket: TicketId,
        /// The last sequence they read.
        up_to: u64,
    },
    /// A visitor's place in the queue changed.
    QueuePosition {
        /// The conversation's ticket.
        ticket: TicketId,
        /// 1 is next.
        position: u32,
        /// The expected wait, from the team's recent waits; none before the team has answered
        /// a chat.
        expected_wait_seconds: Option<u64>,
    },
    /// An agent is offered a chat, to accept or decline.
    Offered {
        /// The chat.
        chat: QueuedChat,
    },
    /// For agents, after `welcome`: a chat they serve, with the visitor's details and any
    /// handover, before its lines (`position` is 0).
    Serving {
        /// The chat.
        chat: QueuedChat,
    },
    /// An agent now serves the conversation.
    Assigned {
        /// The conversation's ticket.
        ticket: TicketId,
        /// The agent's display name.
        agent: String,
    },
    /// The conversation moved to another agent or team.
    Transferred {
        /// The conversation's ticket.
        ticket: TicketId,
        /// The team it is now with.
        team: TeamId,
        /// The note for the agent taking it over (sent to agents only).
        note: Option<String>,
    },
    /// The conversation ended.
    Ended {
        /// The conversation's ticket.
        ticket: TicketId,
        /// Who ended it.
        by: AuthorKind,
        /// Whether the rating form also asks if it was what the visitor expected.
        #[serde(default)]
        ask_expectation: bool,
        /// Whether the visitor has rated it already (a chat is rated once).
        #[serde(default)]
        rated: bool,
    },
    /// The visitor's rating was saved.
    Rated {
        /// The conversation's ticket.
        ticket: TicketId,
    },
    /// An agent's presence changed (sent to their colleagues).
    Presence {
        /// The agent.
        agent: UserId,
        /// Their presence now.
        presence: Presence,
    },
    /// The waiting chats of the agent's teams, sent once after `welcome`.
    QueueSnapshot {
        /// Oldest first.
        chats: Vec<QueuedChat>,
    },
    /// A chat joined a queue or changed in it.
    QueueUpdate {
        /// The chat as it is now.
        chat: QueuedChat,
    },
    /// The agent's own presence as they chose it: after `welcome`, and whenever they choose
    /// one (in any of their tabs).
    OwnPresence {
        /// Online, away or offline.
        presence: Presence,
    },
    /// A chat left the queues (taken, accepted or ended).
    QueueRemoved {
        /// The chat's ticket.
        ticket: TicketId,
    },
    /// A call rings, is answered or ends at the agent's extension (or in their team, when
    /// the provider names no extension): the caller and their ticket, to open at once.
    ScreenPop {
        /// The call.
        call: CallPop,
    },
    /// A frame was refused; the socket stays open unless the gateway closes it after.
    Error {
        /// A stable code, as in the HTTP API's problems.
        code: String,
        /// What went wrong, for people.
        message: String,
        /// The line it concerns, if any.
        client_id: Option<ClientMessageId>,
    },
    /// The answer to `ping`.
    Pong {
        /// The ping's nonce.
        nonce: Option<u64>,
    },
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn client_frames_are_read_by_their_type() {
        let ticket = TicketId::new();
        let frame: ClientFrame = serde_json::from_value(json!({
            "type": "send", "ticket": ticket, "client_id": "c-1", "text": "你好"
        }))
        .unwrap();
        assert_eq!(
            frame,
            ClientFrame::Send {
                ticket: Some(ticket),
                client_id: "c-1".into(),
                text: "你好".into()
            }
        );
        let hello: ClientFrame =
            serde_json::from_value(json!({"type": "hello", "protocol": 1, "token": "t"})).unwrap();
        assert!(matches!(hello, ClientFrame::Hello { resume, .. } if resume.is_empty()));
        let transfer: ClientFrame = serde_json::from_value(json!({
            "type": "transfer", "ticket": ticket, "to": {"team": TeamId::new()}, "note": null
        }))
        .unwrap();
        assert!(matches!(
            transfer,
            ClientFrame::Transfer {
                to: TransferTo::Team(_),
                ..
            }
        ));
    }

    #[test]
    fn unknown_types_and_fields_are_refused() {
        for bad in [
            json!({"type": "shout", "text": "hi"}),
            json!({"type": "ping", "nonce": 1, "extra": true}),
            json!({"type": "presence", "presence": "busy"}),
            json!({"text": "no type"}),
            json!(["ping"]),
        ] {
            assert!(
                serde_json::from_value::<ClientFrame>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn server_frames_carry_their_type() {
        let frame = ServerFrame::QueuePosition {
            ticket: TicketId::new(),
            position: 2,
            expected_wait_seconds: Some(60),
        };
        let value = serde_json::to_value(&frame).unwrap();
        assert_eq!(value["type"], "queue_position");
        assert_eq!(serde_json::from_value::<ServerFrame>(value).unwrap(), frame);
    }
}

/// The call a screen pop is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallPop {
    /// The call (its call log's id once it ends).
    pub id: kefu_domain::ids::CallId,
    /// `ringing`, `answered`, `ended` or `missed`.
    pub state: String,
    /// `inbound` or `outbound`.
    pub direction: kefu_domain::call::CallDirection,
    /// The customer's number, in E.164.
    pub number: String,
    /// The customer.
    pub customer_id: kefu_domain::ids::CustomerId,
    /// Their name.
    pub customer_name: String,
    /// The ticket the call is on.
    pub ticket_id: TicketId,
    /// Its number.
    pub ticket_number: i64,
    /// Its subject.
    pub subject: String,
    /// Whether the call opened it.
    pub new_ticket: bool,
}
