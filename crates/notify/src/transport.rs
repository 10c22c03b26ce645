//! How a mail leaves: an SMTP server (STARTTLS or TLS, AUTH, a pool of connections), or an
//! `.eml` file per mail in a directory, for development and for machines with no mail server.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{SmtpConfig, SmtpSecurity};

/// Why a mail was not delivered.
#[derive(Debug)]
pub struct SendError {
    /// What went wrong.
    pub message: String,
    /// Whether trying again cannot help (the server refused the mail or its recipients for
    /// good).
    pub permanent: bool,
}

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    /// An SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in a directory.
    Files(PathBuf),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp(_) => f.write_str("Transport::Smtp"),
            Self::Files(dir) => write!(f, "Transport::Files({})", dir.display()),
        }
    }
}

impl Transport {
    /// A pooled SMTP transport for `config`.
    pub fn smtp(config: &SmtpConfig) -> anyhow::Result<Self> {
        let mut builder = match config.security {
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)?,
            SmtpSecurity::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)?
            }
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            }
        };
        if let Some(port) = config.port {
            builder = builder.port(port);
        }
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self::Smtp(
            builder
                .timeout(Some(Duration::from_secs(config.timeout_seconds.max(1))))
                .pool_config(PoolConfig::new().max_size(config.pool_size.max(1)))
                .build(),
        ))
    }

    /// Writes mail as `.eml` files into `dir` (made if missing).
    pub fn files(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Self::Files(dir.to_owned()))
    }

    /// Hands one mail over. `name` names its file (the outbox row's id).
    pub async fn send(&self, message: Message, name: &str) -> Result<(), SendError> {
        match self {
            Self::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            }),
            Self::Files(dir) => {
                let dir = dir.clone();
                let name = name.to_owned();
                let bytes = message.formatted();
                tokio::task::spawn_blocking(move || write_eml(&dir, &name, &bytes))
                    .await
                    .map_err(|e| SendError {
                        message: e.to_string(),
                        permanent: false,
                    })?
                    .map_err(|e| SendError {
                        message: format!("writing the .eml file: {e}"),
                        permanent: false,
                    })
            }
        }
    }
}

/// Writes `bytes` to `dir/name.eml` through a temporary file, so a reader never sees half a
/// mail; the same mail written twice replaces itself.
fn write_eml(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let temp = dir.join(format!(".{safe}.{:016x}.tmp", rand::random::<u64>()));
    let mut file = std::fs::File::create(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temp, dir.join(format!("{safe}.eml")))
}
