//! The gateway's settings: where it listens, whom it lets in, and its limits.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How the gateway runs (`[gateway]` in the configuration file, `KEFU_GATEWAY__*`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GatewayConfig {
    /// The address it listens on.
    pub bind: String,
    /// The WebSocket address clients are told to use (as the browser reaches it); by default
    /// `ws://` and the address the gateway listens on.
    pub public_url: Option<String>,
    /// The origins agents' consoles are served from; widgets' origins are each widget's own.
    pub console_origins: Vec<String>,
    /// The largest frame a client may send, in bytes.
    pub max_frame_bytes: usize,
    /// The most sockets one client address may hold.
    pub connections_per_ip: usize,
    /// How long a new socket has to send `hello`, in seconds.
    pub hello_seconds: u64,
    /// The most lines and typing frames one socket may send per 10 seconds.
    pub frames_per_10s: u32,
    /// How many frames may wait for a slow client before it is disconnected (it resumes).
    pub send_queue: usize,
    /// Seconds between the pings clients are asked to send.
    pub ping_seconds: u32,
    /// Refused frames a socket may send before it is closed.
    pub max_strikes: u32,
    /// Group commits written at once; by default one on SQLite (it has one writer) and two
    /// on PostgreSQL. More commit sooner, fewer commit more lines each.
    pub committers: Option<usize>,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8081".into(),
            public_url: None,
            console_origins: vec![
                "http://localhost:8080".into(),
                "http://127.0.0.1:8080".into(),
            ],
            max_frame_bytes: 16 * 1024,
            connections_per_ip: 200,
            hello_seconds: 10,
            frames_per_10s: 50,
            send_queue: 512,
            ping_seconds: 25,
            max_strikes: 10,
            committers: None,
        }
    }
}

impl GatewayConfig {
    /// How long a socket may stay silent before it is taken for dead (two missed pings).
    pub fn silence_limit(&self) -> Duration {
        Duration::from_secs(u64::from(self.ping_seconds.max(1)) * 2 + 10)
    }
}
