//! Accounts by name, and one account: admins see everyone, agents their colleagues.

use kefu_api_types::accounts::{UserList, UserResponse};
use kefu_api_types::queries::UserQuery;
use kefu_domain::ids::UserId;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_store::users::{self, UserFilter};

use crate::error::AppError;
use crate::{App, view};

/// The most accounts one page holds.
pub const MAX_LIMIT: i64 = 200;
/// The page size when none is asked for.
pub const DEFAULT_LIMIT: i64 = 100;

/// Separates the name from the id in a cursor.
const CURSOR_SEPARATOR: char = '\u{1f}';

fn decode_cursor(cursor: &str) -> Option<(String, UserId)> {
    let (name, id) = cursor.rsplit_once(CURSOR_SEPARATOR)?;
    if name.chars().any(char::is_control) {
        return None;
    }
    Some((name.to_owned(), id.parse().ok()?))
}

/// One page of the accounts `actor` may list.
pub async fn list(app: &App, actor: Actor, query: UserQuery) -> Result<UserList, AppError> {
    actor.may_work_tickets()?;
    let asked = match query.role.as_deref() {
        Some(list) => list
            .split(',')
            .filter(|r| !r.trim().is_empty())
            .map(|r| Role::parse(r.trim()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| AppError::InvalidQuery(e.to_string()))?,
        None => Vec::new(),
    };
    let roles = actor.listable_roles(asked)?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::InvalidQuery(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let after = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(
            decode_cursor(c)
                .ok_or_else(|| AppError::InvalidQuery("the cursor is not valid".into()))?,
        ),
        None => None,
    };
    let filter = UserFilter {
        roles,
        active: query.active,
    };
    let found = app
        .store
        .read(move |conn| users::list(conn, &filter, after, limit + 1))
        .await?;
    let has_more = found.len() as i64 > limit;
    let items: Vec<_> = found.into_iter().take(limit as usize).collect();
    let next_cursor = has_more
        .then(|| items.last())
        .flatten()
        .map(|u| format!("{}{CURSOR_SEPARATOR}{}", u.name, u.id));
    Ok(UserList {
        items: items.iter().map(view::user).collect(),
        next_cursor,
    })
}

/// The account `id`, if `actor` may see it.
pub async fn show(app: &App, actor: Actor, id: UserId) -> Result<UserResponse, AppError> {
    if !actor.is_staff() && actor.user != id {
        return Err(AppError::NotFound("user"));
    }
    let user = app
        .store
        .read(move |conn| users::find(conn, id))
        .await
        .map_err(AppError::not_found_as("user"))?;
    if !actor.may_see_user(user.id, user.role) {
        return Err(AppError::NotFound("user"));
    }
    Ok(view::user(&user))
}
