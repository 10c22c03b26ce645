//! Kefu's IMAP client: signs in to a mailbox (TLS, STARTTLS, or plain for a server on the
//! same machine), opens its folder, reads only what is new by UID, marks or moves what was
//! taken, and waits for new mail with IDLE where the server has it. A poll that finds nothing
//! costs one SELECT: its UIDNEXT says there is nothing to fetch.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use async_imap::extensions::idle::IdleResponse;
use async_imap::{Client, Session};
use futures_util::TryStreamExt;
use kefu_domain::mail::{AfterFetch, ImapSecurity, ImapSettings};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

/// How long connecting, signing in or one command may take.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// Why talking to the server failed.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    /// The server could not be reached.
    #[error("cannot reach {host}:{port}: {reason}")]
    Connect {
        /// Its host.
        host: String,
        /// Its port.
        port: u16,
        /// Why.
        reason: String,
    },
    /// TLS could not be set up.
    #[error("TLS with {0} failed: {1}")]
    Tls(String, String),
    /// The server refused the user name or password.
    #[error("the server refused the sign-in: {0}")]
    Login(String),
    /// The folder does not exist or cannot be opened.
    #[error("cannot open the folder {0}: {1}")]
    Folder(String, String),
    /// The server did not answer in time.
    #[error("the server did not answer within {} seconds", COMMAND_TIMEOUT.as_secs())]
    Timeout,
    /// Any other failure of the conversation.
    #[error("IMAP: {0}")]
    Protocol(String),
}

impl From<async_imap::error::Error> for ImapError {
    fn from(error: async_imap::error::Error) -> Self {
        ImapError::Protocol(error.to_string())
    }
}

/// A byte stream IMAP runs over: plain TCP or TLS.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Stream for T {}

type Boxed = Box<dyn Stream>;

/// What opening a folder told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Folder {
    /// Its UIDVALIDITY: when it changes, earlier UIDs mean nothing.
    pub uid_validity: u32,
    /// The UID the next message will get, when the server says.
    pub uid_next: Option<u32>,
    /// How many messages it holds.
    pub exists: u32,
}

/// A message read from the folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    /// Its UID.
    pub uid: u32,
    /// The whole message as stored.
    pub raw: Vec<u8>,
}

/// A signed-in connection to a mailbox.
pub struct Connection {
    session: Session<Boxed>,
    idle: bool,
    folder: Option<String>,
}

impl Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("idle", &self.idle)
            .field("folder", &self.folder)
            .finish_non_exhaustive()
    }
}

async fn within<T>(future: impl Future<Output = Result<T, ImapError>>) -> Result<T, ImapError> {
    tokio::time::timeout(COMMAND_TIMEOUT, future)
        .await
        .map_err(|_| ImapError::Timeout)?
}

