//! Kefu's configuration: an optional TOML file, then `KEFU_*` environment variables.
//!
//! Each role defines its own section; this module only composes them. Variables name a
//! section and a key separated by the first `_`, with `__` for deeper levels:
//! `KEFU_DATABASE_URL` sets `[database] url`, `KEFU_API_SESSION__IDLE_MINUTES` sets
//! `[api.session] idle_minutes`.

use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Toml};
use figment::{Figment, value::Uncased};
use kefu_api::ApiConfig;
use kefu_chat_gateway::GatewayConfig;
use kefu_store::StoreConfig;
use serde::Deserialize;

/// Everything Kefu can be configured with.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The database (`[database]`).
    pub database: StoreConfig,
    /// The HTTP API (`[api]`).
    pub api: ApiConfig,
    /// The chat gateway (`[gateway]`).
    pub gateway: GatewayConfig,
    /// Files sent in chats and attached to mail (`[files]`).
    pub files: kefu_app::files::FilesConfig,
    /// The email channel (`[mail]`).
    pub mail: kefu_app::mail::MailConfig,
    /// The SMTP server mail is handed to (`[smtp]`); without one, mail is written as `.eml`
    /// files (`[notify] eml_dir`).
    pub smtp: Option<kefu_notify::SmtpConfig>,
    /// The outbox worker (`[notify]`).
    pub notify: kefu_notify::NotifyConfig,
    /// The bus between nodes (`[redis]`).
    pub redis: RedisConfig,
    /// Logging (`[log]`).
    pub log: LogConfig,
}

/// The bus between nodes: Redis pub/sub, when several nodes share one database.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct RedisConfig {
    /// `redis://host:6379/0`; none runs one node on its own (events stay in the process).
    pub url: Option<String>,
    /// The pub/sub channel Kefu's nodes share.
    pub channel: String,
}

impl Default for RedisConfig {
    fn default() -> Self {
        Self {
            url: None,
            channel: kefu_bus::DEFAULT_CHANNEL.into(),
        }
    }
}

/// Logging.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// A `tracing` filter such as `info` or `kefu_api=debug,info`; `RUST_LOG` wins if set.
    pub filter: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            filter: "info".into(),
        }
    }
}

/// The environment variable naming the configuration file.
pub const CONFIG_VARIABLE: &str = "KEFU_CONFIG";

/// Maps `DATABASE_URL` to `database.url` and `API_SESSION__IDLE_MINUTES` to
/// `api.session.idle_minutes`.
fn key_of(variable: &str) -> String {
    let lower = variable.to_ascii_lowercase();
    match lower.split_once('_') {
        Some((section, rest)) => format!("{section}.{}", rest.replace("__", ".")),
        None => lower,
    }
}

impl Config {
    /// Reads the file (if given, or named by `KEFU_CONFIG`), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, Box<figment::Error>> {
        let file: Option<PathBuf> = file
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os(CONFIG_VARIABLE).map(PathBuf::from));
        let mut figment = Figment::new();
        if let Some(path) = file {
            figment = figment.merge(Toml::file_exact(path));
        }
        figment
            .merge(
                Env::prefixed("KEFU_")
                    .ignore(&[
                        "CONFIG",
                        "TEST_POSTGRES_URL",
                        "TEST_SKIP_POSTGRES",
                        "TEST_SKIP_CONSOLE",
                        "TEST_REDIS_URL",
                    ])
                    .map(|k| Uncased::from(key_of(k.as_str()))),
            )
            .extract()
            .map_err(Box::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_configuration_reads() {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kefu.example.toml");
        let config = Config::load(Some(&example));
        assert!(config.is_ok(), "kefu.example.toml: {config:?}");
    }

    #[test]
    fn variables_map_to_sections_and_keys() {
        assert_eq!(key_of("DATABASE_URL"), "database.url");
        assert_eq!(key_of("DATABASE_POOL_SIZE"), "database.pool_size");
        assert_eq!(
            key_of("API_SESSION__IDLE_MINUTES"),
            "api.session.idle_minutes"
        );
        assert_eq!(key_of("LOG_FILTER"), "log.filter");
    }
}
