//! How a mail leaves: an SMTP server (STARTTLS or TLS, AUTH, a pool of connections; see
//! [`crate::smtp`]), or an `.eml` file per mail in a directory, for development and for
//! machines with no mail server.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lettre::Message;

use crate::config::SmtpConfig;
use crate::smtp::SmtpPool;

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
    Smtp(Arc<SmtpPool>),
    /// `.eml` files in a directory.
    Files(PathBuf),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp(pool) => write!(f, "Transport::Smtp({pool:?})"),
            Self::Files(dir) => write!(f, "Transport::Files({})", dir.display()),
        }
    }
}

impl Transport {
    /// A pooled SMTP transport for `config`.
    pub fn smtp(config: &SmtpConfig) -> anyhow::Result<Self> {
        Ok(Self::Smtp(Arc::new(SmtpPool::new(config)?)))
    }

    /// Writes mail as `.eml` files into `dir` (made if missing).
    pub fn files(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Self::Files(dir.to_owned()))
    }

    /// Hands one mail over. `name` names its file (the outbox row's id).
    pub async fn send(&self, message: Message, name: &str) -> Result<(), SendError> {
        match self {
            Self::Smtp(pool) => pool.send(&message).await.map_err(|e| SendError {
                permanent: e.permanent,
                message: e.message,
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
