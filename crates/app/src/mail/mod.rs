//! The email channel's use cases: taking in mail (whatever way it came), replying by mail
//! through the outbox, delivering what the outbox holds, mailboxes and the quarantine.

pub mod delivery;
pub mod fetching;
pub mod ingest;
pub mod mailboxes;
pub mod notices;
pub mod outgoing;
pub mod quarantine;
pub mod rethread;
pub mod smtp;
pub mod templates;
pub mod view;

use kefu_api_types::mail::EmailParty;
use kefu_mail::reply_address::ReplyAddresses;
use kefu_store::settings;
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

use crate::App;
use crate::error::AppError;

/// The largest mail taken by default: 25 MiB, what most providers accept.
pub const DEFAULT_MAX_BYTES: u64 = 25 * 1024 * 1024;

/// The setting that holds the secret reply addresses are signed with (made on first use,
/// shared by every node).
const REPLY_SECRET: &str = "mail_reply_secret";

/// The email channel's configuration (`[mail]`).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    /// The domain of Kefu's Message-IDs (`<id>@<domain>`): a domain of the business's, so
    /// Kefu knows its own mail when it comes back.
    pub domain: String,
    /// The address mail comes from while no mailbox is configured.
    pub default_address: String,
    /// The largest mail taken, in bytes; bigger mail is quarantined and the sender told.
    pub max_bytes: u64,
    /// The secret MTAs send with raw mail over HTTP (`POST /api/v1/inbound/email`); unset,
    /// that endpoint is off.
    pub inbound_secret: Option<String>,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            domain: "kefu.localhost".into(),
            default_address: "support@kefu.localhost".into(),
            max_bytes: DEFAULT_MAX_BYTES,
            inbound_secret: None,
        }
    }
}

/// The mail configuration with the secrets read from the database.
#[derive(Debug)]
pub struct MailSettings {
    /// The configuration.
    pub config: MailConfig,
    /// The console's public address, for links in mail (`https://help.shop.example`).
    pub console_url: String,
    reply_addresses: OnceCell<ReplyAddresses>,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self::new(MailConfig::default(), DEFAULT_CONSOLE_URL)
    }
}

/// The console's address in mail when none is configured.
pub const DEFAULT_CONSOLE_URL: &str = "http://127.0.0.1:8080";

impl MailSettings {
    /// Settings from `config`, linking to the console at `console_url`.
    pub fn new(config: MailConfig, console_url: &str) -> Self {
        Self {
            config,
            console_url: console_url.trim_end_matches('/').to_owned(),
            reply_addresses: OnceCell::new(),
        }
    }
}

impl App {
    /// The email channel's settings.
    pub fn mail(&self) -> &MailSettings {
        &self.mail
    }

    /// The signer of reply addresses, with the installation's secret (made and stored the
    /// first time any node needs it).
    pub async fn reply_addresses(&self) -> Result<ReplyAddresses, AppError> {
        self.mail
            .reply_addresses
            .get_or_try_init(|| async {
                let secret = self
                    .store
                    .write(|conn| {
                        let made = crate::tokens::generate();
                        let now = kefu_domain::time::now();
                        Ok::<_, AppError>(settings::get_or_insert(conn, REPLY_SECRET, &made, now)?)
                    })
                    .await?;
                Ok(ReplyAddresses::new(secret.as_bytes()))
            })
            .await
            .cloned()
    }
}

/// The To and Cc of a mail, as stored with it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Recipients {
    /// Its recipients.
    pub to: Vec<EmailParty>,
    /// Its copied recipients.
    pub cc: Vec<EmailParty>,
}

impl Recipients {
    /// The stored form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Reads the stored form (nothing, if it cannot be read).
    pub fn from_json(stored: &str) -> Self {
        serde_json::from_str(stored).unwrap_or_default()
    }
}
