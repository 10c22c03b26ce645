//! Users change their own password; every other session of theirs ends. Wrong current
//! passwords are throttled like sign-ins, so a stolen session cannot guess the password.

use kefu_domain::audit::AuditAction;
use kefu_domain::ids::SessionId;
use kefu_domain::password::Password;
use kefu_domain::permissions::Actor;
use kefu_domain::throttle::Policy;
use kefu_store::users;

use crate::audit::{self, Origin, Target};
use crate::changes::{Change, Changed};
use crate::error::AppError;
use crate::throttle::{self, Buckets};
use crate::{App, tokens};

/// Checks `current` and sets `new` as `actor`'s password, keeping only session `keep`.
pub async fn change_password(
    app: &App,
    actor: Actor,
    origin: Origin,
    keep: SessionId,
    current: String,
    new: String,
) -> Result<Changed<()>, AppError> {
    let new = Password::parse(&new)?;
    let id = actor.user;
    let key = format!("password:{}", tokens::hash(&id.to_string()));
    let buckets = Buckets::single(key, Policy::ACCOUNT);
    throttle::take(app, &buckets).await?;
    let stored = app
        .store
        .read(move |conn| users::password_hash(conn, id))
        .await?;
    if !app.passwords.verify(current, stored).await? {
        return Err(AppError::forbidden("the current password is incorrect"));
    }
    throttle::refund(app, buckets).await?;
    let hash = app.passwords.hash(new).await?;
    app.store
        .write(move |conn| {
            let now = kefu_domain::time::now();
            super::replace_password(conn, id, &hash, Some(keep), now)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::PasswordChanged,
                &actor,
                None,
                None,
                now,
            )?;
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(Changed::new((), vec![Change::User { id }]))
}

/// Sets a user's password without the current one (the operator's `kefu users set-password`),
/// ending all their sessions.
pub async fn set_password(
    app: &App,
    email: &kefu_domain::email::EmailAddress,
    password: Password,
) -> Result<Changed<()>, AppError> {
    let hash = app.passwords.hash(password).await?;
    let email = email.clone();
    let id = app
        .store
        .write(move |conn| {
            let found = users::credentials(conn, &email)?.ok_or(AppError::NotFound("user"))?;
            let id = found.user.id;
            let now = kefu_domain::time::now();
            super::replace_password(conn, id, &hash, None, now)?;
            audit::record(
                conn,
                &Origin::cli(),
                AuditAction::PasswordSet,
                None,
                Some(Target::new("user", id, found.user.email.to_string())),
                None,
                now,
            )?;
            Ok::<_, AppError>(id)
        })
        .await?;
    Ok(Changed::new((), vec![Change::User { id }]))
}
