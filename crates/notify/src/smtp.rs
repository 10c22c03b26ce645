//! SMTP delivery over a small pool of lettre connections whose sockets send at once.
//!
//! An SMTP client writes a mail's end (`\r\n.\r\n`) as a small packet right after the body.
//! With Nagle's algorithm on, that packet waits for the server to acknowledge the body, and
//! servers delay that acknowledgement (40 ms on Linux): every mail stalls, and a connection
//! sends 25 mails a second at most. lettre's pooled transport cannot switch Nagle off, so the
//! pool here opens the sockets itself (`TCP_NODELAY`) and hands them to lettre, which speaks
//! SMTP on them: STARTTLS or TLS, AUTH, the mail.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lettre::Message;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use tokio::net::TcpStream;
use tokio::sync::{Mutex, Semaphore};
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

use crate::config::{SmtpConfig, SmtpSecurity};

/// A connection idle longer than this is closed rather than reused (servers drop idle
/// sessions after a minute or more).
const IDLE_LIMIT: Duration = Duration::from_secs(50);

/// A connection idle longer than this is checked with NOOP before it carries a mail.
const CHECK_AFTER: Duration = Duration::from_secs(5);

/// Why a mail was not handed over.
#[derive(Debug)]
pub struct SmtpError {
    /// What went wrong.
    pub message: String,
    /// Whether the server refused for good (trying again cannot help).
    pub permanent: bool,
    /// Whether the server answered (the session is still in step), rather than the
    /// connection failing or the time running out (the session is lost, and the server may
    /// or may not have taken the mail).
    answered: bool,
    /// Whether the connection failed before the mail was handed over, so another connection
    /// may try it at once.
    lost_connection: bool,
}

impl SmtpError {
    fn passing(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: false,
            answered: false,
            lost_connection: false,
        }
    }
}

impl From<lettre::transport::smtp::Error> for SmtpError {
    fn from(error: lettre::transport::smtp::Error) -> Self {
        Self {
            permanent: error.is_permanent(),
            answered: error.is_response() || error.is_permanent() || error.is_transient(),
            lost_connection: !error.is_response()
                && !error.is_permanent()
                && !error.is_transient()
                && !error.is_timeout(),
            message: error.to_string(),
        }
    }
}

struct Idle {
    connection: AsyncSmtpConnection,
    since: Instant,
}

/// Connections to one SMTP server, at most `pool_size` at once.
pub struct SmtpPool {
    host: String,
    port: u16,
    security: SmtpSecurity,
    credentials: Option<Credentials>,
    timeout: Duration,
    tls: Option<TlsConnector>,
    hello: ClientId,
    idle: Mutex<Vec<Idle>>,
    slots: Semaphore,
}

impl std::fmt::Debug for SmtpPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SmtpPool({}:{}, {:?})",
            self.host, self.port, self.security
        )
    }
}

impl SmtpPool {
    /// A pool for the server of `config`.
    pub fn new(config: &SmtpConfig) -> anyhow::Result<Self> {
        let port = config.port.unwrap_or(match config.security {
            SmtpSecurity::Tls => 465,
            SmtpSecurity::Starttls => 587,
            SmtpSecurity::None => 25,
        });
        Ok(Self {
            host: config.host.clone(),
            port,
            security: config.security,
            credentials: match (&config.username, &config.password) {
                (Some(user), Some(password)) => {
                    Some(Credentials::new(user.clone(), password.clone()))
                }
                _ => None,
            },
            timeout: Duration::from_secs(config.timeout_seconds.max(1)),
            tls: (config.security == SmtpSecurity::Tls)
                .then(tls_connector)
                .transpose()?,
            hello: ClientId::default(),
            idle: Mutex::new(Vec::new()),
            slots: Semaphore::new(config.pool_size.max(1) as usize),
        })
    }

