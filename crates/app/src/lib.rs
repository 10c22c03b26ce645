//! Kefu's use cases, shared by every role (the HTTP API, the chat gateway, the mail ingester,
//! the notification worker and the CLI).
//!
//! One module per use case. Each takes an actor and a parsed command, opens the transaction,
//! asks `kefu-domain` whether it is allowed, writes through `kefu-store`, records the
//! timeline event, and returns the result with what changed ([`Change`]) for the caller to
//! publish. Nothing here knows about HTTP or sockets.

pub mod accounts;
pub mod audit;
pub mod changes;
pub mod chat;
pub mod customers;
pub mod error;
pub mod escalations;
pub mod files;
pub mod integrations;
pub mod macros;
pub mod mail;
pub mod passwords;
pub mod reports;
pub mod routing;
pub mod search;
pub mod settings;
pub mod shutdown;
pub mod sla;
pub mod surveys;
pub mod teams;
pub mod telephony;
pub mod throttle;
pub mod tickets;
pub mod tokens;
pub mod triggers;
pub mod vendors;
pub mod view;
pub mod visits;
pub mod webhooks;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::Duration;
use kefu_domain::phone::PhoneRegion;
use kefu_store::Store;
use tokio::sync::broadcast;

use accounts::credential_cache::CredentialCache;
pub use changes::{Change, ChangeKind, Changed};
use chat::{ChatEvent, Outcome};
pub use error::AppError;
pub use passwords::Passwords;

/// How long sessions live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused this long ends.
    pub idle: Duration,
    /// A session ends this long after sign-in, however much it is used.
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::hours(8),
            absolute: Duration::days(7),
        }
    }
}

/// What every use case needs: the store and the settings that shape the rules.
#[derive(Clone)]
pub struct App {
    /// The database.
    pub store: Store,
    /// The region from the configuration, used until an admin stores one in the settings.
    pub default_phone_region: Option<PhoneRegion>,
    region: Arc<Mutex<Option<CachedRegion>>>,
    /// Password hashing with Kefu's argon2id parameters.
    pub passwords: Passwords,
    /// How long sessions live.
    pub sessions: SessionPolicy,
    /// Credentials proven in the last few seconds.
    pub credentials: Arc<CredentialCache>,
    changes: broadcast::Sender<Change>,
    chat: broadcast::Sender<Arc<ChatEvent>>,
    bus: Option<kefu_bus::Bus<Event>>,
    files: Option<files::FileStore>,
    mail: Arc<mail::MailSettings>,
    chat_index: Arc<chat::indexing::Pending>,
    /// Vendor users' vendors, recently read.
    pub(crate) memberships: Arc<vendors::memberships::Memberships>,
    /// The SLA policies and calendars, recently read.
    pub(crate) sla_book: Arc<sla::book::BookCache>,
}

/// What one node tells the others over the bus.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "event", rename_all = "snake_case")]
pub enum Event {
    /// Something changed in the database.
    Change(Change),
    /// A frame for chat sockets.
    Chat(Box<ChatEvent>),
}

/// The phone region as read from the settings, and when.
type CachedRegion = (Instant, Option<PhoneRegion>);

/// How long settings read from the database are trusted before they are read again.
pub const SETTINGS_TTL: std::time::Duration = std::time::Duration::from_secs(10);

/// How many unread changes a slow subscriber may fall behind before it misses some (it is then
/// told, and looks again in the database).
const CHANGE_BUFFER: usize = 1024;
/// How many chat frames a slow gateway may fall behind before it misses some (its clients
/// then get what they lack from the database when they resume).
const CHAT_BUFFER: usize = 16_384;

impl App {
    /// The use cases over `store`.
    pub fn new(
        store: Store,
        phone_region: Option<PhoneRegion>,
        sessions: SessionPolicy,
    ) -> Result<Self, AppError> {
        Ok(Self {
            store,
            default_phone_region: phone_region,
            region: Arc::new(Mutex::new(None)),
            passwords: Passwords::new()?,
            sessions,
            credentials: Arc::new(CredentialCache::default()),
            changes: broadcast::channel(CHANGE_BUFFER).0,
            chat: broadcast::channel(CHAT_BUFFER).0,
            bus: None,
            files: None,
            mail: Arc::default(),
            chat_index: Arc::default(),
            memberships: Arc::default(),
            sla_book: Arc::default(),
        })
    }