fn tls_connector() -> Result<TlsConnector, ImapError> {
    let roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    // ring, as lettre uses for SMTP: one TLS provider, and no C toolchain for aws-lc. Its
    // key exchanges lack the post-quantum hybrid, which mail servers do not ask for yet.
    #[expect(
        deprecated,
        reason = "ring is the provider the rest of Kefu's TLS uses"
    )]
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ImapError::Tls("the TLS library".into(), e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

async fn start_tls<S>(stream: S, host: &str) -> Result<Boxed, ImapError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + Debug + 'static,
{
    let name = ServerName::try_from(host.to_owned())
        .map_err(|e| ImapError::Tls(host.to_owned(), e.to_string()))?;
    let tls = tls_connector()?
        .connect(name, stream)
        .await
        .map_err(|e| ImapError::Tls(host.to_owned(), e.to_string()))?;
    Ok(Box::new(tls))
}

/// Connects and signs in as `settings` say.
pub async fn connect(settings: &ImapSettings) -> Result<Connection, ImapError> {
    within(async {
        let tcp = TcpStream::connect((settings.host.as_str(), settings.port))
            .await
            .map_err(|e| ImapError::Connect {
                host: settings.host.clone(),
                port: settings.port,
                reason: e.to_string(),
            })?;
        let stream: Boxed = match settings.security {
            ImapSecurity::Tls => start_tls(tcp, &settings.host).await?,
            ImapSecurity::None | ImapSecurity::Starttls => Box::new(tcp),
        };
        let mut client = Client::new(stream);
        client
            .read_response()
            .await
            .map_err(|e| ImapError::Protocol(e.to_string()))?
            .ok_or_else(|| ImapError::Protocol("the server closed before its greeting".into()))?;
        if settings.security == ImapSecurity::Starttls {
            client.run_command_and_check_ok("STARTTLS", None).await?;
            let plain = client.into_inner();
            client = Client::new(start_tls(plain, &settings.host).await?);
        }
        let mut session = client
            .login(&settings.username, &settings.password)
            .await
            .map_err(|(e, _)| ImapError::Login(e.to_string()))?;
        let idle = session.capabilities().await?.has_str("IDLE");
        Ok(Connection {
            session,
            idle,
            folder: None,
        })
    })
    .await
}

impl Connection {
    /// Whether the server can tell of new mail as it comes (IDLE).
    pub fn can_idle(&self) -> bool {
        self.idle
    }

    /// Opens `folder` for reading and marking.
    pub async fn open(&mut self, folder: &str) -> Result<Folder, ImapError> {
        let mailbox = within(async {
            self.session
                .select(folder)
                .await
                .map_err(|e| ImapError::Folder(folder.to_owned(), e.to_string()))
        })
        .await?;
        self.folder = Some(folder.to_owned());
        Ok(Folder {
            uid_validity: mailbox.uid_validity.unwrap_or(0),
            uid_next: mailbox.uid_next,
            exists: mailbox.exists,
        })
    }

    /// The UIDs above `last_uid` in the open folder, oldest first (`UID SEARCH`, so gaps
    /// left by deleted mail are stepped over).
    pub async fn new_uids(&mut self, last_uid: u32) -> Result<Vec<u32>, ImapError> {
        within(async {
            let query = format!("UID {}:*", last_uid.saturating_add(1));
            let found = self.session.uid_search(&query).await?;
            // `n:*` also matches the newest message when every UID is below `n`.
            let mut uids: Vec<u32> = found.into_iter().filter(|u| *u > last_uid).collect();
            uids.sort_unstable();
            Ok(uids)
        })
        .await
    }

    /// The messages with these UIDs, oldest first. They are read with `BODY.PEEK[]`, so
    /// reading marks nothing: only [`Connection::taken`] does. Answers without a body (a flag
    /// change the server reports meanwhile) and UIDs not asked for are left out.
    pub async fn fetch(&mut self, uids: &[u32]) -> Result<Vec<Fetched>, ImapError> {
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        let set: Vec<String> = uids.iter().map(ToString::to_string).collect();
        within(async {
            let stream = self
                .session
                .uid_fetch(set.join(","), "(UID BODY.PEEK[])")
                .await?;
            let messages: Vec<_> = stream.try_collect().await?;
            let mut fetched: Vec<Fetched> = messages
                .iter()
                .filter_map(|m| {
                    let uid = m.uid?;
                    let raw = m.body()?;
                    uids.contains(&uid).then(|| Fetched {
                        uid,
                        raw: raw.to_vec(),
                    })
                })
                .collect();
            fetched.sort_by_key(|f| f.uid);
            fetched.dedup_by_key(|f| f.uid);
            Ok(fetched)
        })
        .await
    }

    /// Marks a taken message as the mailbox is set to: `\Seen`, or moved to `move_to`.
    pub async fn taken(
        &mut self,
        uid: u32,
        after: AfterFetch,
        move_to: Option<&str>,
    ) -> Result<(), ImapError> {
        within(async {
            match (after, move_to) {
                (AfterFetch::Move, Some(target)) => {
                    self.session.uid_mv(uid.to_string(), target).await?;
                }
                _ => {
                    let updates = self
                        .session
                        .uid_store(uid.to_string(), "+FLAGS.SILENT (\\Seen)")
                        .await?;
                    let _: Vec<_> = updates.try_collect().await?;
                }
            }
            Ok(())
        })
        .await
    }

    /// Waits up to `longest` for the server to tell of new mail (IDLE), or for `stop`.
    /// Answers whether something may have arrived.
    pub async fn wait_for_mail(
        self,
        longest: Duration,
        stop: impl Future<Output = ()>,
    ) -> Result<(Connection, bool), ImapError> {
        let Connection {
            session,
            idle,
            folder,
        } = self;
        let mut handle = session.idle();
        within(async { Ok(handle.init().await?) }).await?;
        let news = {
            let (waiting, interrupt) = handle.wait_with_timeout(longest);
            tokio::pin!(stop);
            let outcome = tokio::select! {
                outcome = waiting => Some(outcome?),
                () = &mut stop => None,
            };
            drop(interrupt);
            matches!(outcome, Some(IdleResponse::NewData(_)))
        };
        let session = within(async { Ok(handle.done().await?) }).await?;
        Ok((
            Connection {
                session,
                idle,
                folder,
            },
            news,
        ))
    }

    /// Signs out.
    pub async fn close(mut self) {
        if let Err(error) = within(async { Ok(self.session.logout().await?) }).await {
            tracing::debug!(%error, "signing out of IMAP");
        }
    }
}

/// Signs in, opens the folder and signs out: how an admin checks a mailbox's settings.
pub async fn check(settings: &ImapSettings) -> Result<Folder, ImapError> {
    let mut connection = connect(settings).await?;
    let folder = connection.open(&settings.folder).await?;
    connection.close().await;
    Ok(folder)
}
