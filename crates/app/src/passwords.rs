//! Password hashing: argon2id with m = 19456 KiB, t = 2, p = 1 (OWASP's minimum).

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use kefu_domain::password::Password;
use tokio::sync::Semaphore;

use crate::error::AppError;

/// Memory cost in KiB.
pub const MEMORY_KIB: u32 = 19_456;
/// Iterations.
pub const ITERATIONS: u32 = 2;
/// Lanes.
pub const PARALLELISM: u32 = 1;

/// Hashing at most this many passwords at once bounds memory (19 MiB each) and CPU.
const CONCURRENT_HASHES: usize = 4;

fn argon2() -> Result<Argon2<'static>, argon2::Error> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashing failed (the parameters or the system's randomness).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes a password into a PHC string (blocking; run it off the async threads).
pub fn hash_blocking(password: &Password) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .map_err(|e| HashError(e.to_string()))?
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| HashError(e.to_string()))
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// Hashes and verifies passwords off the async threads.
#[derive(Clone)]
pub struct Passwords {
    /// A hash of a random password, verified against when the account does not exist, so
    /// unknown accounts take as long as wrong passwords.
    dummy: Arc<String>,
    permits: Arc<Semaphore>,
}

impl Passwords {
    /// Prepares the hasher (computes the dummy hash once).
    pub fn new() -> Result<Self, AppError> {
        let random = format!("{:032x}", rand::random::<u128>());
        let dummy = Password::parse(&random)?;
        Ok(Self {
            dummy: Arc::new(hash_blocking(&dummy).map_err(AppError::internal)?),
            permits: Arc::new(Semaphore::new(CONCURRENT_HASHES)),
        })
    }

    /// Hashes a password that met the policy.
    pub async fn hash(&self, password: Password) -> Result<String, AppError> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        tokio::task::spawn_blocking(move || hash_blocking(&password))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)
    }

    /// Whether `password` matches `hash`; with no hash, spends the same time and says no.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, AppError> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        let dummy = Arc::clone(&self.dummy);
        tokio::task::spawn_blocking(move || match hash {
            Some(hash) => verify_blocking(&password, &hash),
            None => {
                verify_blocking(&password, &dummy);
                false
            }
        })
        .await
        .map_err(AppError::internal)
    }
}
