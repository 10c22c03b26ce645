//! Kefu's chat gateway: the WebSocket server that visitors' widgets and agents' consoles chat
//! over (protocol version 1, `docs/chat-protocol.md`).
//!
//! It speaks to the rest of Kefu only through the use cases in `kefu-app`: lines are written
//! in group commits and acknowledged once committed; frames announced by any role reach this
//! node's sockets through the app's announcements (and, across nodes, the bus).

pub mod committer;
pub mod config;
pub mod connection;
pub mod dispatch;
pub mod hub;
pub mod limits;
pub mod server;

use std::sync::Arc;

pub use config::GatewayConfig;
pub use server::serve;

use committer::Committer;
use hub::Hub;
use kefu_app::App;
use kefu_domain::widget::SiteOrigin;

/// What every socket of this node shares.
pub struct Gateway {
    /// The use cases.
    pub app: App,
    /// The settings.
    pub config: GatewayConfig,
    /// This node's sockets.
    pub hub: Arc<Hub>,
    /// Where lines are written.
    pub committer: Committer,
    console_origins: Vec<SiteOrigin>,
}

impl Gateway {
    /// Whether an agent's socket may come from `origin`.
    pub fn console_allows(&self, origin: &str) -> bool {
        SiteOrigin::parse(origin).is_ok_and(|o| self.console_origins.contains(&o))
    }
}

impl GatewayConfig {
    /// How long a new socket has to send `hello`.
    pub fn hello_deadline(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.hello_seconds.max(1))
    }
}
