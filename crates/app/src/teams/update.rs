//! Admins rename a team, change its description, or replace its members.

use kefu_api_types::accounts::{TeamResponse, UpdateTeamRequest};
use kefu_domain::audit::AuditAction;
use kefu_domain::ids::TeamId;
use kefu_domain::permissions::Actor;
use kefu_domain::phone::PhoneNumber;
use kefu_domain::{text, time};
use kefu_store::teams::{self, TeamChanges};

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
        .map(|p| {
            p.as_deref()
                .filter(|p| !p.trim().is_empty())
                .map(|p| PhoneNumber::parse(p, region))
                .transpose()
        })
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
            teams::update(conn, id, changes, now)
            .map_err(name_taken(&label))?;
            if let Some(members) = &members {
                check_members(conn, members)?;
                teams::set_members(conn, id, members, now)?;
            }
            let after = one(conn, id, region)?;
            let member_ids = |t: &TeamResponse| t.members.iter().map(|m| m.id).collect::<Vec<_>>();
            let mut detail = serde_json::Map::new();
            if after.name != before.name {
                detail.insert(
                    "name".into(),
                    serde_json::json!({ "from": before.name, "to": after.name }),
                );
            }
            if after.description != before.description {
                detail.insert(
                    "description".into(),
                    serde_json::json!({ "from": before.description, "to": after.description }),
                );
            }
            if after.phone_line != before.phone_line {
                detail.insert("phone_line".into(), serde_json::json!({ "from": before.phone_line, "to": after.phone_line }));
            }
            if after.assign_on_reply != before.assign_on_reply {
                detail.insert("assign_on_reply".into(), serde_json::json!({ "from": before.assign_on_reply, "to": after.assign_on_reply }));
            }
            if member_ids(&after) != member_ids(&before) {
                detail.insert(
                    "members".into(),
                    serde_json::json!({ "from": member_ids(&before), "to": member_ids(&after) }),
                );
            }
            if !detail.is_empty() {
                let name = audit::actor_name(conn, &actor)?;
                audit::record(
                    conn,
                    &origin,
                    AuditAction::TeamUpdated,
                    Some((actor.user, &name)),
                    Some(Target::new("team", id, after.name.clone())),
                    Some(serde_json::Value::Object(detail)),
                    now,
                )?;
            }
            Ok::<_, AppError>(after)
        })
        .await?;
    Ok(Changed::new(updated, vec![Change::Team { id }]))
}
