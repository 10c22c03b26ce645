//! Kefu's bus: carries "something changed" events between the nodes that share one database.
//!
//! Within a process, roles hear each other through the app's own channels; this crate carries
//! the same events to the other nodes over Redis pub/sub (`KEFU_REDIS_URL`). Events are hints,
//! never the record: the database stays the source of truth, and a node that missed events
//! (Redis restarting, a slow subscriber) lets its clients catch up from the database.
//!
//! Every event goes out wrapped with the sending node's id, so a node ignores its own events
//! when Redis echoes them back.

use std::marker::PhantomData;
use std::time::Duration;

use futures_util::StreamExt;
use redis::AsyncCommands;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use tokio::sync::mpsc;

/// The Redis channel Kefu publishes on by default.
pub const DEFAULT_CHANNEL: &str = "kefu:events";
/// How many events may wait to be published before new ones are dropped (and logged).
const OUTBOX: usize = 65_536;
/// The longest pause between attempts to reach Redis again.
const MAX_PAUSE: Duration = Duration::from_secs(5);

/// Why the bus could not start.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The Redis URL cannot be read.
    #[error("the Redis URL is invalid: {0}")]
    InvalidUrl(#[source] redis::RedisError),
}

/// An event on the wire: who sent it, and what it is.
#[derive(Deserialize)]
struct Envelope<E> {
    node: String,
    event: E,
}

/// An event as this node sends it.
#[derive(Serialize)]
struct Outgoing<'a, E> {
    node: &'a str,
    event: E,
}

/// The sending half: hands events to the publisher task.
#[derive(Clone, Debug)]
pub struct Bus<E> {
    out: mpsc::Sender<E>,
    node: String,
    _events: PhantomData<fn(E)>,
}

impl<E> Bus<E>
where
    E: Serialize + DeserializeOwned + Send + 'static,
{
    /// Connects to Redis at `url` on `channel`: events given to [`Bus::publish`] reach every
    /// other node, and other nodes' events arrive on the returned receiver. Both tasks keep
    /// reconnecting while Redis is away.
    pub fn redis(url: &str, channel: &str) -> Result<(Self, mpsc::Receiver<E>), BusError> {
        let client = redis::Client::open(url).map_err(BusError::InvalidUrl)?;
        let node = format!("{:016x}", rand::random::<u64>());
        let (out, outbox) = mpsc::channel(OUTBOX);
        let (inbox, incoming) = mpsc::channel(OUTBOX);
        tokio::spawn(publish_forever(
            client.clone(),
            channel.to_owned(),
            node.clone(),
            outbox,
        ));
        tokio::spawn(subscribe_forever(
            client,
            channel.to_owned(),
            node.clone(),
            inbox,
        ));
        Ok((
            Self {
                out,
                node,
                _events: PhantomData,
            },
            incoming,
        ))
    }

    /// Sends `event` to the other nodes; never waits (a full outbox drops it, and says so).
    pub fn publish(&self, event: E) {
        if let Err(error) = self.out.try_send(event) {
            tracing::warn!(%error, "the bus's outbox is full or closed; an event was not sent");
        }
    }

    /// This node's id on the bus.
    pub fn node(&self) -> &str {
        &self.node
    }
}

async fn pause(attempt: &mut u32) {
    let millis = 100u64.saturating_mul(1 << (*attempt).min(6));
    *attempt = attempt.saturating_add(1);
    tokio::time::sleep(Duration::from_millis(millis).min(MAX_PAUSE)).await;
}

async fn publish_forever<E: Serialize>(
    client: redis::Client,
    channel: String,
    node: String,
    mut outbox: mpsc::Receiver<E>,
) {
    let mut attempt = 0;
    'connect: loop {
        let mut connection = match client.get_multiplexed_async_connection().await {
            Ok(c) => c,
            Err(error) => {
                tracing::warn!(%error, "cannot reach Redis to publish; retrying");
                pause(&mut attempt).await;
                continue;
            }
        };
        attempt = 0;
        while let Some(event) = outbox.recv().await {
            let envelope = Outgoing {
                node: node.as_str(),
                event,
            };
            let Ok(text) = serde_json::to_string(&envelope) else {
                tracing::error!("an event could not be written as JSON");
                continue;
            };
            let sent: redis::RedisResult<i64> = connection.publish(&channel, text).await;
            if let Err(error) = sent {
                tracing::warn!(%error, "publishing to Redis failed; reconnecting");
                continue 'connect;
            }
        }
        return;
    }
}

async fn subscribe_forever<E: DeserializeOwned>(
    client: redis::Client,
    channel: String,
    node: String,
    inbox: mpsc::Sender<E>,
) {
    let mut attempt = 0;
    loop {
        let mut pubsub = match client.get_async_pubsub().await {
            Ok(p) => p,
            Err(error) => {
                tracing::warn!(%error, "cannot reach Redis to subscribe; retrying");
                pause(&mut attempt).await;
                continue;
            }
        };
        if let Err(error) = pubsub.subscribe(&channel).await {
            tracing::warn!(%error, "subscribing on Redis failed; retrying");
            pause(&mut attempt).await;
            continue;
        }
        attempt = 0;
        let mut messages = pubsub.into_on_message();
        while let Some(message) = messages.next().await {
            let envelope: Envelope<E> = match serde_json::from_slice(message.get_payload_bytes()) {
                Ok(e) => e,
                Err(error) => {
                    tracing::warn!(%error, "an unreadable event on the bus was ignored");
                    continue;
                }
            };
            if envelope.node == node {
                continue;
            }
            if inbox.send(envelope.event).await.is_err() {
                return;
            }
        }
        tracing::warn!("the Redis subscription ended; subscribing again");
        pause(&mut attempt).await;
    }
}
