//! Checks on the people and teams a ticket is triaged to.

use kefu_domain::account::User;
use kefu_domain::ids::{TeamId, UserId};
use kefu_store::{DbConnection, StoreError, teams, users};

use crate::error::AppError;

/// Checks that an assignee is an active agent or admin, and returns them.
pub fn check_assignee(conn: &mut DbConnection, id: UserId) -> Result<User, AppError> {
    match users::find(conn, id) {
        Ok(user) if user.active && user.role.is_staff() => Ok(user),
        Ok(_) => Err(AppError::invalid(
            "invalid_assignee",
            "tickets can only be assigned to active agents or admins",
        )),
        Err(StoreError::NotFound) => Err(AppError::invalid(
            "invalid_assignee",
            format!("there is no user {id}"),
        )),
        Err(other) => Err(other.into()),
    }
}

/// Checks that a team exists, and returns its name.
pub fn check_team(conn: &mut DbConnection, id: TeamId) -> Result<String, AppError> {
    teams::names(conn, &[id])?
        .remove(&id)
        .ok_or_else(|| AppError::invalid("invalid_team", format!("there is no team {id}")))
}
