//! The `Auth` extractor: who is asking, from a session cookie or a bearer token.
//!
//! Cookie-authenticated writes must carry the session's CSRF token in `X-CSRF-Token`; a page on
//! another site cannot read it, so it cannot forge such a write. Bearer tokens are never sent
//! by a browser on its own and need no CSRF token.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use kefu_app::accounts::authenticate;
use kefu_app::tokens;
use kefu_domain::account::User;
use kefu_domain::permissions::Actor;
use kefu_store::sessions::Session;

use crate::config::SessionConfig;
use crate::error::ApiError;
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "kefu_session";
/// The known-device cookie's name.
pub const DEVICE_COOKIE: &str = "kefu_device";
/// The header cookie-authenticated writes carry the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

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

async fn authenticate(state: web::Data<AppState>, presented: Presented) -> Result<Auth, ApiError> {
    let found = authenticate::authenticate(&state.app, &presented.token).await?;
    if presented.via == Via::Cookie && presented.writes {
        let matches = presented
            .csrf
            .as_deref()
            .is_some_and(|sent| tokens::equal(sent, &found.session.csrf_token));
        if !matches {
            return Err(ApiError::CsrfFailed);
        }
    }
    Ok(Auth {
        actor: found.actor,
        user: found.user,
        session: found.session,
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
