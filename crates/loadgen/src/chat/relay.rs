//! The baseline: a bare tokio-tungstenite relay with the same crate versions and socket
//! settings as the gateway, and none of its work (no accounts, no database). A socket says
//! `visitor:<room>` or `agent:<room>,<room>,…` first; then every visitor frame is acknowledged
//! to its sender and forwarded to the room's agent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

type Rooms = Arc<Mutex<HashMap<String, mpsc::Sender<Message>>>>;

/// Serves the relay on `listener` until the process ends.
pub async fn serve(listener: TcpListener) -> anyhow::Result<()> {
    let rooms: Rooms = Arc::default();
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(Some(16 * 1024));
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        let rooms = rooms.clone();
        tokio::spawn(async move {
            let Ok(ws) = tokio_tungstenite::accept_async_with_config(stream, Some(config)).await
            else {
                return;
            };
            let (mut sink, mut stream) = ws.split();
            let (tx, mut rx) = mpsc::channel::<Message>(512);
            tokio::spawn(async move {
                while let Some(message) = rx.recv().await {
                    if sink.send(message).await.is_err() {
                        return;
                    }
                }
            });
            let Some(Ok(Message::Text(first))) = stream.next().await else {
                return;
            };
            let mut my_room = None;
            if let Some(list) = first.as_str().strip_prefix("agent:") {
                let mut rooms = rooms.lock().unwrap_or_else(|e| e.into_inner());
                for room in list.split(',') {
                    rooms.insert(room.to_owned(), tx.clone());
                }
            } else if let Some(room) = first.as_str().strip_prefix("visitor:") {
                my_room = Some(room.to_owned());
            }
            let ack = Message::text(r#"{"type":"ack"}"#);
            while let Some(Ok(message)) = stream.next().await {
                let Message::Text(_) = &message else { continue };
                let Some(room) = &my_room else { continue };
                let agent = rooms
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(room)
                    .cloned();
                if let Some(agent) = agent {
                    let _ = agent.send(message).await;
                }
                if tx.send(ack.clone()).await.is_err() {
                    return;
                }
            }
        });
    }
}
