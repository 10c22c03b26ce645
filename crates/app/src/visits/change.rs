//! Changing a visit: agents confirm, move it to another time or cancel it (the customer is
//! told each time); the technician sets out and records how it ended — the work done, the
//! parts used and who signed — which lands on the ticket's timeline. What a service partner
//! does is in the audit log.

use kefu_api_types::visits::{ChangeVisitRequest, VisitResponse};
use kefu_domain::audit::AuditAction;
use kefu_domain::ids::VisitId;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::visit::{self, Outcome, Technician, VisitSide, VisitStatus, VisitWindow, mover};
use kefu_domain::{DomainError, text, time};
use kefu_store::{dialect, messages, tickets, users, vendors, visits};
use serde_json::json;

use super::customer::{Told, tell};
use super::{load, response, status_words, timeline_event};
use crate::App;
use crate::audit::{self, Origin, Target};
use crate::changes::{ChangeKind, Changed};
use crate::error::AppError;

/// Applies `request` to visit `id` for `actor`.
pub async fn change(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: VisitId,
    request: ChangeVisitRequest,
) -> Result<Changed<VisitResponse>, AppError> {
    let outcome_text = request
        .outcome
        .as_ref()
        .map(|o| {
            Ok::<_, AppError>((
                visit::text_of("work", &o.work)?,
                text::optional("parts", o.parts.as_deref(), visit::TEXT_MAX, true)?,
                text::optional("signed_by", o.signed_by.as_deref(), text::NAME_MAX, false)?,
            ))
        })
        .transpose()?;
    let mail = app.mail_context().await?;
    let (ticket_id, shown) = app
        .store
        .write(move |conn| {
            let now = time::now();
            let ticket_id = visits::find(conn, id)
                .map_err(AppError::not_found_as("visit"))?
                .ticket;
            dialect::lock_ticket(conn, &ticket_id.to_string())?;
            let (mut visit, sides) = load(conn, &actor, id)?;
            let ticket = tickets::find(conn, ticket_id)?;
            let technician = match visit.technician {
                Technician::Partner(v) => vendors::find(conn, v)?.name,
                Technician::Staff(u) => users::find(conn, u)?.name,
            };
            let mut said = Vec::new();
            let mut told = None;
            if let (Some(start), Some(end)) = (request.start, request.end) {
                if !sides.contains(&VisitSide::Staff) {
                    return Err(AppError::Forbidden(
                        "only the business moves a visit to another time".into(),
                    ));
                }
                visit.reschedule(VisitWindow::new(start, end, now)?, now)?;
                visit.sequence += 1;
                told = Some(Told::Moved);
                said.push(format!(
                    "moved to {} UTC / 改期",
                    visit.window.start.format("%Y-%m-%d %H:%M")
                ));
            } else if request.start.is_some() || request.end.is_some() {
                return Err(DomainError::InvalidVisit("give both `start` and `end`".into()).into());
            }
            if let Some(to) = request.status {
                let side = mover(visit.status, to)
                    .filter(|side| sides.contains(side))
                    .ok_or_else(|| {
                        DomainError::InvalidVisitMove(format!(
                            "you cannot move this visit from {} to {to}",
                            visit.status
                        ))
                    })?;
                let ends = matches!(to, VisitStatus::Done | VisitStatus::NoShow);
                match (&outcome_text, ends) {
                    (Some((work, parts, signed_by)), true) => {
                        visit.outcome = Some(Outcome {
                            work: work.clone(),
                            parts: parts.clone(),
                            signed_by: signed_by.clone(),
                            recorded_by: actor.user,
                            recorded_at: now,
                        });
                    }
                    (None, true) if to == VisitStatus::Done => {
                        return Err(DomainError::InvalidVisit(
                            "say what was done (`outcome.work`)".into(),
                        )
                        .into());
                    }
                    (Some(_), false) => {
                        return Err(DomainError::InvalidVisit(
                            "an outcome goes with `done` or `no_show`".into(),
                        )
                        .into());
                    }
                    _ => {}
                }
                visit.move_to(to, side, now)?;
                match to {
                    VisitStatus::Confirmed => {
                        visit.sequence += 1;
                        told = Some(Told::Confirmed);
                    }
                    VisitStatus::Cancelled => {
                        visit.sequence += 1;
                        told = Some(Told::Cancelled);
                    }
                    _ => {}
                }
                said.push(status_words(to).to_owned());
            } else if outcome_text.is_some() {
                return Err(DomainError::InvalidVisit(
                    "an outcome goes with `done` or `no_show`".into(),
                )
                .into());
            }
            if said.is_empty() {
                return Err(DomainError::InvalidVisit("nothing to change".into()).into());
            }
            visits::save(conn, &visit)?;
            let mut body = format!("Visit by {technician}: {}", said.join("; "));
            if let Some(o) = &visit.outcome
                && matches!(visit.status, VisitStatus::Done | VisitStatus::NoShow)
            {
                body.push_str(&format!("\n{}", o.work));
                if let Some(parts) = &o.parts {
                    body.push_str(&format!("\nParts / 配件: {parts}"));
                }
                if let Some(name) = &o.signed_by {
                    body.push_str(&format!("\nSigned by / 签收人: {name}"));
                }
            }
            messages::insert(conn, &timeline_event(&ticket, &visit, &actor, body, now))?;
            tickets::touch(conn, ticket.id, now)?;
            if let Some(told) = told {
                tell(conn, &mail, &ticket, &visit, &technician, told, now)?;
            }
            if actor.role == Role::Vendor {
                audit::record_by(
                    conn,
                    &origin,
                    AuditAction::VisitChanged,
                    &actor,
                    Some(Target::new("visit", id, technician)),
                    Some(json!({ "status": visit.status, "outcome": visit.outcome.is_some() })),
                    now,
                )?;
            }
            let shown = response(conn, &actor, visit)?;
            Ok::<_, AppError>((ticket.id, shown))
        })
        .await?;
    Ok(Changed::ticket(shown, ticket_id, ChangeKind::MessagePosted))
}
