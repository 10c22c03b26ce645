//! Admins rename a team, change its description, or replace its members.

use kefu_api_types::accounts::{TeamResponse, UpdateTeamRequest};
use kefu_domain::audit::AuditAction;
use kefu_domain::ids::TeamId;
use kefu_domain::permissions::Actor;
use kefu_domain::phone::PhoneNumber;
use kefu_domain::{text, time};
use kefu_store::teams::{self, TeamChanges};
use serde_json::json;

use super::{DESCRIPTION_MAX, check_members, name_taken, one};
use crate::App;
use crate::audit::{self, Origin, Target};
use crate::changes::{Change, Changed};
use crate::error::AppError;

/// Applies the request to team `id`.
pub async fn update(
    app: &App,
    actor: Actor,
    origin: Origin,
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
    let region = app.phone_region().await?;
    let phone_line = request
        .phone_line
        .map(|p| PhoneNumber::parse_optional(p.as_deref(), region))
        .transpose()?;
    let assign_on_reply = request.assign_on_reply;
    let updated = app
        .store
        .write(move |conn| {
            let now = time::now();
            let before = one(conn, id, region)?;
            let label = name.clone().unwrap_or_default();
            let changes = TeamChanges {
                name: name.as_deref(),
                description: description.as_ref().map(|d| d.as_deref()),
                phone_line: phone_line.as_ref().map(Option::as_ref),
                assign_on_reply,
            };
            teams::update(conn, id, changes, now).map_err(name_taken(&label))?;
            if let Some(members) = &members {
                check_members(conn, members)?;
                teams::set_members(conn, id, members, now)?;
            }
            let after = one(conn, id, region)?;
            let member_ids = |t: &TeamResponse| t.members.iter().map(|m| m.id).collect::<Vec<_>>();
            let detail = audit::differences([
                ("name", json!(before.name), json!(after.name)),
                (
                    "description",
                    json!(before.description),
                    json!(after.description),
                ),
                (
                    "phone_line",
                    json!(before.phone_line),
                    json!(after.phone_line),
                ),
                (
                    "assign_on_reply",
                    json!(before.assign_on_reply),
                    json!(after.assign_on_reply),
                ),
                (
                    "members",
                    json!(member_ids(&before)),
                    json!(member_ids(&after)),
                ),
            ]);
            if let Some(detail) = detail {
                audit::record_by(
                    conn,
                    &origin,
                    AuditAction::TeamUpdated,
                    &actor,
                    Some(Target::new("team", id, after.name.clone())),
                    Some(detail),
                    now,
                )?;
            }
            Ok::<_, AppError>(after)
        })
        .await?;
    Ok(Changed::new(updated, vec![Change::Team { id }]))
}
