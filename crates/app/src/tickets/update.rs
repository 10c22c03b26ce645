//! Changing a ticket: its status through the state machine, and the fields agents triage with.

use chrono::{DateTime, Utc};
use kefu_api_types::tickets::{TicketResponse, UpdateTicketRequest};
use kefu_domain::ids::{TeamId, UserId};
use kefu_domain::permissions::{Actor, FieldsTouched, TicketAccess};
use kefu_domain::tag::{self, Tag};
use kefu_domain::ticket::{Priority, Stage, Status, Ticket};
use kefu_domain::{DomainError, status, text, time};
use kefu_store::{DbConnection, reads, tickets};

use crate::changes::{ChangeKind, Changed};
use crate::error::AppError;
use crate::mail::notices;
use crate::mail::outgoing::MailContext;
use crate::sla::book::BookCache;
use crate::sla::clock::{self, Activity};
use crate::tickets::reference::{TicketRef, load_for_update};
use crate::tickets::{history, triage};
use crate::triggers;
use crate::{App, view};

/// A change to a ticket, parsed and validated before any database work.
#[derive(Clone, Debug, Default)]
pub struct TicketChange {
    /// The new status.
    pub status: Option<Status>,
    /// The new priority.
    pub priority: Option<Priority>,
    /// The new stage.
    pub stage: Option<Stage>,
    /// The new subject.
    pub subject: Option<String>,
    /// The new team, or none.
    pub team: Option<Option<TeamId>>,
    /// The new assignee, or none.
    pub assignee: Option<Option<UserId>>,
    /// The whole new set of tags.
    pub tags: Option<Vec<Tag>>,
    /// Tags to add.
    pub add_tags: Vec<Tag>,
    /// Tags to take off.
    pub remove_tags: Vec<Tag>,
}

impl TicketChange {
    /// Reads a request body.
    pub fn parse(request: UpdateTicketRequest) -> Result<Self, AppError> {
        Ok(Self {
            status: request.status,
            priority: request.priority,
            stage: request.stage,
            subject: request.subject.as_deref().map(text::subject).transpose()?,
            team: request.team_id,
            assignee: request.assignee_id,
            tags: request.tags.as_ref().map(tag::parse_set).transpose()?,
            add_tags: tag::parse_set(&request.add_tags)?,
            remove_tags: tag::parse_set(&request.remove_tags)?,
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
pub(crate) fn apply(
    conn: &mut DbConnection,
    actor: &Actor,
    (before, access): (Ticket, TicketAccess),
    change: &TicketChange,
    (mail, sla): (&MailContext, &BookCache),
    now: DateTime<Utc>,
) -> Result<Ticket, AppError> {
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
    tag::normalise_set(&mut after.tags)?;
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
    after.stamp_milestones(before.status, false, now);
    if after == before {
        return Ok(before);
    }
    after.updated_at = now;
    clock::follow(conn, sla, &before, &mut after, Activity::Quiet, now)?;
    tickets::save(conn, &after)?;
    if actor.is_staff() {
        reads::mark_seen(conn, actor.user, after.id, now)?;
    }
    history::record(conn, actor, &before, &after, now)?;
    if let Some(assignee) = after.assignee
        && after.assignee != before.assignee
    {
        notices::assigned(conn, mail, &after, assignee, Some(actor.user), now)?;
    }
    // Every entry holds the subject, the team and the stage.
    if (&after.subject, after.team, after.stage) != (&before.subject, before.team, before.stage) {
        history::reindex(conn, &after)?;
    }
    crate::surveys::invite::on_solved(conn, mail, (&before, &after), now)?;
    crate::integrations::updated(conn, sla, &before, &after, now)?;
    triggers::run::on_status_change(conn, (mail, sla), &before, after, now)
}

/// Changes one ticket's status, priority, stage, subject, team, assignee or tags.
pub async fn update(
    app: &App,
    actor: Actor,
    reference: TicketRef,
    change: TicketChange,
) -> Result<Changed<TicketResponse>, AppError> {
    let region = app.phone_region().await?;
    let mail = app.mail_context().await?;
    let sla = app.sla_book.clone();
    let ticket = app
        .store
        .write(move |conn| {
            let loaded = load_for_update(conn, &actor, reference)?;
            let after = apply(conn, &actor, loaded, &change, (&mail, &sla), time::now())?;
            Ok::<_, AppError>(view::ticket(conn, after, &actor, region)?)
        })
        .await?;
    let id = ticket.id;
    Ok(Changed::ticket(ticket, id, ChangeKind::Updated))
}
