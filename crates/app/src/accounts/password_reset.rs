//! Password reset by link: single use, valid for 30 minutes. A user asks for one by mail from
//! the sign-in page (or the operator issues one with `kefu users reset-link`); whoever holds
//! it sets a new password, and every session of the account ends.

use chrono::{DateTime, Duration, Utc};
use kefu_domain::audit::AuditAction;
use kefu_domain::email::EmailAddress;
use kefu_domain::password::Password;
use kefu_store::{password_resets, users};

use kefu_domain::throttle::Policy;

use crate::audit::{self, Origin, Target};
use crate::changes::{Change, Changed};
use crate::error::AppError;
use crate::mail::notices;
use crate::throttle::{self, Buckets};
use crate::{App, tokens};

/// How long a reset link works.
pub const VALID_FOR_MINUTES: i64 = 30;

/// The path of the console's reset page; the token follows as `?token=`.
pub const RESET_PATH: &str = "/reset-password";

/// A new reset link's parts.
#[derive(Clone, Debug)]
pub struct ResetLink {
    /// The secret for the link (shown once; stored only as a hash).
    pub token: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

impl ResetLink {
    /// The link under the public address `base` (`https://help.example.com`).
    pub fn url(&self, base: &str) -> String {
        format!(
            "{}{RESET_PATH}?token={}",
            base.trim_end_matches('/'),
            self.token
        )
    }
}

/// Issues a reset link for the account with `email`; earlier links stop working.
pub async fn issue(
    app: &App,
    origin: Origin,
    email: &EmailAddress,
) -> Result<Changed<ResetLink>, AppError> {
    let email = email.clone();
    let token = tokens::generate();
    let hash = tokens::hash(&token);
    let (link, user) = app
        .store
        .write(move |conn| {
            let now = kefu_domain::time::now();
            let found = users::credentials(conn, &email)?.ok_or(AppError::NotFound("user"))?;
            let user = found.user;
            if !user.active {
                return Err(AppError::conflict(
                    "user_inactive",
                    format!("{email} is deactivated; activate it before resetting its password"),
                ));
            }
            let expires_at = store_link(conn, &origin, &user, &hash, false, now)?;
            Ok::<_, AppError>((ResetLink { token, expires_at }, user.id))
        })
        .await?;
    Ok(Changed::new(link, vec![Change::User { id: user }]))
}

/// Mails a reset link to the account with `email`, if there is an active one. The answer is
/// the same whether or not there is (so nobody learns which addresses have accounts); asking
/// is throttled per client address.
pub async fn mail_link(app: &App, origin: Origin, email: &str) -> Result<(), AppError> {
    let address = origin
        .address
        .clone()
        .unwrap_or_else(|| "unknown".to_owned());
    let Ok(email) = EmailAddress::parse(email) else {
        throttle::take(
            app,
            &Buckets::single(
                format!("forgot:{}", tokens::hash(&address)),
                Policy::ADDRESS,
            ),
        )
        .await?;
        return Ok(());
    };
    let buckets = [
        (
            format!("forgot:{}", tokens::hash(&address)),
            Policy::ADDRESS,
        ),
        (
            format!("forgot-to:{}", tokens::hash(&email.lookup_key())),
            Policy::RESET_MAILS,
        ),
    ];
    throttle::take(
        app,
        &Buckets {
            required: buckets.to_vec(),
            spent: buckets.to_vec(),
        },
    )
    .await?;
    let context = app.mail_context().await?;
    let token = tokens::generate();
    let hash = tokens::hash(&token);
    app.store
        .write(move |conn| {
            let now = kefu_domain::time::now();
            let Some(found) = users::credentials(conn, &email)? else {
                return Ok::<_, AppError>(());
            };
            let user = found.user;
            if !user.active {
                return Ok(());
            }
            let expires_at = store_link(conn, &origin, &user, &hash, true, now)?;
            let link = ResetLink { token, expires_at };
            notices::reset_link(
                conn,
                &context,
                &user,
                &link.url(context.console_url()),
                VALID_FOR_MINUTES,
                now,
            )?;
            Ok(())
        })
        .await
}

/// Stores a new link for `user` by its token's hash (earlier links stop working) and audits
/// it; returns when it stops working.
fn store_link(
    conn: &mut kefu_store::DbConnection,
    origin: &Origin,
    user: &kefu_domain::account::User,
    hash: &str,
    mailed: bool,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, AppError> {
    let expires_at = now + Duration::minutes(VALID_FOR_MINUTES);
    password_resets::issue(conn, hash, user.id, now, expires_at)?;
    audit::record(
        conn,
        origin,
        AuditAction::PasswordResetIssued,
        None,
        Some(Target::new("user", user.id, user.email.to_string())),
        Some(if mailed {
            serde_json::json!({ "expires_at": expires_at, "mailed": true })
        } else {
            serde_json::json!({ "expires_at": expires_at })
        }),
        now,
    )?;
    Ok(expires_at)
}

fn invalid_link() -> AppError {
    AppError::invalid(
        "invalid_reset_token",
        "this reset link is not valid: it was used already, has expired, or a newer one was issued",
    )
}

/// Sets `new_password` with a reset link's `token`, once; every session of the account ends.
pub async fn reset(
    app: &App,
    origin: Origin,
    token: &str,
    new_password: &str,
) -> Result<Changed<()>, AppError> {
    let password = Password::parse(new_password)?;
    let token_hash = tokens::hash(token.trim());
    // Guesses are throttled per address, and a token is checked before the (costly) hashing,
    // so junk requests can neither find a link nor keep the hashers from sign-ins.
    let address = origin
        .address
        .clone()
        .unwrap_or_else(|| "unknown".to_owned());
    let key = format!("reset:{}", tokens::hash(&address));
    let buckets = Buckets::single(key, Policy::ADDRESS);
    throttle::take(app, &buckets).await?;
    let probe = token_hash.clone();
    let redeemable = app
        .store
        .read(move |conn| password_resets::is_redeemable(conn, &probe, kefu_domain::time::now()))
        .await?;
    if !redeemable {
        return Err(invalid_link());
    }
    throttle::refund(app, buckets).await?;
    let hash = app.passwords.hash(password).await?;
    let user = app
        .store
        .write(move |conn| {
            let now = kefu_domain::time::now();
            let user = password_resets::redeem(conn, &token_hash, now)?.ok_or_else(invalid_link)?;
            let account = users::find(conn, user)?;
            if !account.active {
                return Err(invalid_link());
            }
            super::replace_password(conn, user, &hash, None, now)?;
            audit::record(
                conn,
                &origin,
                AuditAction::PasswordReset,
                Some((user, &account.name)),
                Some(Target::new("user", user, account.email.to_string())),
                None,
                now,
            )?;
            Ok::<_, AppError>(user)
        })
        .await?;
    Ok(Changed::new((), vec![Change::User { id: user }]))
}
