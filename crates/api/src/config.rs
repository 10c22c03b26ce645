//! The API role's configuration.

use serde::Deserialize;

/// How the HTTP API listens and treats sessions.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct ApiConfig {
    /// Address to listen on.
    pub bind: String,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// HTTP worker threads; the number of CPUs if absent.
    pub workers: Option<usize>,
    /// The region phone numbers without `+country` are read in (`CN`, `US`, …); without it
    /// numbers must start with `+`.
    pub phone_region: Option<String>,
    /// Addresses of reverse proxies in front of Kefu; behind them the client's address is read
    /// from `X-Forwarded-For` (for sign-in throttling and session records).
    pub trusted_proxies: Vec<String>,
    /// Sessions and cookies.
    pub session: SessionConfig,
}

/// Session lifetimes and cookie settings.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    /// A session unused for this long ends.
    pub idle_minutes: i64,
    /// A session ends this long after sign-in, however much it is used.
    pub absolute_hours: i64,
    /// Mark cookies `Secure` (set this when Kefu is served over HTTPS).
    pub secure_cookies: bool,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            max_body_bytes: 1024 * 1024,
            workers: None,
            phone_region: None,
            trusted_proxies: Vec::new(),
            session: SessionConfig::default(),
        }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_minutes: 8 * 60,
            absolute_hours: 7 * 24,
            secure_cookies: false,
        }
    }
}
