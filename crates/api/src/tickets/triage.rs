//! Checks on the fields agents triage with: tags, assignee and team.

use kefu_domain::account::User;
use kefu_domain::ids::{TeamId, UserId};
use kefu_domain::tag::{self, Tag};
use kefu_store::{DbConnection, StoreError, teams, users};

use crate::error::ApiError;

/// Parses tags into a sorted set of at most [`tag::MAX_PER_TICKET`].
pub fn parse_tags<'a>(input: impl IntoIterator<Item = &'a String>) -> Result<Vec<Tag>, ApiError> {
    let mut tags = input
        .into_iter()
        .map(|t| Tag::parse(t))
        .collect::<Result<Vec<_>, _>>()?;
    tags.sort();
    tags.dedup();
    check_tag_count(&tags)?;
    Ok(tags)
}

/// Refuses more than [`tag::MAX_PER_TICKET`] tags.
pub fn check_tag_count(tags: &[Tag]) -> Result<(), ApiError> {
    if tags.len() > tag::MAX_PER_TICKET {
        return Err(ApiError::invalid(
            "too_many_tags",
            format!("a ticket carries at most {} tags", tag::MAX_PER_TICKET),
        ));
    }
    Ok(())
}

/// Checks that an assignee is an active agent or admin, and returns them.
pub fn check_assignee(conn: &mut DbConnection, id: UserId) -> Result<User, ApiError> {
    match users::find(conn, id) {
        Ok(user) if user.active && user.role.is_staff() => Ok(user),
        Ok(_) => Err(ApiError::invalid(
            "invalid_assignee",
            "tickets can only be assigned to active agents or admins",
        )),
        Err(StoreError::NotFound) => Err(ApiError::invalid(
            "invalid_assignee",
            format!("there is no user {id}"),
        )),
        Err(other) => Err(other.into()),
    }
}

/// Checks that a team exists, and returns its name.
pub fn check_team(conn: &mut DbConnection, id: TeamId) -> Result<String, ApiError> {
    teams::names(conn, &[id])?
        .remove(&id)
        .ok_or_else(|| ApiError::invalid("invalid_team", format!("there is no team {id}")))
}
