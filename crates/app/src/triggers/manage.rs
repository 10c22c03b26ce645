//! Triggers (admins; agents may read them): add, change, remove.

use kefu_api_types::triggers::{
    TriggerActionBody, TriggerConditionsBody, TriggerList, TriggerRequest, TriggerResponse,
};
use kefu_domain::audit::AuditAction;
use kefu_domain::ids::TriggerId;
use kefu_domain::permissions::Actor;
use kefu_domain::tag::{self, Tag};
use kefu_domain::time;
use kefu_domain::triggers::{Action, AssignTo, Conditions, TRIGGERS_MAX, Trigger};
use kefu_store::DbConnection;
use kefu_store::triggers::{self, TriggerRecord};

use crate::App;
use crate::audit::{self, Origin, Target};
use crate::error::AppError;
use crate::tickets::triage;

fn tag_texts(tags: &[Tag]) -> Vec<String> {
    tags.iter().map(ToString::to_string).collect()
}

fn action_body(action: &Action) -> TriggerActionBody {
    match action.clone() {
        Action::SetStatus { status } => TriggerActionBody::SetStatus { status },
        Action::SetPriority { priority } => TriggerActionBody::SetPriority { priority },
        Action::SetTeam { team } => TriggerActionBody::SetTeam { team_id: team },
        Action::Assign { assign } => TriggerActionBody::Assign {
            user_id: match assign {
                AssignTo::Nobody => None,
                AssignTo::User(user) => Some(user),
            },
        },
        Action::AddTags { tags } => TriggerActionBody::AddTags {
            tags: tag_texts(&tags),
        },
        Action::RemoveTags { tags } => TriggerActionBody::RemoveTags {
            tags: tag_texts(&tags),
        },
        Action::Note { text_en, text_zh } => TriggerActionBody::Note { text_en, text_zh },
        Action::EmailRequester { text_en, text_zh } => {
            TriggerActionBody::EmailRequester { text_en, text_zh }
        }
        Action::EmailAssignee { text_en, text_zh } => {
            TriggerActionBody::EmailAssignee { text_en, text_zh }
        }
        Action::CallWebhook { integration } => TriggerActionBody::CallWebhook {
            integration_id: integration,
        },
    }
}

fn action_of(body: &TriggerActionBody) -> Result<Action, AppError> {
    Ok(match body.clone() {
        TriggerActionBody::SetStatus { status } => Action::SetStatus { status },
        TriggerActionBody::SetPriority { priority } => Action::SetPriority { priority },
        TriggerActionBody::SetTeam { team_id } => Action::SetTeam { team: team_id },
        TriggerActionBody::Assign { user_id } => Action::Assign {
            assign: user_id.map_or(AssignTo::Nobody, AssignTo::User),
        },
        TriggerActionBody::AddTags { tags } => Action::AddTags {
            tags: tag::parse_set(&tags)?,
        },
        TriggerActionBody::RemoveTags { tags } => Action::RemoveTags {
            tags: tag::parse_set(&tags)?,
        },
        TriggerActionBody::Note { text_en, text_zh } => Action::Note { text_en, text_zh },
        TriggerActionBody::EmailRequester { text_en, text_zh } => {
            Action::EmailRequester { text_en, text_zh }
        }
        TriggerActionBody::EmailAssignee { text_en, text_zh } => {
            Action::EmailAssignee { text_en, text_zh }
        }
        TriggerActionBody::CallWebhook { integration_id } => Action::CallWebhook {
            integration: integration_id,
        },
    })
}

