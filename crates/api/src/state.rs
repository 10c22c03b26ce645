//! What every handler shares.

use kefu_domain::phone::PhoneRegion;
use kefu_store::Store;

use crate::auth::password::PasswordHasher;
use crate::config::ApiConfig;
use crate::metrics::Metrics;

/// The application state behind `web::Data`.
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The API's configuration.
    pub config: ApiConfig,
    /// The region for phone numbers without a country prefix.
    pub phone_region: Option<PhoneRegion>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Password hashing with Kefu's argon2id parameters.
    pub passwords: PasswordHasher,
    /// Prometheus metrics.
    pub metrics: Metrics,
}