    /// Keeps files sent in chats in `store`.
    pub fn with_files(mut self, store: files::FileStore) -> Self {
        self.files = Some(store);
        self
    }

    /// Takes and sends mail as `config` says.
    pub fn with_mail(mut self, config: mail::MailConfig) -> Self {
        self.mail = Arc::new(mail::MailSettings::new(config, &self.mail.console_url));
        self
    }

    /// Links mail to the console at `url` (`https://help.shop.example`).
    pub fn with_console_url(mut self, url: &str) -> Self {
        self.mail = Arc::new(mail::MailSettings::new(self.mail.config.clone(), url));
        self
    }

    /// Where files are kept, or `Unavailable` on a node without a files directory.
    pub fn files(&self) -> Result<&files::FileStore, AppError> {
        self.files.as_ref().ok_or_else(|| {
            AppError::Unavailable(kefu_store::StoreError::Unavailable {
                context: "this node keeps no files; set [files] dir".into(),
                source: None,
            })
        })
    }

    /// The region national phone numbers are read and shown in: the admins' setting, else the
    /// configured default. Read at most every [`SETTINGS_TTL`] (a change on another node shows
    /// here within that time).
    pub async fn phone_region(&self) -> Result<Option<PhoneRegion>, AppError> {
        let cached = *self.region.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, region)) = cached
            && at.elapsed() < SETTINGS_TTL
        {
            return Ok(region);
        }
        let stored = self
            .store
            .read(|conn| kefu_store::settings::get(conn, kefu_store::settings::PHONE_REGION))
            .await?;
        let region = match stored.as_deref() {
            Some("") => None,
            Some(code) => Some(PhoneRegion::parse(code)?),
            None => self.default_phone_region,
        };
        *self.region.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), region));
        Ok(region)
    }

    /// Forgets the cached settings (after this node changed them).
    pub fn settings_changed(&self) {
        *self.region.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Connects this node to the others over Redis pub/sub at `url`: what this node announces
    /// reaches them, and what they announce reaches this node's subscribers.
    pub fn join_bus(&mut self, url: &str, channel: &str) -> Result<(), kefu_bus::BusError> {
        let (bus, mut incoming) = kefu_bus::Bus::redis(url, channel)?;
        let local = self.clone();
        tokio::spawn(async move {
            while let Some(event) = incoming.recv().await {
                match event {
                    Event::Change(change) => local.publish_here(&[change]),
                    Event::Chat(frame) => local.announce_here(*frame),
                }
            }
        });
        self.bus = Some(bus);
        Ok(())
    }

    /// Announces committed changes to every node's subscribers. A changed account's cached
    /// credentials are forgotten first.
    pub fn publish(&self, changes: &[Change]) {
        self.publish_here(changes);
        if let Some(bus) = &self.bus {
            for change in changes {
                bus.publish(Event::Change(*change));
            }
        }
    }

    /// Announces changes to this process's subscribers only.
    fn publish_here(&self, changes: &[Change]) {
        for change in changes {
            if let Change::User { id } = change {
                self.credentials.forget_user(*id);
            }
            // No subscriber is not an error: the database stays the source of truth.
            if self.changes.send(*change).is_err() {
                tracing::trace!(?change, "no subscriber for a change");
            }
        }
    }

    /// Hands back a use case's value after announcing what it changed.
    pub fn published<T>(&self, changed: Changed<T>) -> T {
        self.publish(&changed.changes);
        changed.value
    }

    /// Announces a committed chat outcome: its frames to the gateways, its changes to
    /// everyone; hands back its value.
    pub fn announce<T>(&self, outcome: Outcome<T>) -> T {
        self.publish(&outcome.changes);
        for event in outcome.events {
            if let Some(bus) = &self.bus {
                bus.publish(Event::Chat(Box::new(event.clone())));
            }
            self.announce_here(event);
        }
        outcome.value
    }

    /// Hands a chat frame to this process's gateway.
    fn announce_here(&self, event: ChatEvent) {
        if self.chat.send(Arc::new(event)).is_err() {
            tracing::trace!("no gateway for a chat frame");
        }
    }

    /// Receives every chat frame announced from now on.
    pub fn subscribe_chat(&self) -> broadcast::Receiver<Arc<ChatEvent>> {
        self.chat.subscribe()
    }

    /// Receives every change published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }
}
