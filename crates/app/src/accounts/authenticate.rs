//! Who presents a session token: the session, its user and what they may do.

use chrono::{DateTime, Duration, Utc};
use kefu_domain::access_token::{self, ApiToken};
use kefu_domain::account::User;
use kefu_domain::ids::CustomerId;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_store::sessions::{self, Session};
use kefu_store::{DbConnection, StoreError, api_tokens};

use crate::error::AppError;
use crate::{App, SessionPolicy, tokens};

/// A session is marked as used at most this often, to spare the database a write per request.
const TOUCH_INTERVAL_SECONDS: i64 = 60;

/// What a request presented to prove who it is.
#[derive(Clone, Debug)]
pub enum Credential {
    /// A signed-in session (browser cookie or bearer session token).
    Session(Session),
    /// A personal API token.
    Token(ApiToken),
}

/// The signed-in user behind a token.
#[derive(Clone, Debug)]
pub struct Authenticated {
    /// Who they are, for permission decisions.
    pub actor: Actor,
    /// Their account.
    pub user: User,
    /// How they proved it.
    pub credential: Credential,
}

impl Authenticated {
    /// The session, if the request came with one (not with an API token).
    pub fn session(&self) -> Option<&Session> {
        match &self.credential {
            Credential::Session(session) => Some(session),
            Credential::Token(_) => None,
        }
    }

    /// Whether the credential still opens the API at `now`: a session neither too old nor idle
    /// too long, a token neither revoked nor expired, a user still active.
    pub fn is_live(&self, policy: &SessionPolicy, now: DateTime<Utc>) -> bool {
        self.user.active
            && match &self.credential {
                Credential::Session(session) => !has_ended(session, policy, now),
                Credential::Token(token) => token.is_live(now),
            }
    }

    /// Whether a request that writes may use this credential (read-only API tokens may not).
    pub fn may_write(&self, writes: bool) -> Result<(), AppError> {
        match &self.credential {
            Credential::Session(_) => Ok(()),
            Credential::Token(token) => Ok(token.scope.permits(writes)?),
        }
    }
}

/// Whether a session has ended at `now`, by age or by idleness.
pub fn has_ended(session: &Session, policy: &SessionPolicy, now: DateTime<Utc>) -> bool {
    session.expires_at <= now || session.last_seen_at + policy.idle <= now
}

/// Who `token` (a session token or a personal API token) signs in, marked as used; an ended
/// session is deleted, a revoked or expired API token refused. A credential proven in the last
/// few seconds is trusted without asking the database
/// ([`crate::accounts::credential_cache::CredentialCache`]).
pub async fn authenticate(app: &App, token: &str) -> Result<Authenticated, AppError> {
    let token_hash = tokens::hash(token);
    let now = kefu_domain::time::now();
    if let Some(found) = app.credentials.get(&token_hash)
        && found.is_live(&app.sessions, now)
    {
        return Ok(found);
    }
    let generation = app.credentials.generation();
    let found = if token.starts_with(access_token::PREFIX) {
        api_token(app, token_hash.clone()).await?
    } else {
        session(app, token_hash.clone()).await?
    };
    app.credentials.put(generation, token_hash, found.clone());
    Ok(found)
}

/// Who a session token signs in.
async fn session(app: &App, token_hash: String) -> Result<Authenticated, AppError> {
    let found = app
        .store
        .read(move |conn| sessions::find_by_token_hash(conn, &token_hash))
        .await?;
    let Some((session, user, customer)) = found else {
        return Err(AppError::Unauthenticated);
    };
    let now = kefu_domain::time::now();
    if has_ended(&session, &app.sessions, now) {
        let id = session.id;
        app.store
            .write(move |conn| sessions::delete(conn, id))
            .await?;
        return Err(AppError::SessionExpired);
    }
    if !user.active {
        return Err(AppError::Unauthenticated);
    }
    let actor = actor_of(&user, customer);
    if is_stale(Some(session.last_seen_at), now) {
        let id = session.id;
        mark_used(app, move |conn| sessions::touch(conn, id, now)).await?;
    }
    Ok(Authenticated {
        actor,
        user,
        credential: Credential::Session(session),
    })
}

/// Who a personal API token acts as.
async fn api_token(app: &App, token_hash: String) -> Result<Authenticated, AppError> {
    let found = app
        .store
        .read(move |conn| api_tokens::find_by_hash(conn, &token_hash))
        .await?;
    let now = kefu_domain::time::now();
    let Some((token, user, customer)) = found.filter(|(token, user, _)| {
        // Staff hold their own tokens; a vendor's API key acts as the vendor's account.
        token.is_live(now) && user.active && (user.role.is_staff() || user.role == Role::Vendor)
    }) else {
        return Err(AppError::Unauthenticated);
    };
    let actor = actor_of(&user, customer);
    if is_stale(token.last_used_at, now) {
        let id = token.id;
        mark_used(app, move |conn| api_tokens::touch(conn, id, now)).await?;
    }
    Ok(Authenticated {
        actor,
        user,
        credential: Credential::Token(token),
    })
}

/// Whether a credential last marked used at `last` should be marked again at `now`.
fn is_stale(last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last.is_none_or(|at| now - at >= Duration::seconds(TOUCH_INTERVAL_SECONDS))
}

/// Records that a credential was used. A busy database must not fail the request it was
/// touched for; the next request touches it again.
async fn mark_used<F>(app: &App, touch: F) -> Result<(), AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<(), StoreError> + Send + 'static,
{
    match app.store.write(touch).await {
        Err(StoreError::Busy) => {
            tracing::debug!("marking a credential used skipped: the database is busy");
            Ok(())
        }
        other => Ok(other?),
    }
}

/// The actor a user is, with the customer record a customer login speaks for.
fn actor_of(user: &User, customer: Option<CustomerId>) -> Actor {
    Actor {
        user: user.id,
        role: user.role,
        customer: customer.filter(|_| user.role == Role::Customer),
    }
}
