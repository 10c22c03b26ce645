//! SLA policies (admins; agents may read them): add, change, remove, and apply anew to the
//! open tickets.

use kefu_api_types::sla::{
    PolicyList, PolicyRequest, PolicyResponse, ReapplyResponse, ScopeBody, TargetsBody,
};
use kefu_domain::audit::AuditAction;
use kefu_domain::ids::{SlaPolicyId, TicketId};
use kefu_domain::permissions::Actor;
use kefu_domain::sla::{DEFAULT_WARN_PERCENT, Scope, SlaPolicy, Targets};
use kefu_domain::time;
use kefu_store::sla::calendars;
use kefu_store::sla::policies::{self, PolicyRecord};
use kefu_store::{DbConnection, tickets};

use super::clock;
use crate::App;
use crate::audit::{self, Origin, Target};
use crate::changes::{Change, ChangeKind};
use crate::error::AppError;

/// Open tickets put under the policies anew per transaction.
const REAPPLY_BATCH: i64 = 500;

/// The policy as the API shows it, its calendar called `calendar_name`.
fn response(
    conn: &mut DbConnection,
    record: PolicyRecord,
    calendar_name: String,
) -> Result<PolicyResponse, AppError> {
    let p = record.policy;
    Ok(PolicyResponse {
        id: p.id,
        name: p.name,
        position: p.position,
        calendar_id: p.calendar,
        calendar_name,
        scope: ScopeBody {
            stages: p.scope.stages,
            priorities: p.scope.priorities,
            channels: p.scope.channels,
            teams: p.scope.teams,
        },
        targets: TargetsBody {
            first_response: p.targets.first_response,
            next_response: p.targets.next_response,
            resolution: p.targets.resolution,
            call_back: p.targets.call_back,
        },
        warn_percent: p.warn_percent,
        active: p.active,
        tickets: policies::tickets_under(conn, p.id)?,
        created_at: record.created_at,
        updated_at: record.updated_at,
    })
}

fn one(conn: &mut DbConnection, id: SlaPolicyId) -> Result<PolicyResponse, AppError> {
    let record = policies::find(conn, id).map_err(AppError::not_found_as("SLA policy"))?;
    let calendar = calendars::find(conn, record.policy.calendar)
        .map_err(AppError::not_found_as("calendar"))?;
    response(conn, record, calendar.name)
}

/// The policy a request describes, checked.
fn policy_of(
    id: SlaPolicyId,
    position: i32,
    request: &PolicyRequest,
) -> Result<SlaPolicy, AppError> {
    let mut scope = Scope {
        stages: request.scope.stages.clone(),
        priorities: request.scope.priorities.clone(),
        channels: request.scope.channels.clone(),
        teams: request.scope.teams.clone(),
    };
    scope.stages.dedup();
    let mut policy = SlaPolicy {
        id,
        name: request.name.clone(),
        position: request.position.unwrap_or(position),
        calendar: request.calendar_id,
        scope,
        targets: Targets {
            first_response: request.targets.first_response,
            next_response: request.targets.next_response,
            resolution: request.targets.resolution,
            call_back: request.targets.call_back,
        },
        warn_percent: request.warn_percent.unwrap_or(DEFAULT_WARN_PERCENT),
        active: request.active.unwrap_or(true),
    };
    policy.check()?;
    Ok(policy)
}

/// Refuses a policy whose calendar or teams do not exist.
fn check_references(conn: &mut DbConnection, policy: &SlaPolicy) -> Result<(), AppError> {
    calendars::find(conn, policy.calendar).map_err(AppError::not_found_as("calendar"))?;
    for team in &policy.scope.teams {
        kefu_store::teams::find(conn, *team).map_err(AppError::not_found_as("team"))?;
    }
    Ok(())
}

/// Every policy, in the order they are tried (staff).
pub async fn list(app: &App, actor: Actor) -> Result<PolicyList, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            let names: std::collections::HashMap<_, _> = calendars::list(conn)?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect();
            let items = policies::list(conn)?
                .into_iter()
                .map(|record| {
                    let name = names
                        .get(&record.policy.calendar)
                        .cloned()
                        .unwrap_or_default();
                    response(conn, record, name)
                })
                .collect::<Result<_, _>>()?;
            Ok::<_, AppError>(PolicyList { items })
        })
        .await
}

/// One policy (staff).
pub async fn show(app: &App, actor: Actor, id: SlaPolicyId) -> Result<PolicyResponse, AppError> {
    actor.may_work_tickets()?;
    app.store.read(move |conn| one(conn, id)).await
}

