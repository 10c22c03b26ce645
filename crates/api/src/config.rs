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
    /// How long a client may take to send a request body, in milliseconds (then 408).
    pub body_timeout_ms: u64,
    /// How long a client may take to send a file in a chat, in milliseconds (then 408).
    pub upload_timeout_ms: u64,
    /// How long a client may take to send a request's headers, in milliseconds.
    pub header_timeout_ms: u64,
    /// HTTP worker threads; the number of CPUs if absent.
    pub workers: Option<usize>,
    /// The region phone numbers without `+country` are read in (`CN`, `US`, …); without it
    /// numbers must start with `+`.
    pub phone_region: Option<String>,
    /// Addresses of reverse proxies in front of Kefu; behind them the client's address is read
    /// from `X-Forwarded-For` (for sign-in throttling and session records).
    pub trusted_proxies: Vec<String>,
    /// The address people reach Kefu at (`https://help.example.com`); links in emails use it,
    /// and an `https` address makes cookies `Secure` unless `session.secure_cookies` says
    /// otherwise. Without it, `http://` + `bind`.
    pub public_url: Option<String>,
    /// A secret that lets a Prometheus scraper read `/metrics` from another host
    /// (`Authorization: Bearer …`); loopback clients and admins need none.
    pub metrics_token: Option<String>,
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
    /// Mark cookies `Secure`; by default, when `public_url` is `https://…`.
    pub secure_cookies: Option<bool>,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            max_body_bytes: 1024 * 1024,
            body_timeout_ms: 10_000,
            upload_timeout_ms: 120_000,
            header_timeout_ms: 5_000,
            workers: None,
            phone_region: None,
            trusted_proxies: Vec::new(),
            public_url: None,
            metrics_token: None,
            session: SessionConfig::default(),
        }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_minutes: 8 * 60,
            absolute_hours: 7 * 24,
            secure_cookies: None,
        }
    }
}

impl ApiConfig {
    /// The address people reach Kefu at, without a trailing `/`.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind),
        }
    }

    /// Whether cookies carry `Secure`.
    pub fn secure_cookies(&self) -> bool {
        self.session
            .secure_cookies
            .unwrap_or_else(|| self.public_url().starts_with("https://"))
    }

    /// Whether `bind` listens beyond this machine.
    pub fn listens_beyond_loopback(&self) -> bool {
        let host = self
            .bind
            .rsplit_once(':')
            .map_or(self.bind.as_str(), |(host, _)| host);
        let host = host.trim_start_matches('[').trim_end_matches(']');
        !(host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_secure_behind_an_https_address_unless_told_otherwise() {
        let mut config = ApiConfig::default();
        assert!(!config.secure_cookies());
        config.public_url = Some("https://help.example.com/".into());
        assert!(config.secure_cookies());
        assert_eq!(config.public_url(), "https://help.example.com");
        config.session.secure_cookies = Some(false);
        assert!(!config.secure_cookies());
    }

    #[test]
    fn loopback_binds_are_told_apart_from_public_ones() {
        for (bind, beyond) in [
            ("127.0.0.1:8080", false),
            ("localhost:8080", false),
            ("[::1]:8080", false),
            ("0.0.0.0:8080", true),
            ("10.0.0.5:80", true),
        ] {
            let config = ApiConfig {
                bind: bind.into(),
                ..ApiConfig::default()
            };
            assert_eq!(config.listens_beyond_loopback(), beyond, "{bind}");
        }
    }
}
