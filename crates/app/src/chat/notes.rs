//! Notes in a conversation: an agent joined, the chat was passed on, its agent left, it ended.
//! Kefu writes each as a numbered line of the conversation, so both sides see it where it
//! happened (after a reload too) and the ticket's timeline keeps it.

use chrono::{DateTime, Utc};
use kefu_api_types::chat::{AuthorKind, ChatNote};
use kefu_domain::ids::{MessageId, TicketId, UserId};
use kefu_domain::message::{AuthorKind as MessageAuthor, Message, MessageKind, Visibility};
use kefu_domain::ticket::Channel;
use kefu_store::{DbConnection, messages};

use crate::chat::events::ChatEvent;
use crate::error::AppError;

/// The key under which a note is kept in its message's data.
const DATA_KEY: &str = "chat_note";

/// Writes `note` as the next line of the conversation on `ticket` (whose ticket the caller
/// has locked) and returns its frame for the visitor and `agent`.
pub(crate) fn record(
    conn: &mut DbConnection,
    ticket: TicketId,
    agent: Option<UserId>,
    note: ChatNote,
    now: DateTime<Utc>,
) -> Result<Vec<ChatEvent>, AppError> {
    let message = message_of(ticket, note, now);
    messages::insert(conn, &message)?;
    let seq = crate::chat::lines::number(conn, &message)?;
    let frame = crate::chat::lines::message_frame(ticket, seq, &message, AuthorKind::System, "");
    Ok(ChatEvent::both_sides(ticket, agent, frame))
}

/// The message that keeps `note` on the ticket: a public event by Kefu.
fn message_of(ticket: TicketId, note: ChatNote, now: DateTime<Utc>) -> Message {
    Message {
        id: MessageId::new(),
        ticket,
        kind: MessageKind::Event,
        visibility: Visibility::Public,
        author_kind: MessageAuthor::System,
        author_user: None,
        author_customer: None,
        channel: Channel::Chat,
        body: said(&note),
        data: Some(serde_json::json!({ DATA_KEY: note })),
        created_at: now,
    }
}

/// The note a message of Kefu's carries, if it is one.
pub(crate) fn of(message: &Message) -> Option<ChatNote> {
    if message.author_kind != MessageAuthor::System {
        return None;
    }
    let data = message.data.as_ref()?.get(DATA_KEY)?;
    serde_json::from_value(data.clone()).ok()
}

/// The note in English and Chinese ("English / 中文", as the timeline shows events), for
/// readers without the frame's structured note: the ticket's timeline, exports, the API.
fn said(note: &ChatNote) -> String {
    match note {
        ChatNote::Joined { agent } => format!("{agent} joined the chat. / {agent} 已加入对话。"),
        ChatNote::Transferred => {
            "The chat was passed on to a colleague. / 对话已转给其他同事。".into()
        }
        ChatNote::Requeued { agent } => format!(
            "{agent} left the chat; it waits for another agent. / {agent} 已离开对话，正在等待其他客服接待。"
        ),
        ChatNote::Ended {
            by: AuthorKind::Visitor,
            ..
        } => "The visitor ended the chat. / 访客结束了对话。".into(),
        ChatNote::Ended {
            by: AuthorKind::Agent,
            agent: Some(agent),
        } => format!("{agent} ended the chat. / {agent} 结束了对话。"),
        ChatNote::Ended {
            by: AuthorKind::Agent,
            agent: None,
        } => "The agent ended the chat. / 客服结束了对话。".into(),
        ChatNote::Ended {
            by: AuthorKind::System,
            ..
        } => "The visitor left before anyone answered; the chat was closed. / 访客在接待前离开，对话已关闭。"
            .into(),
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_said_in_both_languages_once_each() {
        for note in [
            ChatNote::Joined {
                agent: "Alice".into(),
            },
            ChatNote::Transferred,
            ChatNote::Requeued {
                agent: "Alice".into(),
            },
            ChatNote::Ended {
                by: AuthorKind::Visitor,
                agent: None,
            },
            ChatNote::Ended {
                by: AuthorKind::Agent,
                agent: Some("Alice".into()),
            },
            ChatNote::Ended {
                by: AuthorKind::Agent,
                agent: None,
            },
            ChatNote::Ended {
                by: AuthorKind::System,
                agent: None,
            },
        ] {
            let text = said(&note);
            let halves: Vec<&str> = text.split(" / ").collect();
            assert_eq!(halves.len(), 2, "{text}");
            assert!(halves[0].is_ascii(), "{text}");
            assert!(!halves[1].is_ascii(), "{text}");
        }
    }

    #[test]
    fn a_note_is_read_back_from_its_message_only_when_kefu_wrote_it() {
        let note = ChatNote::Joined {
            agent: "Li Na".into(),
        };
        let mut message = message_of(TicketId::new(), note.clone(), Utc::now());
        assert_eq!(of(&message).unwrap(), note);
        message.author_kind = MessageAuthor::Customer;
        assert_eq!(of(&message), None);
    }
}
