//! Password sign-in with throttling that cannot lock the real user out for long.
//!
//! Failures are counted per account, per client address and per known device, in token buckets
//! stored in the database (so every node sees them). A browser that has signed in to the
//! account before carries a device token and keeps its own bucket, so a password-guessing
//! attack on the account does not stop its owner.

use kefu_domain::account::User;
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::{SessionId, UserId};
use kefu_domain::throttle::Policy;
use kefu_store::sessions::{self, NewSession, Session};
use kefu_store::{devices, users};

use kefu_domain::audit::AuditAction;

use crate::audit::{self, Origin, Target};
use crate::error::AppError;
use crate::throttle::{self, Buckets};
use crate::{App, tokens};

/// A sign-in attempt as the client made it.
#[derive(Clone, Debug)]
pub struct SignIn {
    /// The address typed.
    pub email: String,
    /// The password typed.
    pub password: String,
    /// The client's address, for throttling and the session record.
    pub address: String,
    /// The known-device token the client carries, if any.
    pub device_token: Option<String>,
    /// The client's `User-Agent`, for the session record.
    pub user_agent: Option<String>,
    /// Whether the client keeps a known-device cookie (a browser), so a device is remembered.
    pub remember_device: bool,
}

/// A new session.
#[derive(Clone, Debug)]
pub struct SignedIn {
    /// The session's secret token (stored only as its hash).
    pub token: String,
    /// The session.
    pub session: Session,
    /// Who signed in.
    pub user: User,
    /// A new known-device token for the client to keep, if it had none for this account.
    pub new_device: Option<String>,
}

/// The buckets an attempt spends from: a known device's own bucket (so that an attack from
/// elsewhere cannot lock the owner out), or else the address's; and always the account's, so
/// that every failure counts against the account. A known device needs room only in its own.
fn buckets(address: &str, account: &str, device: Option<&str>) -> Buckets {
    let address = (format!("address:{address}"), Policy::ADDRESS);
    // Hashed: the key is whatever was typed, and the table should not collect addresses.
    let account = (
        format!("account:{}", tokens::hash(account)),
        Policy::ACCOUNT,
    );
    match device {
        Some(hash) => {
            let device = (format!("device:{hash}"), Policy::DEVICE);
            Buckets {
                required: vec![device.clone()],
                spent: vec![device, account],
            }
        }
        None => Buckets {
            required: vec![address.clone(), account.clone()],
            spent: vec![address, account],
        },
    }
}

/// Checks the password and opens a session.
pub async fn sign_in(app: &App, attempt: SignIn) -> Result<SignedIn, AppError> {
    let SignIn {
        email,
        password,
        address,
        device_token,
        user_agent,
        remember_device,
    } = attempt;
    let device_hash = device_token.as_deref().map(tokens::hash);
    let lookup_hash = device_hash.clone();
    let lookup_email = EmailAddress::parse(&email).ok();
    // Every spelling of one address (case, full-width forms, NFD) counts against one bucket.
    let email_key = match &lookup_email {
        Some(address) => address.lookup_key(),
        None => email.trim().to_lowercase(),
    };
    let typed_address = lookup_email.clone();
    let (credentials, device_owner) = app
        .store
        .read(move |conn| {
            let credentials = match &lookup_email {
                Some(email) => users::credentials(conn, email)?,
                None => None,
            };
            let owner = match &lookup_hash {
                Some(hash) => devices::owner(conn, hash)?,
                None => None,
            };
            Ok::<_, AppError>((credentials, owner))
        })
        .await?;
    let account_user: Option<UserId> = credentials.as_ref().map(|c| c.user.id);
    let known_device = match (&device_hash, device_owner, account_user) {
        (Some(hash), Some(owner), Some(user)) if owner == user => Some(hash.as_str()),
        _ => None,
    };
    let buckets = buckets(&address, &email_key, known_device);
    throttle::take(app, &buckets).await?;

    let (user, hash) = match credentials {
        Some(c) => (Some(c.user), c.password_hash),
        None => (None, None),
    };
    let matches = app.passwords.verify(password, hash).await?;
    let origin = Origin::client(address.clone());
    let user = match user {
        Some(user) if matches && user.active => user,
        other => {
            let target = match &other {
                Some(user) => Target::new("user", user.id, user.email.to_string()),
                None => Target::new(
                    "user",
                    "",
                    // Only what reads as an address is kept: people type passwords here too.
                    typed_address
                        .as_ref()
                        .map_or_else(|| "(not an email address)".to_owned(), ToString::to_string),
                ),
            };
            let why = match other {
                None => "unknown account",
                Some(user) if !user.active => "deactivated account",
                Some(_) => "wrong password",
            };
            app.store
                .write(move |conn| {
                    audit::record(
                        conn,
                        &origin,
                        AuditAction::SignInFailed,
                        None,
                        Some(target),
                        Some(serde_json::json!({ "reason": why })),
                        kefu_domain::time::now(),
                    )
                })
                .await?;
            return Err(AppError::InvalidCredentials);
        }
    };
    throttle::refund(app, buckets).await?;

    let now = kefu_domain::time::now();
    let token = tokens::generate();
    let session = Session {
        id: SessionId::new(),
        user: user.id,
        csrf_token: tokens::generate(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + app.sessions.absolute,
    };
    // Only browsers keep the device cookie; a program asking for a bearer token would leave a
    // new device row behind at every sign-in.
    let new_device = (remember_device && device_owner != Some(user.id)).then(tokens::generate);
    let known_device_hash = (device_owner == Some(user.id))
        .then(|| device_hash.clone())
        .flatten();
    let signed_in = user.clone();
    let stored = session.clone();
    let token_hash = tokens::hash(&token);
    let new_device_hash = new_device.as_deref().map(tokens::hash);
    app.store
        .write(move |conn| {
            sessions::insert(
                conn,
                NewSession {
                    session: &stored,
                    token_hash: &token_hash,
                    ip: Some(&address),
                    user_agent: user_agent.as_deref(),
                },
            )?;
            if let Some(hash) = &new_device_hash {
                devices::remember(conn, hash, stored.user, now)?;
            }
            if let Some(hash) = &known_device_hash {
                devices::touch(conn, hash, now)?;
            }
            audit::record(
                conn,
                &origin,
                AuditAction::SignIn,
                Some((signed_in.id, &signed_in.name)),
                None,
                Some(
                    serde_json::json!({ "via": if remember_device { "browser" } else { "token" } }),
                ),
                now,
            )?;
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(SignedIn {
        token,
        session,
        user,
        new_device,
    })
}