/// Adds a policy (admins, audited); it covers tickets opened from now on, and with
/// `apply_to_open`, the open ones too.
pub async fn create(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: PolicyRequest,
) -> Result<PolicyResponse, AppError> {
    actor.may_administer()?;
    let book = app.sla_book.clone();
    let apply = request.apply_to_open;
    let created = app
        .store
        .write(move |conn| {
            let last = policies::list(conn)?
                .iter()
                .map(|r| r.policy.position)
                .max()
                .unwrap_or(0);
            let policy = policy_of(SlaPolicyId::new(), last.saturating_add(1), &request)?;
            check_references(conn, &policy)?;
            let now = time::now();
            policies::insert(
                conn,
                &PolicyRecord {
                    policy: policy.clone(),
                    created_at: now,
                    updated_at: now,
                },
            )?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::SlaPolicyCreated,
                &actor,
                Some(Target::new("sla_policy", policy.id, policy.name.clone())),
                Some(serde_json::json!({ "targets": policy.targets, "scope": policy.scope })),
                now,
            )?;
            book.drop_book();
            Ok::<_, AppError>(policy.id)
        })
        .await?;
    if apply {
        reapply(app, actor, Origin::cli(), false).await?;
    }
    app.store.read(move |conn| one(conn, created)).await
}

/// Changes a policy (admins, audited). Open tickets keep the targets they came under unless
/// `apply_to_open` asks for them to be applied anew.
pub async fn update(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: SlaPolicyId,
    request: PolicyRequest,
) -> Result<PolicyResponse, AppError> {
    actor.may_administer()?;
    let book = app.sla_book.clone();
    let apply = request.apply_to_open;
    app.store
        .write(move |conn| {
            let mut record = policies::find(conn, id).map_err(AppError::not_found_as("SLA policy"))?;
            let policy = policy_of(id, record.policy.position, &request)?;
            check_references(conn, &policy)?;
            if policy != record.policy {
                let now = time::now();
                let before = record.policy.clone();
                record.policy = policy;
                record.updated_at = now;
                policies::update(conn, &record)?;
                audit::record_by(
                    conn,
                    &origin,
                    AuditAction::SlaPolicyUpdated,
                    &actor,
                    Some(Target::new("sla_policy", id, record.policy.name.clone())),
                    Some(serde_json::json!({
                        "from": { "targets": before.targets, "scope": before.scope, "active": before.active, "position": before.position },
                        "to": { "targets": record.policy.targets, "scope": record.policy.scope, "active": record.policy.active, "position": record.policy.position },
                    })),
                    now,
                )?;
                book.drop_book();
            }
            Ok::<_, AppError>(())
        })
        .await?;
    if apply {
        reapply(app, actor, Origin::cli(), false).await?;
    }
    app.store.read(move |conn| one(conn, id)).await
}

/// Removes a policy no ticket's clock runs under (admins, audited); deactivate one in use.
pub async fn delete(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: SlaPolicyId,
) -> Result<(), AppError> {
    actor.may_administer()?;
    let book = app.sla_book.clone();
    app.store
        .write(move |conn| {
            let record = policies::find(conn, id).map_err(AppError::not_found_as("SLA policy"))?;
            if policies::tickets_under(conn, id)? > 0 {
                return Err(AppError::conflict(
                    "sla_policy_in_use",
                    "tickets run under this policy; deactivate it instead, or apply the policies anew first",
                ));
            }
            policies::delete(conn, id)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::SlaPolicyDeleted,
                &actor,
                Some(Target::new("sla_policy", id, record.policy.name.clone())),
                None,
                time::now(),
            )?;
            book.drop_book();
            Ok(())
        })
        .await
}

/// Puts every open ticket under the policy that covers it now, with today's targets (admins;
/// audited when `audited`). Works in batches, each its own transaction.
pub async fn reapply(
    app: &App,
    actor: Actor,
    origin: Origin,
    audited: bool,
) -> Result<ReapplyResponse, AppError> {
    actor.may_administer()?;
    let mut after: Option<TicketId> = None;
    let mut outcome = ReapplyResponse {
        tickets: 0,
        covered: 0,
    };
    loop {
        let cache = app.sla_book.clone();
        let (last, seen, covered, changes) = app
            .store
            .write(move |conn| {
                let book = cache.get(conn)?;
                let ids = tickets::unsolved_after(conn, after, REAPPLY_BATCH)?;
                tickets::lock_for_activity(conn, &ids)?;
                let now = time::now();
                let mut covered = 0u64;
                let mut changes = Vec::new();
                for mut ticket in tickets::find_many(conn, &ids)? {
                    let due = ticket.sla_due_at;
                    if clock::reapply(conn, &book, &mut ticket, now)? {
                        covered += 1;
                    }
                    if ticket.sla_due_at != due {
                        tickets::save_activity(conn, &ticket)?;
                        changes.push(Change::Ticket {
                            id: ticket.id,
                            kind: ChangeKind::Sla,
                        });
                    }
                }
                Ok::<_, AppError>((ids.last().copied(), ids.len() as u64, covered, changes))
            })
            .await?;
        app.publish(&changes);
        outcome.tickets += seen;
        outcome.covered += covered;
        match last {
            Some(last) if seen == REAPPLY_BATCH as u64 => after = Some(last),
            _ => break,
        }
    }
    app.sla_book.drop_book();
    if audited {
        let detail = serde_json::json!({ "tickets": outcome.tickets, "covered": outcome.covered });
        app.store
            .write(move |conn| {
                audit::record_by(
                    conn,
                    &origin,
                    AuditAction::SlaPoliciesReapplied,
                    &actor,
                    None,
                    Some(detail),
                    time::now(),
                )
            })
            .await?;
    }
    Ok(outcome)
}
