//! Delivers what the use cases announce to this node's sockets: chat frames to their
//! audiences, and ticket changes to agents (and a catch-up to a chat's visitor when a line
//! was written elsewhere, such as the console's reply box).

use std::collections::HashSet;
use std::sync::Arc;

use kefu_api_types::chat::ServerFrame;
use kefu_app::chat::{Audience, ChatEvent};
use kefu_app::{App, Change, ChangeKind};
use kefu_domain::ids::TicketId;
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

/// How long ticket changes are gathered before agents are told: a busy chat changes its
/// ticket with every line, and agents' pages need to hear of it a few times a second, not
/// hundreds.
const COALESCE: std::time::Duration = std::time::Duration::from_millis(250);

/// Turns ticket changes into frames for agents (each changed ticket once per
/// [`COALESCE`]), and lines written elsewhere into catch-ups for the chat's sockets.
pub async fn ticket_changes(app: App, hub: Arc<Hub>) {
    let mut changes = app.subscribe();
    let mut pending: Vec<(TicketId, &'static str)> = Vec::new();
    let mut gathered: HashSet<(TicketId, &'static str)> = HashSet::new();
    let mut tick = tokio::time::interval(COALESCE);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let change = tokio::select! {
            received = changes.recv() => match received {
                Ok(change) => change,
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "the gateway fell behind the ticket changes");
                    continue;
                }
                Err(RecvError::Closed) => return,
            },
            _ = tick.tick() => {
                gathered.clear();
                for (ticket, name) in pending.drain(..) {
                    deliver(
                        &hub,
                        Arc::new(ChatEvent::new(
                            Audience::Agents,
                            ServerFrame::TicketChanged {
                                ticket,
                                change: name.into(),
                            },
                        )),
                    );
                }
                continue;
            }
        };
        let Change::Ticket { id, kind } = change else {
            continue;
        };
        let name = match kind {
            ChangeKind::Created => "created",
            ChangeKind::Updated => "updated",
            ChangeKind::MessagePosted | ChangeKind::ChatLine => "message_posted",
            ChangeKind::CallLogged => "call_logged",
            ChangeKind::Escalation => "escalation",
            ChangeKind::Sla => "sla",
        };
        if gathered.insert((id, name)) {
            pending.push((id, name));
        }
        // A line written outside the gateway (the console's reply box) has no frames of its
        // own: the chat's visitor reads it from the database.
        if kind == ChangeKind::MessagePosted {
            for (_, tx) in hub.senders(&Audience::Visitor(id)) {
                let _ = tx.try_send(Outbound::CatchUp(id));
            }
        }
    }
}