fn response(record: TriggerRecord) -> TriggerResponse {
    let t = record.trigger;
    let c = t.conditions;
    TriggerResponse {
        id: t.id,
        name: t.name,
        event: t.event,
        position: t.position,
        active: t.active,
        conditions: TriggerConditionsBody {
            statuses: c.statuses,
            priorities: c.priorities,
            stages: c.stages,
            channels: c.channels,
            teams: c.teams,
            tags_any: tag_texts(&c.tags_any),
            tags_none: tag_texts(&c.tags_none),
            assigned: c.assigned,
            hours: c.hours,
        },
        actions: t.actions.iter().map(action_body).collect(),
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

/// The trigger a request describes, checked.
fn trigger_of(id: TriggerId, position: i32, request: &TriggerRequest) -> Result<Trigger, AppError> {
    let c = &request.conditions;
    let mut trigger = Trigger {
        id,
        name: request.name.clone(),
        position: request.position.unwrap_or(position),
        active: request.active.unwrap_or(true),
        event: request.event,
        conditions: Conditions {
            statuses: c.statuses.clone(),
            priorities: c.priorities.clone(),
            stages: c.stages.clone(),
            channels: c.channels.clone(),
            teams: c.teams.clone(),
            tags_any: tag::parse_set(&c.tags_any)?,
            tags_none: tag::parse_set(&c.tags_none)?,
            assigned: c.assigned,
            hours: c.hours,
        },
        actions: request
            .actions
            .iter()
            .map(action_of)
            .collect::<Result<_, _>>()?,
    };
    trigger.check()?;
    Ok(trigger)
}

/// Refuses a trigger naming a team, agent or integration that does not exist.
fn check_references(conn: &mut DbConnection, trigger: &Trigger) -> Result<(), AppError> {
    for team in &trigger.conditions.teams {
        triage::check_team(conn, *team)?;
    }
    for action in &trigger.actions {
        match action {
            Action::SetTeam { team } => {
                triage::check_team(conn, *team)?;
            }
            Action::Assign {
                assign: AssignTo::User(user),
            } => {
                triage::check_assignee(conn, *user)?;
            }
            Action::CallWebhook { integration } => {
                match kefu_store::integrations::find(conn, *integration) {
                    Ok(_) => {}
                    Err(kefu_store::StoreError::NotFound) => {
                        return Err(AppError::invalid(
                            "unknown_integration",
                            format!("there is no integration webhook {integration}"),
                        ));
                    }
                    Err(error) => return Err(error.into()),
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Every trigger, by event and position (staff).
pub async fn list(app: &App, actor: Actor) -> Result<TriggerList, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            let items = triggers::list(conn)?.into_iter().map(response).collect();
            Ok::<_, AppError>(TriggerList { items })
        })
        .await
}

/// One trigger (staff).
pub async fn show(app: &App, actor: Actor, id: TriggerId) -> Result<TriggerResponse, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            Ok::<_, AppError>(response(
                triggers::find(conn, id).map_err(AppError::not_found_as("trigger"))?,
            ))
        })
        .await
}

/// Adds a trigger, last among its event's unless a position is given (admins, audited).
pub async fn create(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: TriggerRequest,
) -> Result<TriggerResponse, AppError> {
    actor.may_administer()?;
    let book = app.sla_book.clone();
    app.store
        .write(move |conn| {
            let all = triggers::list(conn)?;
            if all.len() >= TRIGGERS_MAX {
                return Err(AppError::invalid(
                    "too_many_triggers",
                    format!("a helpdesk has at most {TRIGGERS_MAX} triggers"),
                ));
            }
            let last = all
                .iter()
                .filter(|r| r.trigger.event == request.event)
                .map(|r| r.trigger.position)
                .max()
                .unwrap_or(0);
            let trigger = trigger_of(TriggerId::new(), last.saturating_add(1), &request)?;
            check_references(conn, &trigger)?;
            let now = time::now();
            let record = TriggerRecord {
                trigger,
                created_at: now,
                updated_at: now,
            };
            triggers::insert(conn, &record)?;
            audit_trigger(
                conn,
                &origin,
                AuditAction::TriggerCreated,
                &actor,
                &record.trigger,
            )?;
            book.drop_book();
            Ok(response(record))
        })
        .await
}

/// Changes a trigger (admins, audited).
pub async fn update(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: TriggerId,
    request: TriggerRequest,
) -> Result<TriggerResponse, AppError> {
    actor.may_administer()?;
    let book = app.sla_book.clone();
    app.store
        .write(move |conn| {
            let mut record = triggers::find(conn, id).map_err(AppError::not_found_as("trigger"))?;
            let trigger = trigger_of(id, record.trigger.position, &request)?;
            check_references(conn, &trigger)?;
            if trigger != record.trigger {
                record.trigger = trigger;
                record.updated_at = time::now();
                triggers::update(conn, &record)?;
                audit_trigger(
                    conn,
                    &origin,
                    AuditAction::TriggerUpdated,
                    &actor,
                    &record.trigger,
                )?;
                book.drop_book();
            }
            Ok::<_, AppError>(response(record))
        })
        .await
}

/// Removes a trigger (admins, audited); what it did stays on the tickets' timelines.
pub async fn delete(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: TriggerId,
) -> Result<(), AppError> {
    actor.may_administer()?;
    let book = app.sla_book.clone();
    app.store
        .write(move |conn| {
            let record = triggers::find(conn, id).map_err(AppError::not_found_as("trigger"))?;
            triggers::delete(conn, id)?;
            audit_trigger(
                conn,
                &origin,
                AuditAction::TriggerDeleted,
                &actor,
                &record.trigger,
            )?;
            book.drop_book();
            Ok::<_, AppError>(())
        })
        .await
}

fn audit_trigger(
    conn: &mut DbConnection,
    origin: &Origin,
    action: AuditAction,
    actor: &Actor,
    trigger: &Trigger,
) -> Result<(), AppError> {
    audit::record_by(
        conn,
        origin,
        action,
        actor,
        Some(Target::new("trigger", trigger.id, trigger.name.clone())),
        Some(serde_json::json!({
            "event": trigger.event.as_str(),
            "conditions": trigger.conditions,
            "actions": trigger.actions,
            "active": trigger.active,
        })),
        time::now(),
    )?;
    Ok(())
}
