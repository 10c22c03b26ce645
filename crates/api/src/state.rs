//! What every handler shares.

use kefu_app::App;

use crate::config::ApiConfig;
use crate::metrics::Metrics;

/// The application state behind `web::Data`.
pub struct AppState {
    /// The use cases, over the database.
    pub app: App,
    /// The API's configuration.
    pub config: ApiConfig,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// The chat gateway's WebSocket address, as browsers reach it.
    pub chat_socket_url: String,
}
