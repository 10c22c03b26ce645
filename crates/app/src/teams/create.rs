//! Admins create a team.

use kefu_api_types::accounts::{CreateTeamRequest, TeamResponse};
use kefu_domain::account::Team;
use kefu_domain::audit::AuditAction;
use kefu_domain::ids::TeamId;
use kefu_domain::permissions::Actor;
use kefu_domain::phone::PhoneNumber;
use kefu_domain::{text, time};
use kefu_store::teams;

use super::{DESCRIPTION_MAX, check_members, name_taken, one};
use crate::App;
use crate::audit::{self, Origin, Target};
use crate::changes::{Change, Changed};
use crate::error::AppError;

/// Creates the team the request describes.
pub async fn create(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: CreateTeamRequest,
) -> Result<Changed<TeamResponse>, AppError> {
    actor.may_administer()?;
    let region = app.phone_region().await?;
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
        phone_line: PhoneNumber::parse_optional(request.phone_line.as_deref(), region)?,
        assign_on_reply: request.assign_on_reply.unwrap_or(true),
        created_at: time::now(),
    };
    let id = team.id;
    let created = app
        .store
        .write(move |conn| {
            check_members(conn, &team.members)?;
            teams::insert(conn, &team).map_err(name_taken(&team.name))?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::TeamCreated,
                &actor,
                Some(Target::new("team", team.id, team.name.clone())),
                Some(serde_json::json!({ "members": team.members })),
                team.created_at,
            )?;
            one(conn, team.id, region)
        })
        .await?;
    Ok(Changed::new(created, vec![Change::Team { id }]))
}
