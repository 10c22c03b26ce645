//! `POST /api/v1/auth/login`: password sign-in with throttling that cannot lock the real user
//! out for long.
//!
//! Failures are counted per account, per client address and per known device, in token buckets
//! stored in the database (so every node sees them). A browser that has signed in to the
//! account before carries a device cookie and keeps its own bucket, so a password-guessing
//! attack on the account does not stop its owner.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Duration;
use kefu_api_types::Problem;
use kefu_api_types::auth::{LoginRequest, LoginResponse};
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::{SessionId, UserId};
use kefu_domain::throttle::Policy;
use kefu_store::sessions::{self, NewSession, Session};
use kefu_store::{devices, throttle, users};

use crate::auth::session::{DEVICE_COOKIE, device_cookie, session_cookie};
use crate::auth::tokens;
use crate::client;
use crate::error::ApiError;
use crate::state::AppState;
use crate::view;

/// The buckets one sign-in attempt is counted in.
struct ThrottleKeys {
    address: String,
    account: String,
    /// The device's key, if the request carries a device token known for this account.
    device: Option<String>,
}

impl ThrottleKeys {
    /// The buckets an attempt spends from: a known device's own bucket (so that an attack from
    /// elsewhere cannot lock the owner out), or else the address's; and always the account's,
    /// so that every failure counts against the account.
    fn spent(&self) -> Vec<(&str, Policy)> {
        let first = match &self.device {
            Some(device) => (device.as_str(), Policy::DEVICE),
            None => (self.address.as_str(), Policy::ADDRESS),
        };
        vec![first, (self.account.as_str(), Policy::ACCOUNT)]
    }

    /// The buckets that must have room for an attempt: a known device's alone, or else both
    /// the address's and the account's.
    fn required(&self) -> Vec<(&str, Policy)> {
        match &self.device {
            Some(device) => vec![(device.as_str(), Policy::DEVICE)],
            None => vec![
                (self.address.as_str(), Policy::ADDRESS),
                (self.account.as_str(), Policy::ACCOUNT),
            ],
        }
    }
}

/// Sign in with email and password.
#[utoipa::path(
    post, path = "/api/v1/auth/login", operation_id = "login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = LoginResponse),
        (status = 401, description = "Wrong email or password", body = Problem),
        (status = 429, description = "Too many failures; see Retry-After", body = Problem),
    )
)]
pub async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { email, password } = body.into_inner();
    let email_key = email.trim().to_lowercase();
    let device_token = request.cookie(DEVICE_COOKIE).map(|c| c.value().to_owned());
    let device_hash = device_token.as_deref().map(tokens::hash);
    let address = client::address(&request, &state.trusted_proxies)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());

    let lookup_hash = device_hash.clone();
    let lookup_email = EmailAddress::parse(&email).ok();
    let (credentials, device_owner) = state
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
            Ok::<_, ApiError>((credentials, owner))
        })
        .await?;
    let account_user: Option<UserId> = credentials.as_ref().map(|c| c.user.id);
    let keys = ThrottleKeys {
        address: format!("address:{address}"),
        // Hashed: the key is whatever was typed, and the table should not collect addresses.
        account: format!("account:{}", tokens::hash(&email_key)),
        device: match (&device_hash, device_owner, account_user) {
            (Some(hash), Some(owner), Some(user)) if owner == user => {
                Some(format!("device:{hash}"))
            }
            _ => None,
        },
    };
    take_attempt(&state, &keys).await?;

    let (user, hash) = match credentials {
        Some(c) => (Some(c.user), c.password_hash),
        None => (None, None),
    };
    let matches = state.passwords.verify(password, hash).await?;
    let user = match user {
        Some(user) if matches && user.active => user,
        _ => return Err(ApiError::InvalidCredentials),
    };
    refund_attempt(&state, keys).await?;

    let now = kefu_domain::time::now();
    let token = tokens::generate();
    let session = Session {
        id: SessionId::new(),
        user: user.id,
        csrf_token: tokens::generate(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + Duration::hours(state.config.session.absolute_hours),
    };
    let new_device = (device_owner != Some(user.id)).then(tokens::generate);
    let user_agent = request
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let stored = session.clone();
    let token_hash = tokens::hash(&token);
    let device_hash = new_device.as_deref().map(tokens::hash);
    state
        .store
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
            if let Some(hash) = &device_hash {
                devices::remember(conn, hash, stored.user, now)?;
            }
            Ok::<_, ApiError>(())
        })
        .await?;

    let mut response = HttpResponse::Ok();
    response.cookie(session_cookie(&token, &state.config.session));
    if let Some(device) = &new_device {
        response.cookie(device_cookie(device, &state.config.session));
    }
    Ok(response.json(LoginResponse {
        token,
        csrf_token: session.csrf_token,
        expires_at: session.expires_at,
        user: view::user(&user),
    }))
}

/// Takes one attempt from the buckets, or refuses with how long to wait. The buckets are locked
/// while this runs, so parallel attempts are counted one by one and the token is spent before
/// the password is checked: a burst of guesses gets no more tries than a sequence.
async fn take_attempt(state: &AppState, keys: &ThrottleKeys) -> Result<(), ApiError> {
    let required: Vec<(String, Policy)> = keys
        .required()
        .into_iter()
        .map(|(k, p)| (k.to_owned(), p))
        .collect();
    let spent: Vec<(String, Policy)> = keys
        .spent()
        .into_iter()
        .map(|(k, p)| (k.to_owned(), p))
        .collect();
    state
        .store
        .write(move |conn| {
            let now = kefu_domain::time::now();
            let mut buckets = std::collections::HashMap::new();
            for (key, policy) in required.iter().chain(&spent) {
                if !buckets.contains_key(key) {
                    let bucket = throttle::lock(conn, key, policy.capacity, now)?;
                    buckets.insert(key.clone(), bucket);
                }
            }
            let wait = required
                .iter()
                .filter_map(|(key, policy)| policy.wait(buckets.get(key).copied(), now))
                .max();
            if let Some(wait) = wait {
                return Err(ApiError::Throttled {
                    retry_after_seconds: u64::try_from(wait.num_seconds() + 1).unwrap_or(1),
                });
            }
            for (key, policy) in &spent {
                throttle::save(conn, key, policy.spend(buckets.get(key).copied(), now))?;
            }
            Ok(())
        })
        .await
}

/// Gives back the attempt a successful sign-in took: only failures count.
async fn refund_attempt(state: &AppState, keys: ThrottleKeys) -> Result<(), ApiError> {
    let spent: Vec<(String, Policy)> = keys
        .spent()
        .into_iter()
        .map(|(k, p)| (k.to_owned(), p))
        .collect();
    state
        .store
        .write(move |conn| {
            let now = kefu_domain::time::now();
            for (key, policy) in &spent {
                let bucket = throttle::lock(conn, key, policy.capacity, now)?;
                throttle::save(conn, key, policy.refund(bucket, now))?;
            }
            Ok::<_, ApiError>(())
        })
        .await
}
