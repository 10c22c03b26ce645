//! Accepting sockets: the handshake (origin and size limits, small buffers), the per-address
//! limit, the background work (delivery, routing, presence), and a graceful stop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kefu_app::App;
use kefu_app::chat::{abandoned, availability, presence, routing};
use kefu_domain::time;
use kefu_domain::widget::SiteOrigin;
use kefu_store::Backend;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::committer::Committer;
use crate::connection::{self, Socket};
use crate::hub::{Hub, Outbound};
use crate::{Gateway, GatewayConfig, dispatch};

/// How often the router looks for lapsed offers, abandoned chats and chats to offer.
const ROUTER_INTERVAL: Duration = Duration::from_secs(1);
/// How often a node looks whether its visitors can chat about other stages now.
const AVAILABILITY_INTERVAL: Duration = Duration::from_secs(1);
/// How long a stop waits for sockets to close and commits to finish.
const STOP_GRACE: Duration = Duration::from_secs(10);
/// The longest `User-Agent` kept for a visitor's chat, in characters.
const USER_AGENT_MAX: usize = 300;
/// A handshake that takes longer than this is dropped.
const HANDSHAKE_DEADLINE: Duration = Duration::from_secs(10);

/// Socket settings sized for many idle connections: 1 KiB read buffers (a chat frame is a
/// few hundred bytes; tungstenite's default 128 KiB would cost that much per socket; a
/// larger frame is read in several pieces), frames written when flushed or once 4 KiB wait
/// (so frames queued together leave in one write), and the frame limit.
fn socket_config(config: &GatewayConfig) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(1024)
        .write_buffer_size(4096)
        .max_write_buffer_size(1024 * 1024)
        .max_message_size(Some(config.max_frame_bytes))
        .max_frame_size(Some(config.max_frame_bytes))
}

fn refuse(status: StatusCode, why: &str) -> ErrorResponse {
    let mut response = ErrorResponse::new(Some(why.to_owned()));
    *response.status_mut() = status;
    response
}

/// Serves sockets on `listener` until `shutdown` resolves; then stops accepting, closes every
/// socket with "going away" (clients reconnect, to another node if there is one) and finishes
/// the commits in flight.
pub async fn serve(
    app: App,
    config: GatewayConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let console_origins = config
        .console_origins
        .iter()
        .filter_map(|o| SiteOrigin::parse(o).ok())
        .collect();
    let workers = config.committers.unwrap_or(match app.store.backend() {
        Backend::Sqlite => 1,
        Backend::Postgres => 2,
    });
    let (committer, writers) = Committer::start(app.clone(), workers);
    let hub = Arc::new(Hub::default());
    let gateway = Arc::new(Gateway {
        app: app.clone(),
        config: config.clone(),
        hub: hub.clone(),
        committer,
        console_origins,
    });
    let background = [
        tokio::spawn(dispatch::chat_frames(app.clone(), hub.clone())),
        tokio::spawn(dispatch::ticket_changes(app.clone(), hub.clone())),
        tokio::spawn(route_forever(app.clone())),
        tokio::spawn(renew_forever(app.clone(), hub.clone())),
        tokio::spawn(watch_availability(app.clone(), hub.clone())),
    ];
    let socket_config = socket_config(&config);
    let mut sockets = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(pair) => pair,
                    Err(error) => {
                        // Out of file descriptors or similar: wait rather than spin.
                        tracing::warn!(%error, "accepting a chat socket failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                if !hub.admit(peer.ip(), config.connections_per_ip) {
                    tracing::debug!(%peer, "too many chat sockets from one address");
                    drop(stream);
                    continue;
                }
                let gateway = gateway.clone();
                let fut = async move {
                    // Boxed: the handshake and greeting are freed once the socket is served.
                    if let Some(greeted) = Box::pin(accept(gateway, stream, peer, socket_config)).await {
                        connection::live(greeted).await;
                    }
                };
                sockets.spawn(fut);
            }
            Some(_) = sockets.join_next(), if !sockets.is_empty() => {}
        }
    }
    drop(listener);
    tracing::info!(sockets = hub.len(), "the chat gateway is stopping");
    for (_, tx) in hub.all() {
        let _ = tx.try_send(Outbound::Close(CloseFrame {
            code: CloseCode::Away,
            reason: "going away".into(),
        }));
    }
    let _ = tokio::time::timeout(STOP_GRACE, async {
        while sockets.join_next().await.is_some() {}
    })
    .await;
    sockets.abort_all();
    for task in background {
        task.abort();
    }
    drop(gateway);
    for writer in writers {
        let _ = tokio::time::timeout(STOP_GRACE, writer).await;
    }
    tracing::info!("the chat gateway stopped");
    Ok(())
}

