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
use kefu_domain::throttle::{Bucket, Policy};
use kefu_store::sessions::{self, NewSession, Session};
use kefu_store::{devices, throttle, users};

use crate::auth::session::{DEVICE_COOKIE, device_cookie, session_cookie};
use crate::auth::tokens;
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

fn address_of(request: &HttpRequest) -> String {
    request
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
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
    let address = address_of(&request);

    let lookup_hash = device_hash.clone();
    let parsed = EmailAddress::parse(&email).ok();
    let lookup_email = parsed.clone();
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
    check_throttle(&state, &keys).await?;

    let (user, hash) = match credentials {
        Some(c) => (Some(c.user), c.password_hash),
        None => (None, None),
    };
    let matches = state.passwords.verify(password, hash).await?;
    let user = match user {
        Some(user) if matches && user.active => user,
        _ => {
            record_failure(&state, keys).await?;
            return Err(ApiError::InvalidCredentials);
        }
    };

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

/// Refuses the attempt if the address is throttled, or the account is and the request does
/// not come from one of its known devices (whose own bucket still has room).
async fn check_throttle(state: &AppState, keys: &ThrottleKeys) -> Result<(), ApiError> {
    let address = keys.address.clone();
    let account = keys.account.clone();
    let device = keys.device.clone();
    let (address_bucket, account_bucket, device_bucket) = state
        .store
        .read(move |conn| {
            let device_bucket = match &device {
                Some(key) => throttle::load(conn, key)?,
                None => None,
            };
            Ok::<_, ApiError>((
                throttle::load(conn, &address)?,
                throttle::load(conn, &account)?,
                device_bucket,
            ))
        })
        .await?;
    let now = kefu_domain::time::now();
    let wait = Policy::ADDRESS.wait(address_bucket, now).or_else(|| {
        let account_wait = Policy::ACCOUNT.wait(account_bucket, now)?;
        match &keys.device {
            Some(_) => Policy::DEVICE.wait(device_bucket, now),
            None => Some(account_wait),
        }
    });
    match wait {
        Some(wait) => Err(ApiError::Throttled {
            retry_after_seconds: u64::try_from(wait.num_seconds() + 1).unwrap_or(1),
        }),
        None => Ok(()),
    }
}

async fn record_failure(state: &AppState, keys: ThrottleKeys) -> Result<(), ApiError> {
    state
        .store
        .write(move |conn| {
            let now = kefu_domain::time::now();
            let mut spend = |key: &str, policy: Policy| {
                let bucket: Option<Bucket> = throttle::load(conn, key)?;
                throttle::save(conn, key, policy.spend(bucket, now))
            };
            spend(&keys.address, Policy::ADDRESS)?;
            spend(&keys.account, Policy::ACCOUNT)?;
            if let Some(device) = &keys.device {
                spend(device, Policy::DEVICE)?;
            }
            Ok::<_, ApiError>(())
        })
        .await
}