    /// Hands `message` to the server: on a connection left open by an earlier mail if one
    /// is idle, else on a new one.
    pub async fn send(&self, message: &Message) -> Result<(), SmtpError> {
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| SmtpError::passing("the SMTP pool is closed"))?;
        let envelope = message.envelope().clone();
        let bytes = message.formatted();
        if let Some(mut connection) = self.reusable().await {
            let sent = self
                .within(connection.send(&envelope, &bytes))
                .await
                .map(|_| ());
            match sent {
                // The connection went stale between mails: try once on a new one.
                Err(error) if error.lost_connection => {}
                other => {
                    self.keep_if_in_step(connection, &other).await;
                    return other;
                }
            }
        }
        let mut connection = self.within(self.connect()).await?;
        let sent = self
            .within(connection.send(&envelope, &bytes))
            .await
            .map(|_| ());
        self.keep_if_in_step(connection, &sent).await;
        sent
    }

    /// Keeps a connection for the next mail only when its session is in step: the mail went,
    /// or the server answered with a refusal. After a timeout or a lost connection, a late
    /// answer would be read as the next mail's.
    async fn keep_if_in_step(&self, connection: AsyncSmtpConnection, sent: &Result<(), SmtpError>) {
        let in_step = match sent {
            Ok(()) => true,
            Err(error) => error.answered,
        };
        if in_step {
            self.put_back(connection).await;
        }
    }

    async fn within<T, E: Into<SmtpError>>(
        &self,
        work: impl Future<Output = Result<T, E>>,
    ) -> Result<T, SmtpError> {
        match tokio::time::timeout(self.timeout, work).await {
            Ok(done) => done.map_err(Into::into),
            Err(_) => Err(SmtpError::passing(format!(
                "the SMTP server {}:{} did not answer within {} s",
                self.host,
                self.port,
                self.timeout.as_secs()
            ))),
        }
    }

    /// An idle connection that still works, if there is one.
    async fn reusable(&self) -> Option<AsyncSmtpConnection> {
        loop {
            let idle = self.idle.lock().await.pop()?;
            let Idle {
                mut connection,
                since,
            } = idle;
            let age = since.elapsed();
            if age > IDLE_LIMIT || connection.has_broken() {
                let _ = tokio::time::timeout(Duration::from_secs(1), connection.quit()).await;
                continue;
            }
            if age > CHECK_AFTER
                && !tokio::time::timeout(self.timeout, connection.test_connected())
                    .await
                    .unwrap_or(false)
            {
                continue;
            }
            return Some(connection);
        }
    }

    async fn put_back(&self, connection: AsyncSmtpConnection) {
        if !connection.has_broken() {
            self.idle.lock().await.push(Idle {
                connection,
                since: Instant::now(),
            });
        }
    }

    /// Opens a connection: a socket without Nagle, TLS as configured, EHLO, AUTH.
    async fn connect(&self) -> Result<AsyncSmtpConnection, SmtpError> {
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| {
                SmtpError::passing(format!(
                    "connecting to the SMTP server {}:{}: {e}",
                    self.host, self.port
                ))
            })?;
        tcp.set_nodelay(true)
            .map_err(|e| SmtpError::passing(format!("setting TCP_NODELAY: {e}")))?;
        let stream: Box<dyn AsyncTokioStream> = match &self.tls {
            Some(connector) => {
                let name = ServerName::try_from(self.host.clone())
                    .map_err(|e| SmtpError::passing(format!("the SMTP host name: {e}")))?;
                let tls = connector.connect(name, tcp).await.map_err(|e| {
                    SmtpError::passing(format!("TLS with the SMTP server {}: {e}", self.host))
                })?;
                Box::new(TlsSocket(tls))
            }
            None => Box::new(tcp),
        };
        let mut connection =
            AsyncSmtpConnection::connect_with_transport(stream, &self.hello).await?;
        if self.security == SmtpSecurity::Starttls {
            connection
                .starttls(TlsParameters::new(self.host.clone())?, &self.hello)
                .await?;
        }
        if let Some(credentials) = &self.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await?;
        }
        Ok(connection)
    }
}

/// A TLS session over TCP, as lettre takes a stream.
#[derive(Debug)]
struct TlsSocket(tokio_rustls::client::TlsStream<TcpStream>);

impl AsyncTokioStream for TlsSocket {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl tokio::io::AsyncRead for TlsSocket {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for TlsSocket {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

fn tls_connector() -> anyhow::Result<TlsConnector> {
    let roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    // ring, as lettre's STARTTLS and the IMAP client use.
    #[expect(
        deprecated,
        reason = "ring is the provider the rest of Kefu's TLS uses"
    )]
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}
