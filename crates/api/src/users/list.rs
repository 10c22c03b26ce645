//! `GET /api/v1/users` and `GET /api/v1/users/{id}`.

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::accounts::{UserList, UserResponse};
use kefu_domain::ids::UserId;
use kefu_domain::role::Role;
use kefu_store::StoreError;
use kefu_store::users::{self, UserFilter};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::view;

/// Filters and paging for the user list.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Roles, comma-separated; agents may list only `admin` and `agent`.
    pub role: Option<String>,
    /// `true` for active accounts only, `false` for deactivated ones.
    pub active: Option<bool>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 100).
    pub limit: Option<i64>,
}

fn decode_cursor(cursor: &str) -> Option<(String, UserId)> {
    let (name, id) = cursor.rsplit_once('\u{1f}')?;
    if name.chars().any(char::is_control) {
        return None;
    }
    Some((name.to_owned(), id.parse().ok()?))
}

/// Accounts by name. Admins see everyone; agents see their colleagues (for assigning).
#[utoipa::path(
    get, path = "/api/v1/users", operation_id = "list_users", tag = "users",
    params(UserQuery),
    responses((status = 200, body = UserList), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<UserQuery>,
) -> Result<web::Json<UserList>, ApiError> {
    auth.actor.may_work_tickets()?;
    let mut roles = match query.role.as_deref() {
        Some(list) => list
            .split(',')
            .filter(|r| !r.trim().is_empty())
            .map(|r| Role::parse(r.trim()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ApiError::BadRequest {
                code: "invalid_query",
                message: e.to_string(),
            })?,
        None => Vec::new(),
    };
    if auth.actor.role != Role::Admin {
        if roles.is_empty() {
            roles = vec![Role::Admin, Role::Agent];
        }
        if roles.iter().any(|r| !r.is_staff()) {
            return Err(ApiError::Forbidden(
                "agents may list only agents and admins".into(),
            ));
        }
    }
    let limit = query.limit.unwrap_or(100);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::BadRequest {
            code: "invalid_query",
            message: "limit must be between 1 and 200".into(),
        });
    }
    let after = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(decode_cursor(c).ok_or(ApiError::BadRequest {
            code: "invalid_query",
            message: "the cursor is not valid".into(),
        })?),
        None => None,
    };
    let filter = UserFilter {
        roles,
        active: query.active,
    };
    let found = state
        .store
        .read(move |conn| users::list(conn, &filter, after, limit + 1))
        .await
        .map_err(ApiError::from)?;
    let has_more = found.len() as i64 > limit;
    let items: Vec<_> = found.into_iter().take(limit as usize).collect();
    let next_cursor = has_more
        .then(|| items.last())
        .flatten()
        .map(|u| format!("{}\u{1f}{}", u.name, u.id));
    Ok(web::Json(UserList {
        items: items.iter().map(view::user).collect(),
        next_cursor,
    }))
}

/// One account: admins see anyone, others only themselves.
#[utoipa::path(
    get, path = "/api/v1/users/{id}", operation_id = "get_user", tag = "users",
    params(("id" = String, Path)),
    responses((status = 200, body = UserResponse), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<UserResponse>, ApiError> {
    let id: UserId = path.parse().map_err(|_| ApiError::NotFound("user"))?;
    let visible = auth.actor.role == Role::Admin || auth.actor.user == id;
    if !visible && !auth.actor.is_staff() {
        return Err(ApiError::NotFound("user"));
    }
    let user = state
        .store
        .read(move |conn| users::find(conn, id))
        .await
        .map_err(|e| match e {
            StoreError::NotFound => ApiError::NotFound("user"),
            other => other.into(),
        })?;
    if !visible && !user.role.is_staff() {
        return Err(ApiError::NotFound("user"));
    }
    Ok(web::Json(view::user(&user)))
}
