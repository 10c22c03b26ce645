//! Where files' bytes are kept: a directory outside the database, each file under its
//! SHA-256 (the same photo sent twice is kept once), with a thumbnail beside each image.
//! Several nodes share the directory (a network volume), as they share the database.

pub mod thumbnails;

use std::io::Write;
use std::path::{Path, PathBuf};

use kefu_domain::file::{self, FileType};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// Where files are kept and how big they may be (`[files]`).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct FilesConfig {
    /// The directory (made if missing); every node serving the API must see the same one.
    /// By default beside the SQLite database (`kefu.sqlite3.files`), or `./data/files`.
    pub dir: Option<PathBuf>,
    /// The largest file taken, in bytes.
    pub max_bytes: u64,
}

impl Default for FilesConfig {
    fn default() -> Self {
        Self {
            dir: None,
            max_bytes: file::DEFAULT_MAX_BYTES,
        }
    }
}

/// A file's bytes, kept: what they are and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kept {
    /// The SHA-256 of the bytes, hex.
    pub sha256: String,
    /// Their size.
    pub size: u64,
    /// What they are.
    pub kind: FileType,
    /// An image's width and height, after turning it the way the camera held it.
    pub dimensions: Option<(u32, u32)>,
    /// Whether a thumbnail is kept beside it.
    pub thumbnail: bool,
}

/// The files directory.
#[derive(Clone, Debug)]
pub struct FileStore {
    dir: PathBuf,
    /// The largest file taken, in bytes.
    pub max_bytes: u64,
}

impl FileStore {
    /// The store in `dir`, made if missing, taking files up to `max_bytes`.
    pub fn open(dir: &Path, max_bytes: u64) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir.join("tmp"))?;
        Ok(Self {
            dir: dir.to_owned(),
            max_bytes,
        })
    }

    /// Checks `bytes` (size, kind) and keeps them with a thumbnail for images. Blocking: run
    /// it off the async threads.
    pub fn keep(&self, bytes: &[u8]) -> Result<Kept, AppError> {
        file::check_size(bytes.len() as u64, self.max_bytes)?;
        let kind = FileType::sniff(bytes).ok_or_else(|| {
            kefu_domain::DomainError::InvalidFile(
                "Kefu takes pictures (PNG, JPEG, GIF, WebP), PDF, ZIP and plain text files".into(),
            )
        })?;
        let sha256 = hex(&Sha256::digest(bytes));
        let path = self.path_of(&sha256);
        if !path.exists() {
            self.write_atomically(&path, bytes)?;
        }
        let (dimensions, thumbnail) = if kind.is_image() {
            match thumbnails::make(bytes, kind) {
                Ok(made) => {
                    let thumb = self.thumbnail_path(&sha256);
                    if !thumb.exists() {
                        self.write_atomically(&thumb, &made.bytes)?;
                    }
                    (Some(made.dimensions), true)
                }
                Err(why) => {
                    // Kept as a plain download: a damaged or huge picture still reaches the
                    // agent, who may open it with something sturdier.
                    tracing::info!(%why, "no thumbnail for a picture");
                    (None, false)
                }
            }
        } else {
            (None, false)
        };
        Ok(Kept {
            sha256,
            size: bytes.len() as u64,
            kind,
            dimensions,
            thumbnail,
        })
    }

    /// Keeps `bytes` as they are, whatever they hold (a raw mail, an attachment of a type Kefu
    /// does not read), and answers their SHA-256. Blocking: run it off the async threads.
    pub fn keep_raw(&self, bytes: &[u8]) -> Result<String, AppError> {
        let sha256 = hex(&Sha256::digest(bytes));
        let path = self.path_of(&sha256);
        if !path.exists() {
            self.write_atomically(&path, bytes)?;
        }
        Ok(sha256)
    }

    /// Reads back bytes kept under `sha256`. Blocking.
    pub fn read(&self, sha256: &str) -> Result<Vec<u8>, AppError> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::NotFound("file"));
        }
        std::fs::read(self.path_of(sha256)).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => AppError::NotFound("file"),
            _ => AppError::Internal(Box::new(e)),
        })
    }

    /// Where the bytes with this SHA-256 are kept.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let (first, second) = (
            &sha256[..2.min(sha256.len())],
            &sha256[2.min(sha256.len())..4.min(sha256.len())],
        );
        self.dir.join(first).join(second).join(sha256)
    }

    /// Where the thumbnail of the picture with this SHA-256 is kept.
    pub fn thumbnail_path(&self, sha256: &str) -> PathBuf {
        let mut path = self.path_of(sha256).into_os_string();
        path.push(".thumb");
        PathBuf::from(path)
    }

    /// Writes to a temporary file, flushes it to disk, then renames it into place: a crash
    /// leaves the file whole or absent, never half written.
    fn write_atomically(&self, path: &Path, bytes: &[u8]) -> Result<(), AppError> {
        let io = |e: std::io::Error| AppError::Internal(Box::new(e));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let (temp, mut file) = tempfile_in(&self.dir.join("tmp")).map_err(io)?;
        let written = file
            .write_all(bytes)
            .and_then(|()| file.sync_all())
            .and_then(|()| std::fs::rename(&temp, path));
        if let Err(error) = written {
            // A full disk leaves nothing half written behind.
            let _ = std::fs::remove_file(&temp);
            return Err(io(error));
        }
        // The rename itself survives a crash once the directory is flushed.
        if let Some(parent) = path.parent() {
            std::fs::File::open(parent)
                .and_then(|d| d.sync_all())
                .map_err(io)?;
        }
        Ok(())
    }
}

/// A new, uniquely named file in `dir`.
fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    loop {
        let name: u64 = rand::random();
        let path = dir.join(format!("{name:016x}"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
