//! `GET /api/v1/me`, `PATCH /api/v1/me` and `POST /api/v1/me/password`.

use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::accounts::UserResponse;
use kefu_api_types::auth::{ChangePasswordRequest, MeResponse};
use kefu_domain::password::Password;
use kefu_store::users::{self, UserChanges};
use kefu_store::{devices, sessions};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::view;

/// The signed-in user and their session.
#[utoipa::path(
    get, path = "/api/v1/me", operation_id = "get_me", tag = "auth",
    responses(
        (status = 200, body = MeResponse),
        (status = 401, description = "Not signed in or session ended", body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(auth: Auth) -> Result<web::Json<MeResponse>, ApiError> {
    Ok(web::Json(MeResponse {
        user: view::user(&auth.user),
        csrf_token: auth.session.csrf_token,
        expires_at: auth.session.expires_at,
        customer_id: auth.actor.customer,
    }))
}

/// `PATCH /api/v1/me`: what users change about themselves.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    /// A new display name.
    #[serde(default)]
    pub name: Option<String>,
    /// A preferred language (`en`, `zh-CN`), or `null` to follow the browser.
    #[serde(default, with = "kefu_api_types::nullable")]
    #[schema(value_type = Option<String>)]
    pub locale: Option<Option<String>>,
}

/// Change your own name or language.
#[utoipa::path(
    patch, path = "/api/v1/me", operation_id = "update_me", tag = "auth",
    request_body = UpdateMeRequest,
    responses((status = 200, body = UserResponse), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<UpdateMeRequest>,
) -> Result<web::Json<UserResponse>, ApiError> {
    let body = body.into_inner();
    let changes = UserChanges {
        name: body
            .name
            .as_deref()
            .map(|n| kefu_domain::text::name("name", n))
            .transpose()?,
        locale: body
            .locale
            .map(|l| l.map(|l| view::locale(&l)).transpose())
            .transpose()?,
        ..UserChanges::default()
    };
    let id = auth.user.id;
    let user = state
        .store
        .write(move |conn| {
            users::update(conn, id, changes, kefu_domain::time::now())?;
            Ok::<_, ApiError>(users::find(conn, id)?)
        })
        .await?;
    Ok(web::Json(view::user(&user)))
}

/// Change your password; every other session of yours ends.
#[utoipa::path(
    post, path = "/api/v1/me/password", operation_id = "change_password", tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed; other sessions ended"),
        (status = 403, description = "The current password is wrong", body = Problem),
        (status = 422, description = "The new password is too weak", body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn change_password(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.into_inner();
    let new_password = Password::parse(&new_password)?;
    let id = auth.user.id;
    let stored = state
        .store
        .read(move |conn| users::password_hash(conn, id))
        .await?;
    if !state.passwords.verify(current_password, stored).await? {
        return Err(ApiError::Forbidden(
            "the current password is incorrect".into(),
        ));
    }
    let hash = state.passwords.hash(new_password).await?;
    let keep = auth.session.id;
    state
        .store
        .write(move |conn| {
            let now = kefu_domain::time::now();
            users::set_password(conn, id, &hash, now)?;
            sessions::delete_for_user(conn, id, Some(keep))?;
            devices::forget_all(conn, id)?;
            Ok::<_, ApiError>(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
