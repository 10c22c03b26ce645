//! Teams: the queues of work and their agents.

pub mod create;
pub mod list;
pub mod update;

use kefu_api_types::accounts::TeamResponse;
use kefu_domain::ids::{TeamId, UserId};
use kefu_domain::phone::PhoneRegion;
use kefu_store::{DbConnection, StoreError, teams, users};

use crate::error::AppError;
use crate::view;

/// The longest team description, in characters.
pub const DESCRIPTION_MAX: usize = 1000;

fn check_members(conn: &mut DbConnection, members: &[UserId]) -> Result<(), AppError> {
    kefu_domain::account::check_member_count(members)?;
    let found = users::find_many(conn, members)?;
    for id in members {
        match found.iter().find(|u| u.id == *id) {
            Some(user) if user.role.is_staff() => {}
            Some(_) => {
                return Err(AppError::invalid(
                    "invalid_member",
                    format!("{id} is not an agent or admin"),
                ));
            }
            None => {
                return Err(AppError::invalid(
                    "invalid_member",
                    format!("there is no user {id}"),
                ));
            }
        }
    }
    Ok(())
}

fn name_taken(name: &str) -> impl Fn(StoreError) -> AppError + '_ {
    move |e| match e {
        StoreError::Conflict(_) => AppError::conflict(
            "team_name_taken",
            format!("a team named {name} already exists"),
        ),
        other => other.into(),
    }
}

fn one(
    conn: &mut DbConnection,
    id: TeamId,
    region: Option<PhoneRegion>,
) -> Result<TeamResponse, AppError> {
    let team = teams::find(conn, id).map_err(AppError::not_found_as("team"))?;
    view::teams(conn, &[team], region)?
        .pop()
        .ok_or(AppError::NotFound("team"))
}
