//! WebSocket clients for the benchmarks: from a chosen loopback source address, with an
//! `Origin`, speaking JSON text frames.

use std::net::{IpAddr, SocketAddr};

use anyhow::Context;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// A client socket.
pub type Ws = WebSocketStream<TcpStream>;
/// Its sending half.
pub type Sink = SplitSink<Ws, Message>;
/// Its receiving half.
pub type Stream = SplitStream<Ws>;

/// Opens a socket to `url` (`ws://host:port`) from `source` (any loopback address), sending
/// `origin`.
pub async fn open(url: &str, origin: &str, source: Option<IpAddr>) -> anyhow::Result<Ws> {
    let address: SocketAddr = url
        .trim_start_matches("ws://")
        .trim_end_matches('/')
        .parse()
        .with_context(|| format!("{url} is not ws://ip:port"))?;
    let socket = TcpSocket::new_v4()?;
    if let Some(ip) = source {
        socket.bind(SocketAddr::new(ip, 0))?;
    }
    let stream = socket.connect(address).await?;
    stream.set_nodelay(true)?;
    let mut request = url.into_client_request()?;
    request.headers_mut().insert("origin", origin.parse()?);
    // Small read buffers, as the gateway's: ten thousand clients in one process would hold
    // 1.3 GB with tungstenite's 128 KiB default, and the machine is shared with the server.
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let (ws, _) =
        tokio_tungstenite::client_async_with_config(request, stream, Some(config)).await?;
    Ok(ws)
}

/// Sends a JSON value as a text frame.
pub async fn send(sink: &mut Sink, value: &impl serde::Serialize) -> anyhow::Result<()> {
    sink.send(Message::text(serde_json::to_string(value)?))
        .await?;
    Ok(())
}

/// The next text frame as JSON; `None` when the socket closed.
pub async fn next(stream: &mut Stream) -> Option<serde_json::Value> {
    loop {
        match stream.next().await? {
            Ok(Message::Text(text)) => {
                if let Ok(value) = serde_json::from_str(text.as_str()) {
                    return Some(value);
                }
            }
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// The next text frame as it came, for readers that look at few of the frames they get;
/// `None` when the socket closed.
pub async fn next_text(stream: &mut Stream) -> Option<tokio_tungstenite::tungstenite::Utf8Bytes> {
    loop {
        match stream.next().await? {
            Ok(Message::Text(text)) => return Some(text),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// The `n`th source address of `count` (127.0.0.2, 127.0.0.3, …), or none for one.
pub fn source(n: usize, count: usize) -> Option<IpAddr> {
    (count > 1).then(|| IpAddr::from([127, 0, 0, 2 + (n % count) as u8]))
}
