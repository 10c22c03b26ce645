//! Who presents a session token: the session, its user and what they may do.

use chrono::{DateTime, Duration, Utc};
use kefu_domain::account::User;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_store::sessions::{self, Session};
use kefu_store::{StoreError, customers};

use crate::error::AppError;
use crate::{App, SessionPolicy, tokens};

/// A session is marked as used at most this often, to spare the database a write per request.
const TOUCH_INTERVAL_SECONDS: i64 = 60;

/// The signed-in user behind a token.
#[derive(Clone, Debug)]
pub struct Authenticated {
    /// Who they are, for permission decisions.
    pub actor: Actor,
    /// Their account.
    pub user: User,
    /// Their session.
    pub session: Session,
}

/// Whether a session has ended at `now`, by age or by idleness.
pub fn has_ended(session: &Session, policy: &SessionPolicy, now: DateTime<Utc>) -> bool {
    session.expires_at <= now || session.last_seen_at + policy.idle <= now
}

/// The live session `token` opens, marked as used; an ended one is deleted.
pub async fn authenticate(app: &App, token: &str) -> Result<Authenticated, AppError> {
    let token_hash = tokens::hash(token);
    let found = app
        .store
        .read(move |conn| sessions::find_by_token_hash(conn, &token_hash))
        .await?;
    let Some((session, user)) = found else {
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
    let user_id = user.id;
    let customer = if user.role == Role::Customer {
        app.store
            .read(move |conn| customers::find_by_user(conn, user_id))
            .await?
    } else {
        None
    };
    if now - session.last_seen_at >= Duration::seconds(TOUCH_INTERVAL_SECONDS) {
        let id = session.id;
        let touched = app
            .store
            .write(move |conn| sessions::touch(conn, id, now))
            .await;
        match touched {
            // A busy database must not fail the request the session was touched for; the next
            // request touches it again.
            Err(StoreError::Busy) => tracing::debug!(session = %id, "session touch skipped: busy"),
            other => other?,
        }
    }
    Ok(Authenticated {
        actor: Actor {
            user: user.id,
            role: user.role,
            customer,
        },
        user,
        session,
    })
}
