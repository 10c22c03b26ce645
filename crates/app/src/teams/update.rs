//! Admins rename a team, change its description, or replace its members.

use kefu_api_types::accounts::{TeamResponse, UpdateTeamRequest};
use kefu_domain::ids::TeamId;
use kefu_domain::permissions::Actor;
use kefu_domain::{text, time};
use kefu_store::teams;

use super::{DESCRIPTION_MAX, check_members, name_taken, one};
use crate::App;
use crate::changes::{Change, Changed};
use crate::error::AppError;

/// Applies the request to team `id`.
pub async fn update(
    app: &App,
    actor: Actor,
    id: TeamId,
    request: UpdateTeamRequest,
) -> Result<Changed<TeamResponse>, AppError> {
    actor.may_administer()?;
    let name = request
        .name
        .as_deref()
        .map(|n| text::name("name", n))
        .transpose()?;
    let description = request
        .description
        .map(|d| text::optional("description", d.as_deref(), DESCRIPTION_MAX, true))
        .transpose()?;
    let members = request.members;
    let updated = app
        .store
        .write(move |conn| {
            let now = time::now();
            if !teams::exists(conn, id)? {
                return Err(AppError::NotFound("team"));
            }
            let label = name.clone().unwrap_or_default();
            teams::update(
                conn,
                id,
                name.as_deref(),
                description.as_ref().map(|d| d.as_deref()),
                now,
            )
            .map_err(name_taken(&label))?;
            if let Some(members) = &members {
                check_members(conn, members)?;
                teams::set_members(conn, id, members, now)?;
            }
            one(conn, id)
        })
        .await?;
    Ok(Changed::new(updated, vec![Change::Team { id }]))
}
