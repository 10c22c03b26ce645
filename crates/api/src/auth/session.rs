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
use kefu_app::accounts::authenticate::{self, Credential};
use kefu_app::audit::Origin;
use kefu_app::tokens;
use kefu_domain::account::User;
use kefu_domain::permissions::Actor;
use kefu_store::sessions::Session;

use crate::config::ApiConfig;
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
    /// Their session, or the API token they used.
    pub credential: Credential,
    /// How they presented it.
    pub via: Via,
    /// The client's address (behind trusted proxies, the one they forwarded).
    pub address: String,
}

impl Auth {
    /// Where the request came from, for the audit log.
    pub fn origin(&self) -> Origin {
        Origin::client(self.address.clone())
    }

    /// The session, or a refusal for requests made with an API token.
    pub fn session(&self) -> Result<&Session, ApiError> {
        match &self.credential {
            Credential::Session(session) => Ok(session),
            Credential::Token(_) => Err(ApiError::Forbidden(
                "this needs a signed-in session, not an API token".into(),
            )),
        }
    }
}

/// The client's address as the audit log and throttles record it.
pub fn client_address(request: &HttpRequest, state: &AppState) -> String {
    crate::client::address(request, &state.trusted_proxies)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

struct Presented {
    token: String,
    via: Via,
    csrf: Option<String>,
    writes: bool,
    address: String,
}

fn presented(request: &HttpRequest, state: &AppState) -> Option<Presented> {
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
        address: client_address(request, state),
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
    found.may_write(presented.writes)?;
    if presented.via == Via::Cookie && presented.writes {
        let matches = match found.session() {
            Some(session) => presented
                .csrf
                .as_deref()
                .is_some_and(|sent| tokens::equal(sent, &session.csrf_token)),
            // API tokens are never cookies.
            None => false,
        };
        if !matches {
            return Err(ApiError::CsrfFailed);
        }
    }
    Ok(Auth {
        actor: found.actor,
        user: found.user,
        credential: found.credential,
        via: presented.via,
        address: presented.address,
    })
}

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let presented = state.as_ref().and_then(|s| presented(request, s));
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("no application state".into()))?;
            authenticate(state, presented.ok_or(ApiError::Unauthenticated)?).await
        })
    }
}

/// The session cookie for `token`, living as long as the session may.
pub fn session_cookie(token: &str, config: &ApiConfig) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(config.secure_cookies())
        .max_age(time::Duration::hours(config.session.absolute_hours))
        .finish()
}

/// A cookie that removes the session cookie.
pub fn cleared_session_cookie(config: &ApiConfig) -> Cookie<'static> {
    let mut cookie = session_cookie("", config);
    cookie.make_removal();
    cookie
}

/// The known-device cookie, sent only to the sign-in endpoint.
pub fn device_cookie(token: &str, config: &ApiConfig) -> Cookie<'static> {
    Cookie::build(DEVICE_COOKIE, token.to_owned())
        .path("/api/v1/auth")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(config.secure_cookies())
        .max_age(time::Duration::days(365))
        .finish()
}