/// The handshake and the greeting; the socket, once it may be served.
#[expect(
    clippy::result_large_err,
    reason = "tungstenite's handshake callback answers with its own (large) error response"
)]
async fn accept(
    gateway: Arc<Gateway>,
    stream: TcpStream,
    peer: SocketAddr,
    config: WebSocketConfig,
) -> Option<Box<connection::Greeted<TcpStream>>> {
    let _ = stream.set_nodelay(true);
    let origin = Arc::new(Mutex::new(None::<String>));
    let seen = origin.clone();
    let user_agent = Arc::new(Mutex::new(None::<String>));
    let agent_seen = user_agent.clone();
    let callback = move |request: &Request, response: Response| {
        let Some(value) = request
            .headers()
            .get("origin")
            .and_then(|v| v.to_str().ok())
        else {
            return Err(refuse(
                StatusCode::FORBIDDEN,
                "an Origin header is required",
            ));
        };
        if SiteOrigin::parse(value).is_err() {
            return Err(refuse(StatusCode::FORBIDDEN, "the Origin is not a website"));
        }
        *seen.lock().unwrap_or_else(|e| e.into_inner()) = Some(value.to_owned());
        *agent_seen.lock().unwrap_or_else(|e| e.into_inner()) = request
            .headers()
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(USER_AGENT_MAX).collect());
        Ok(response)
    };
    let handshake = tokio_tungstenite::accept_hdr_async_with_config(stream, callback, Some(config));
    // Boxed: the handshake's state is freed once it is done.
    let ws = match tokio::time::timeout(HANDSHAKE_DEADLINE, Box::pin(handshake)).await {
        Ok(Ok(ws)) => ws,
        Ok(Err(error)) => {
            tracing::debug!(%error, %peer, "a chat handshake failed");
            gateway.hub.release(peer.ip());
            return None;
        }
        Err(_) => {
            gateway.hub.release(peer.ip());
            return None;
        }
    };
    let origin = origin.lock().unwrap_or_else(|e| e.into_inner()).take();
    let user_agent = user_agent.lock().unwrap_or_else(|e| e.into_inner()).take();
    connection::greet(gateway, Socket::new(ws, origin, peer.ip(), user_agent)).await
}

/// The router, every second, on every node (its moves never collide).
async fn route_forever(app: App) {
    let mut ticks = tokio::time::interval(ROUTER_INTERVAL);
    loop {
        ticks.tick().await;
        match routing::sweep(&app).await {
            Ok(outcome) => {
                app.announce(outcome);
            }
            Err(error) => tracing::warn!(%error, "routing chats failed"),
        }
    }
}

/// Tells this node's visitors, within a second, when what they can chat about changes. Every
/// node looks for itself and tells only its own sockets, so nothing crosses the bus.
async fn watch_availability(app: App, hub: Arc<Hub>) {
    let mut ticks = tokio::time::interval(AVAILABILITY_INTERVAL);
    let mut watch = availability::Watch::default();
    loop {
        ticks.tick().await;
        match watch.look(&app).await {
            Ok(events) => {
                for event in events {
                    dispatch::deliver(&hub, Arc::new(event));
                }
            }
            Err(error) => tracing::warn!(%error, "watching the widgets' availability failed"),
        }
    }
}

/// Keeps this node's agents connected, and its visitors' waiting chats waiting, while their
/// sockets are open.
async fn renew_forever(app: App, hub: Arc<Hub>) {
    let mut ticks = tokio::time::interval(presence::RENEW_EVERY);
    loop {
        ticks.tick().await;
        if let Err(error) = presence::renew(&app, hub.agents(), time::now()).await {
            tracing::warn!(%error, "renewing agents' connections failed");
        }
        if let Err(error) = abandoned::renew(&app, hub.visitor_chats(), time::now()).await {
            tracing::warn!(%error, "renewing visitors' waiting chats failed");
        }
    }
}
