//! `PATCH /api/v1/tickets/{id}`: status through the state machine, and triage fields.

use actix_web::web;
use chrono::{DateTime, Utc};
use kefu_api_types::Problem;
use kefu_api_types::tickets::{TicketResponse, UpdateTicketRequest};
use kefu_domain::ids::{TeamId, UserId};
use kefu_domain::permissions::{Actor, FieldsTouched, TicketAccess};
use kefu_domain::tag::Tag;
use kefu_domain::ticket::{Priority, Stage, Status, Ticket};
use kefu_domain::{DomainError, status, text, time};
use kefu_store::{DbConnection, reads, tickets};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tickets::reference::{TicketRef, load_for_update};
use crate::tickets::{events, search_document, triage};
use crate::view;

/// A change to a ticket, parsed and validated before any database work.
#[derive(Clone, Debug, Default)]
pub struct TicketChange {
    status: Option<Status>,
    priority: Option<Priority>,
    stage: Option<Stage>,
    subject: Option<String>,
    team: Option<Option<TeamId>>,
    assignee: Option<Option<UserId>>,
    tags: Option<Vec<Tag>>,
    add_tags: Vec<Tag>,
    remove_tags: Vec<Tag>,
}

impl TicketChange {
    /// Parses the request body.
    pub fn parse(request: UpdateTicketRequest) -> Result<Self, ApiError> {
        Ok(Self {
            status: request.status,
            priority: request.priority,
            stage: request.stage,
            subject: request.subject.as_deref().map(text::subject).transpose()?,
            team: request.team_id,
            assignee: request.assignee_id,
            tags: request.tags.as_ref().map(triage::parse_tags).transpose()?,
            add_tags: triage::parse_tags(&request.add_tags)?,
            remove_tags: triage::parse_tags(&request.remove_tags)?,
        })
    }

    fn touched(&self) -> FieldsTouched {
        FieldsTouched {
            status: self.status.is_some(),
            triage: self.priority.is_some()
                || self.stage.is_some()
                || self.subject.is_some()
                || self.team.is_some()
                || self.assignee.is_some()
                || self.tags.is_some()
                || !self.add_tags.is_empty()
                || !self.remove_tags.is_empty(),
        }
    }
}

/// Applies `change` to a loaded ticket for `actor`: checks permissions and the state machine,
/// saves the ticket and records the event. Returns the ticket as it now is.
pub fn apply(
    conn: &mut DbConnection,
    actor: &Actor,
    before: Ticket,
    access: TicketAccess,
    change: &TicketChange,
    now: DateTime<Utc>,
) -> Result<Ticket, ApiError> {
    let touched = change.touched();
    actor.may_change_ticket(access, touched)?;
    if before.status == Status::Closed && (touched.status || touched.triage) {
        return Err(DomainError::TicketClosed.into());
    }
    let mut after = before.clone();
    if let Some(team) = change.team {
        if let Some(team) = team {
            triage::check_team(conn, team)?;
        }
        after.team = team;
    }
    if let Some(assignee) = change.assignee {
        if let Some(user) = assignee {
            triage::check_assignee(conn, user)?;
        }
        after.assignee = assignee;
    }
    after.priority = change.priority.unwrap_or(after.priority);
    after.stage = change.stage.unwrap_or(after.stage);
    if let Some(subject) = &change.subject {
        after.subject = subject.clone();
    }
    if let Some(tags) = &change.tags {
        after.tags = tags.clone();
    }
    after.tags.extend(change.add_tags.iter().cloned());
    after.tags.retain(|t| !change.remove_tags.contains(t));
    after.tags.sort();
    after.tags.dedup();
    triage::check_tag_count(&after.tags)?;
    match change.status {
        Some(to) if to != before.status => {
            status::check_transition(before.status, to, actor.role)?;
            after.status = to;
        }
        Some(_) => {}
        None if after.assignee.is_some() && after.assignee != before.assignee => {
            after.status = status::after_assignment(before.status);
        }
        None => {}
    }
    if after.status == Status::Solved && before.status != Status::Solved {
        after.solved_at = Some(now);
    }
    if after == before {
        return Ok(before);
    }
    after.updated_at = now;
    tickets::save(conn, &after)?;
    if actor.is_staff() {
        reads::mark_seen(conn, actor.user, after.id, now)?;
    }
    events::record(conn, actor, &before, &after, now)?;
    if after.subject != before.subject {
        search_document::refresh(conn, &after)?;
    }
    Ok(after)
}

/// Change a ticket's status, priority, stage, subject, team, assignee or tags.
#[utoipa::path(
    patch, path = "/api/v1/tickets/{id}", operation_id = "update_ticket", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id, or number as `1042` or `#1042`")),
    request_body = UpdateTicketRequest,
    responses(
        (status = 200, description = "The ticket as it now is", body = TicketResponse),
        (status = 403, description = "Not allowed for this role", body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "The state machine has no such move, or the ticket is closed", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: web::Json<UpdateTicketRequest>,
) -> Result<web::Json<TicketResponse>, ApiError> {
    let reference = TicketRef::parse(&path)?;
    let change = TicketChange::parse(body.into_inner())?;
    let actor = auth.actor;
    let ticket = state
        .store
        .write(move |conn| {
            let (before, access) = load_for_update(conn, &actor, reference)?;
            let after = apply(conn, &actor, before, access, &change, time::now())?;
            Ok::<_, ApiError>(view::ticket(conn, after, Some(&actor))?)
        })
        .await?;
    Ok(web::Json(ticket))
}
