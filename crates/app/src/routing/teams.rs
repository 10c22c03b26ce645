//! Each team's automatic assignment, as admins set it: off, round robin or least busy, and
//! each agent's capacity per channel.

use kefu_api_types::routing::{AssignmentBody, AssignmentList, AssignmentResponse, CapacitiesBody};
use kefu_domain::audit::AuditAction;
use kefu_domain::ids::TeamId;
use kefu_domain::permissions::Actor;
use kefu_domain::routing::{Assignment, Capacities};
use kefu_domain::time;
use kefu_store::routing::assignment;
use kefu_store::{DbConnection, teams};

use crate::App;
use crate::audit::{self, Origin, Target};
use crate::error::AppError;

/// Unassigned tickets counted per team, at most.
const WAITING_CAP: i64 = 10_000;

fn response(
    conn: &mut DbConnection,
    team: TeamId,
    team_name: String,
) -> Result<AssignmentResponse, AppError> {
    let a = assignment::get(conn, team)?;
    Ok(AssignmentResponse {
        team_id: team,
        team_name,
        mode: a.mode,
        capacities: body(a.capacities),
        waiting: assignment::waiting(conn, team, WAITING_CAP)?,
    })
}

fn body(c: Capacities) -> CapacitiesBody {
    CapacitiesBody {
        email: c.email,
        phone: c.phone,
        web: c.web,
        api: c.api,
    }
}

/// Every team's automatic assignment (staff).
pub async fn list(app: &App, actor: Actor) -> Result<AssignmentList, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            let items = teams::list(conn)?
                .into_iter()
                .map(|t| response(conn, t.id, t.name))
                .collect::<Result<_, _>>()?;
            Ok::<_, AppError>(AssignmentList { items })
        })
        .await
}

/// Sets how `team` hands out its tickets (admins, audited). Turning it on also hands out the
/// team's waiting tickets at the next sweep.
pub async fn update(
    app: &App,
    actor: Actor,
    origin: Origin,
    team: TeamId,
    request: AssignmentBody,
) -> Result<AssignmentResponse, AppError> {
    actor.may_administer()?;
    let c = request.capacities;
    let wanted = Assignment {
        mode: request.mode,
        capacities: Capacities {
            email: c.email,
            phone: c.phone,
            web: c.web,
            api: c.api,
        },
    };
    wanted.capacities.check()?;
    app.store
        .write(move |conn| {
            let name = teams::find(conn, team)
                .map_err(AppError::not_found_as("team"))?
                .name;
            let before = assignment::get(conn, team)?;
            if before != wanted {
                let now = time::now();
                assignment::set(conn, team, &wanted, now)?;
                audit::record_by(
                    conn,
                    &origin,
                    AuditAction::TeamAssignmentUpdated,
                    &actor,
                    Some(Target::new("team", team, name.clone())),
                    Some(serde_json::json!({
                        "mode": wanted.mode.as_str(),
                        "capacities": wanted.capacities,
                    })),
                    now,
                )?;
            }
            response(conn, team, name)
        })
        .await
}
