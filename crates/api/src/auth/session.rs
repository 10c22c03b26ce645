//! The `Auth` extractor: who is asking, from a session cookie or a bearer token.
//!
//! Cookie-authenticated writes must carry the session's CSRF token in `X-CSRF-Token`; a page on
//! another site cannot read it, so it cannot forge such a write. Bearer tokens are never sent
//! by a browser on its own and need no CSRF token.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, web};
use chrono::{DateTime, Duration, Utc};
use futures_util::future::LocalBoxFuture;
use kefu_domain::account::User;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_store::sessions::{self, Session};
use kefu_store::{StoreError, customers};

use crate::auth::tokens;
use crate::config::SessionConfig;
use crate::error::ApiError;
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "kefu_session";
/// The known-device cookie's name.
pub const DEVICE_COOKIE: &str = "kefu_device";
/// The header cookie-authenticated writes carry the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A session is marked as used at most this often, to spare the database a write per request.
const TOUCH_INTERVAL_SECONDS: i64 = 60;

/// How the request proved who it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// The session cookie (a browser).
    Cookie,
    /// `Authorization: Bearer` (a program).
    Bearer,
}

/// The signed-in user making a request.
pub struct Auth {
    /// Who they are, for permission decisions.
    pub actor: Actor,
    /// Their account.
    pub user: User,
    /// Their session.
    pub session: Session,
    /// How they proved it.
    pub via: Via,
}

struct Presented {
    token: String,
    via: Via,
    csrf: Option<String>,
    writes: bool,
}

fn presented(request: &HttpRequest) -> Option<Presented> {
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| (t.trim().to_owned(), Via::Bearer));
    let cookie = || {
        request
            .cookie(SESSION_COOKIE)
            .map(|c| (c.value().to_owned(), Via::Cookie))
    };
    let (token, via) = bearer.or_else(cookie)?;
    if token.is_empty() || token.len() > 128 {
        return None;
    }
    Some(Presented {
        token,
        via,
        csrf: request
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        writes: !matches!(
            *request.method(),
            Method::GET | Method::HEAD | Method::OPTIONS
        ),
    })
}

/// Whether a session has ended at `now`, by age or by idleness.
pub fn has_ended(session: &Session, config: &SessionConfig, now: DateTime<Utc>) -> bool {
    session.expires_at <= now
        || session.last_seen_at + Duration::minutes(config.idle_minutes) <= now
}

async fn authenticate(state: web::Data<AppState>, presented: Presented) -> Result<Auth, ApiError> {
    let token_hash = tokens::hash(&presented.token);
    let found = state
        .store
        .read(move |conn| sessions::find_by_token_hash(conn, &token_hash))
        .await?;
    let Some((session, user)) = found else {
        return Err(ApiError::Unauthenticated);
    };
    let now = kefu_domain::time::now();
    if has_ended(&session, &state.config.session, now) {
        let id = session.id;
        state
            .store
            .write(move |conn| sessions::delete(conn, id))
            .await?;
        return Err(ApiError::SessionExpired);
    }
    if !user.active {
        return Err(ApiError::Unauthenticated);
    }
    if presented.via == Via::Cookie && presented.writes {
        let matches = presented
            .csrf
            .as_deref()
            .is_some_and(|sent| tokens::equal(sent, &session.csrf_token));
        if !matches {
            return Err(ApiError::CsrfFailed);
        }
    }
    let user_id = user.id;
    let customer = if user.role == Role::Customer {
        state
            .store
            .read(move |conn| customers::find_by_user(conn, user_id))
            .await?
    } else {
        None
    };
    if now - session.last_seen_at >= Duration::seconds(TOUCH_INTERVAL_SECONDS) {
        let id = session.id;
        state
            .store
            .write(move |conn| sessions::touch(conn, id, now))
            .await
            .or_else(|e: StoreError| match e {
                // A busy database must not fail the request the session was touched for.
                StoreError::Busy => Ok(()),
                other => Err(other),
            })?;
    }
    Ok(Auth {
        actor: Actor {
            user: user.id,
            role: user.role,
            customer,
        },
        user,
        session,
        via: presented.via,
    })
}

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let presented = presented(request);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("no application state".into()))?;
            authenticate(state, presented.ok_or(ApiError::Unauthenticated)?).await
        })
    }
}

/// The session cookie for `token`, living as long as the session may.
pub fn session_cookie(token: &str, config: &SessionConfig) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(config.secure_cookies)
        .max_age(time::Duration::hours(config.absolute_hours))
        .finish()
}

/// A cookie that removes the session cookie.
pub fn cleared_session_cookie(config: &SessionConfig) -> Cookie<'static> {
    let mut cookie = session_cookie("", config);
    cookie.make_removal();
    cookie
}

/// The known-device cookie, sent only to the sign-in endpoint.
pub fn device_cookie(token: &str, config: &SessionConfig) -> Cookie<'static> {
    Cookie::build(DEVICE_COOKIE, token.to_owned())
        .path("/api/v1/auth")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(config.secure_cookies)
        .max_age(time::Duration::days(365))
        .finish()
}
