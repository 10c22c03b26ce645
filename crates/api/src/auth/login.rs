//! `POST /api/v1/auth/login`: password sign-in (throttled; see `kefu_app::accounts::sign_in`).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::auth::{LoginRequest, LoginResponse};
use kefu_app::accounts::sign_in::{SignIn, sign_in};
use kefu_app::view;

use crate::auth::session::{DEVICE_COOKIE, client_address, device_cookie, session_cookie};
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

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
    body: Object<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest {
        email,
        password,
        token: wants_token,
    } = body.into_inner();
    let attempt = SignIn {
        email,
        password,
        address: client_address(&request, &state),
        device_token: request.cookie(DEVICE_COOKIE).map(|c| c.value().to_owned()),
        user_agent: request
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        remember_device: !wants_token,
    };
    let signed_in = sign_in(&state.app, attempt).await?;
    let mut response = HttpResponse::Ok();
    response.cookie(session_cookie(&signed_in.token, &state.config));
    if let Some(device) = &signed_in.new_device {
        response.cookie(device_cookie(device, &state.config));
    }
    Ok(response.json(LoginResponse {
        token: wants_token.then_some(signed_in.token),
        csrf_token: signed_in.session.csrf_token,
        expires_at: signed_in.session.expires_at,
        user: view::user(&signed_in.user),
    }))
}
