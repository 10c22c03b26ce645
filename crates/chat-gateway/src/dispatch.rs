//! Delivers what the use cases announce to this node's sockets: chat frames to their
//! audiences, and ticket changes to agents (and a catch-up to a chat's visitor when a line
//! was written elsewhere, such as the console's reply box).

use std::sync::Arc;

use kefu_api_types::chat::ServerFrame;
use kefu_app::chat::{Audience, ChatEvent};
use kefu_app::{App, Change, ChangeKind};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc::error::TrySendError;
use tokio_tungstenite::tungstenite::Utf8Bytes;

use crate::hub::{Hub, Outbound};

/// Sends `event` to every socket of its audience; a socket whose queue is full is cut.
pub fn deliver(hub: &Hub, event: Arc<ChatEvent>) {
    let json = match serde_json::to_string(&event.frame) {
        Ok(json) => Utf8Bytes::from(json),
        Err(error) => {
            tracing::error!(%error, "a chat frame could not be written as JSON");
            return;
        }
    };
    for (id, tx) in hub.senders(&event.audience) {
        match tx.try_send(Outbound::Event(event.clone(), json.clone())) {
            Ok(()) | Err(TrySendError::Closed(_)) => {}
            Err(TrySendError::Full(_)) => {
                tracing::debug!(conn = id, "a client fell behind; closing its socket");
                hub.cut(id);
            }
        }
    }
}

/// Closes every socket: its client reconnects and resumes from the database, so nothing
/// this node failed to deliver is lost.
fn reconnect_everyone(hub: &Hub) {
    for (id, _) in hub.all() {
        hub.cut(id);
    }
}

/// Delivers chat frames until the app is dropped.
pub async fn chat_frames(app: App, hub: Arc<Hub>) {
    let mut frames = app.subscribe_chat();
    loop {
        match frames.recv().await {
            Ok(event) => deliver(&hub, event),
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "the gateway fell behind its chat frames");
                reconnect_everyone(&hub);
            }
            Err(RecvError::Closed) => return,
        }
    }
}

/// Turns ticket changes into frames for agents, and lines written elsewhere into catch-ups
/// for the chat's sockets.
pub async fn ticket_changes(app: App, hub: Arc<Hub>) {
    let mut changes = app.subscribe();
    loop {
        let change = match changes.recv().await {
            Ok(change) => change,
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "the gateway fell behind the ticket changes");
                continue;
            }
            Err(RecvError::Closed) => return,
        };
        let Change::Ticket { id, kind } = change else {
            continue;
        };
        let name = match kind {
            ChangeKind::Created => "created",
            ChangeKind::Updated => "updated",
            ChangeKind::MessagePosted => "message_posted",
            ChangeKind::CallLogged => "call_logged",
        };
        deliver(
            &hub,
            Arc::new(ChatEvent::new(
                Audience::Agents,
                ServerFrame::TicketChanged {
                    ticket: id,
                    change: name.into(),
                },
            )),
        );
        if kind == ChangeKind::MessagePosted {
            for (_, tx) in hub.senders(&Audience::Visitor(id)) {
                let _ = tx.try_send(Outbound::CatchUp(id));
            }
        }
    }
}
