//! Where mail goes (`[smtp]`, `[notify]`).

use std::path::PathBuf;

use serde::Deserialize;

/// How the SMTP connection is secured.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// Plain, upgraded with STARTTLS (port 587); refused if the server cannot.
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine.
    None,
}

/// The SMTP server mail is handed to (`[smtp]`).
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// Its host name.
    pub host: String,
    /// Its port (587 for STARTTLS, 465 for TLS, 25 if not given and unencrypted).
    #[serde(default)]
    pub port: Option<u16>,
    /// STARTTLS (default), TLS or none.
    #[serde(default)]
    pub security: SmtpSecurity,
    /// The login, if the server asks for one.
    #[serde(default)]
    pub username: Option<String>,
    /// Its password.
    #[serde(default)]
    pub password: Option<String>,
    /// Seconds before a command is given up.
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// Connections kept open to it.
    #[serde(default = "default_pool")]
    pub pool_size: u32,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

fn default_timeout() -> u64 {
    30
}

fn default_pool() -> u32 {
    4
}

/// The outbox worker (`[notify]`).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct NotifyConfig {
    /// Where mail is written as `.eml` files when no SMTP server is configured: by default
    /// beside the SQLite database (`kefu.sqlite3.mail-out`), or `./data/mail-out`.
    pub eml_dir: Option<PathBuf>,
    /// Mails claimed at once.
    pub batch: i64,
    /// Mails in hand at the same time (they wait for one of `[smtp] pool_size` connections):
    /// the worker claims this many at once, and records them in one write.
    pub concurrency: usize,
    /// Seconds a claimed mail is left to its worker: if the worker dies before sending it,
    /// another sends it (with the same Message-ID) once this has passed.
    pub lease_seconds: u32,
    /// The most mails handed to the SMTP server per second (none: as fast as it takes them).
    /// Relays often set a rate (Amazon SES, Exchange Online); under it, a burst of mail
    /// also leaves the database and the processor to the agents.
    pub max_per_second: Option<u32>,
    /// Seconds before a failed webhook call is tried again; the wait doubles with each
    /// failure, up to an hour, over eight attempts.
    pub webhook_retry_seconds: u32,
    /// Webhook calls in flight at the same time.
    pub webhook_concurrency: usize,
    /// Seconds between sweeps for escalation reminders due.
    pub reminder_interval_seconds: u64,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            eml_dir: None,
            batch: 50,
            concurrency: 32,
            lease_seconds: 120,
            max_per_second: None,
            webhook_retry_seconds: 30,
            webhook_concurrency: 4,
            reminder_interval_seconds: 30,
        }
    }
}
