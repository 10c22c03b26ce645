//! `PATCH /api/v1/users/{id}` (admins): rename, change role, deactivate, reset a password.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::accounts::{UpdateUserRequest, UserResponse};
use kefu_domain::ids::UserId;
use kefu_domain::password::Password;
use kefu_domain::role::Role;
use kefu_domain::{text, time};
use kefu_store::users::{self, UserChanges};
use kefu_store::{StoreError, devices, dialect, sessions};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::view;

/// Change an account. Deactivating it or setting its password ends its sessions.
#[utoipa::path(
    patch, path = "/api/v1/users/{id}", operation_id = "update_user", tag = "users",
    params(("id" = String, Path)),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, body = UserResponse),
        (status = 403, description = "Admins only", body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "It would leave no active admin", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: web::Json<UpdateUserRequest>,
) -> Result<web::Json<UserResponse>, ApiError> {
    auth.actor.may_administer()?;
    let id: UserId = path.parse().map_err(|_| ApiError::NotFound("user"))?;
    let request = body.into_inner();
    let name = request
        .name
        .as_deref()
        .map(|n| text::name("name", n))
        .transpose()?;
    let locale = request
        .locale
        .map(|l| l.as_deref().map(view::locale).transpose())
        .transpose()?;
    let hash = match request.password.as_deref() {
        Some(p) => Some(state.passwords.hash(Password::parse(p)?).await?),
        None => None,
    };
    let (role, active) = (request.role, request.active);
    let user = state
        .store
        .write(move |conn| {
            dialect::lock_admins(conn)?;
            let now = time::now();
            let current = users::find(conn, id).map_err(|e| match e {
                StoreError::NotFound => ApiError::NotFound("user"),
                other => other.into(),
            })?;
            if let Some(role) = role
                && (role == Role::Customer) != (current.role == Role::Customer)
            {
                return Err(ApiError::invalid(
                    "role_change_not_supported",
                    "customer accounts stay customers, and staff accounts cannot become customers",
                ));
            }
            let stays_admin =
                role.unwrap_or(current.role) == Role::Admin && active.unwrap_or(current.active);
            if current.role == Role::Admin
                && current.active
                && !stays_admin
                && users::count_active_admins(conn)? <= 1
            {
                return Err(ApiError::Conflict {
                    code: "last_admin",
                    message: "this is the last active admin; make another admin first".into(),
                });
            }
            let changes = UserChanges {
                name,
                role: role.map(|r| r.as_str().to_owned()),
                active,
                locale,
                updated_at: None,
            };
            users::update(conn, id, changes, now)?;
            if let Some(hash) = &hash {
                users::set_password(conn, id, hash, now)?;
                devices::forget_all(conn, id)?;
            }
            if hash.is_some() || active == Some(false) {
                sessions::delete_for_user(conn, id, None)?;
            }
            Ok::<_, ApiError>(users::find(conn, id)?)
        })
        .await?;
    Ok(web::Json(view::user(&user)))
}
