//! Admins create a team.

use kefu_api_types::accounts::{CreateTeamRequest, TeamResponse};
use kefu_domain::account::Team;
use kefu_domain::ids::TeamId;
use kefu_domain::permissions::Actor;
use kefu_domain::{text, time};
use kefu_store::teams;

use super::{DESCRIPTION_MAX, check_members, name_taken, one};
use crate::App;
use crate::changes::{Change, Changed};
use crate::error::AppError;

/// Creates the team the request describes.
pub async fn create(
    app: &App,
    actor: Actor,
    request: CreateTeamRequest,
) -> Result<Changed<TeamResponse>, AppError> {
    actor.may_administer()?;
    let team = Team {
        id: TeamId::new(),
        name: text::name("name", &request.name)?,
        description: text::optional(
            "description",
            request.description.as_deref(),
            DESCRIPTION_MAX,
            true,
        )?,
        members: request.members,
        created_at: time::now(),
    };
    let id = team.id;
    let created = app
        .store
        .write(move |conn| {
            check_members(conn, &team.members)?;
            teams::insert(conn, &team).map_err(name_taken(&team.name))?;
            one(conn, team.id)
        })
        .await?;
    Ok(Changed::new(created, vec![Change::Team { id }]))
}
