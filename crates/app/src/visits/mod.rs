//! Field-service visits: an agent schedules one on an after-sale ticket, with a service
//! partner or one of the business's own technicians; the customer is told by mail, in their
//! language, with a calendar invitation; the technician sets out and records how it ended from
//! the vendor portal (or the console); every step lands on the ticket's timeline.
//!
//! Agents see every visit. A service partner's users see their organisation's visits — the
//! address, window and task, never the ticket — and nothing else answers but "not found".

pub mod calendar;
pub mod change;
mod customer;
pub mod schedule;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kefu_api_types::escalations::EscalationTicket;
use kefu_api_types::visits::{VisitOutcome, VisitResponse, VisitTechnician};
use kefu_domain::ids::{UserId, VendorId, VisitId};
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::ticket::Ticket;
use kefu_domain::visit::{Technician, Visit, VisitSide, VisitStatus, mover};
use kefu_store::{DbConnection, tickets, users, vendors, visits};
use serde_json::json;

use crate::error::AppError;

/// The vendor `actor` works for, if they are a vendor user (read once per request).
fn vendor_of(conn: &mut DbConnection, actor: &Actor) -> Result<Option<VendorId>, AppError> {
    Ok(match actor.role {
        Role::Vendor => vendors::of_user(conn, actor.user)?,
        _ => None,
    })
}

/// The sides `actor` (working for `vendor`, if a vendor user) acts on for `visit`: agents are
/// staff, and the technician too when the visit is theirs; a service partner's users are its
/// technician. Empty: not theirs to see.
fn sides(actor: &Actor, vendor: Option<VendorId>, visit: &Visit) -> Vec<VisitSide> {
    match (actor.role, visit.technician) {
        (Role::Admin | Role::Agent, Technician::Staff(user)) if user == actor.user => {
            vec![VisitSide::Staff, VisitSide::Technician]
        }
        (Role::Admin | Role::Agent, _) => vec![VisitSide::Staff],
        (Role::Vendor, Technician::Partner(partner)) if vendor == Some(partner) => {
            vec![VisitSide::Technician]
        }
        _ => Vec::new(),
    }
}

/// Loads a visit `actor` may see, with their sides.
pub(crate) fn load(
    conn: &mut DbConnection,
    actor: &Actor,
    id: VisitId,
) -> Result<(Visit, Vec<VisitSide>), AppError> {
    let visit = visits::find(conn, id).map_err(AppError::not_found_as("visit"))?;
    let sides = sides(actor, vendor_of(conn, actor)?, &visit);
    if sides.is_empty() {
        return Err(AppError::NotFound("visit"));
    }
    Ok((visit, sides))
}

/// The statuses `sides` may move `visit` to now.
pub(crate) fn moves(visit: &Visit, sides: &[VisitSide]) -> Vec<VisitStatus> {
    VisitStatus::ALL
        .iter()
        .copied()
        .filter(|to| mover(visit.status, *to).is_some_and(|side| sides.contains(&side)))
        .collect()
}

/// The names of service partners and of people, by id.
type Names = (HashMap<VendorId, String>, HashMap<UserId, String>);

/// The names of the technicians of `list`, and of who recorded their outcomes.
fn technician_names(conn: &mut DbConnection, list: &[Visit]) -> Result<Names, AppError> {
    let mut partners = HashMap::new();
    let mut people: Vec<UserId> = Vec::new();
    for visit in list {
        match visit.technician {
            Technician::Partner(id) if !partners.contains_key(&id) => {
                partners.insert(id, vendors::find(conn, id)?.name);
            }
            Technician::Staff(user) => people.push(user),
            Technician::Partner(_) => {}
        }
        people.extend(visit.outcome.as_ref().map(|o| o.recorded_by));
    }
    people.sort();
    people.dedup();
    Ok((partners, users::names(conn, &people)?))
}

/// The answers for `list` as `actor` sees them: the ticket only for agents.
pub(crate) fn responses(
    conn: &mut DbConnection,
    actor: &Actor,
    list: Vec<Visit>,
) -> Result<Vec<VisitResponse>, AppError> {
    let staff = actor.role.is_staff();
    let (partners, people) = technician_names(conn, &list)?;
    let own = vendor_of(conn, actor)?;
    let tickets: HashMap<_, Ticket> = if staff {
        let ids: Vec<_> = list.iter().map(|v| v.ticket).collect();
        tickets::find_many(conn, &ids)?
            .into_iter()
            .map(|t| (t.id, t))
            .collect()
    } else {
        HashMap::new()
    };
    let mut out = Vec::with_capacity(list.len());
    for visit in list {
        let sides = sides(actor, own, &visit);
        let technician = match visit.technician {
            Technician::Partner(id) => VisitTechnician {
                kind: "vendor".into(),
                id: id.to_string(),
                name: partners.get(&id).cloned().unwrap_or_default(),
            },
            Technician::Staff(id) => VisitTechnician {
                kind: "user".into(),
                id: id.to_string(),
                name: people.get(&id).cloned().unwrap_or_default(),
            },
        };
        out.push(VisitResponse {
            moves: moves(&visit, &sides),
            ticket: tickets.get(&visit.ticket).map(|t| EscalationTicket {
                id: t.id,
                number: t.number,
                subject: t.subject.clone(),
            }),
            technician,
            outcome: visit.outcome.as_ref().map(|o| VisitOutcome {
                work: o.work.clone(),
                parts: o.parts.clone(),
                signed_by: o.signed_by.clone(),
                recorded_by: people.get(&o.recorded_by).cloned().unwrap_or_default(),
                recorded_at: o.recorded_at,
            }),
            id: visit.id,
            address: visit.address,
            start: visit.window.start,
            end: visit.window.end,
            task: visit.task,
            status: visit.status,
            created_at: visit.created_at,
            updated_at: visit.updated_at,
        });
    }
    Ok(out)
}

/// One visit's answer as `actor` sees it.
pub(crate) fn response(
    conn: &mut DbConnection,
    actor: &Actor,
    visit: Visit,
) -> Result<VisitResponse, AppError> {
    responses(conn, actor, vec![visit])?
        .pop()
        .ok_or_else(|| AppError::internal("the visit went missing"))
}

/// The internal event a visit's step leaves on its ticket's timeline.
pub(crate) fn timeline_event(
    ticket: &Ticket,
    visit: &Visit,
    actor: &Actor,
    body: String,
    now: DateTime<Utc>,
) -> Message {
    Message {
        id: kefu_domain::ids::MessageId::new(),
        ticket: ticket.id,
        kind: MessageKind::Event,
        visibility: Visibility::Internal,
        author_kind: if actor.role.is_staff() {
            AuthorKind::Agent
        } else {
            AuthorKind::Vendor
        },
        author_user: Some(actor.user),
        author_customer: None,
        channel: ticket.channel,
        body,
        data: Some(json!({
            "visit": {
                "id": visit.id,
                "status": visit.status,
                "start": visit.window.start,
                "end": visit.window.end,
                "outcome": visit.outcome.as_ref().map(|o| json!({
                    "work": o.work, "parts": o.parts, "signed_by": o.signed_by,
                })),
            },
        })),
        created_at: now,
    }
}

/// How a status reads on the timeline: English / Chinese.
pub(crate) fn status_words(status: VisitStatus) -> &'static str {
    match status {
        VisitStatus::Proposed => "proposed / 已提议",
        VisitStatus::Confirmed => "confirmed / 已确认",
        VisitStatus::EnRoute => "on the way / 在路上",
        VisitStatus::Done => "done / 已完成",
        VisitStatus::NoShow => "nobody was there / 客户不在",
        VisitStatus::Cancelled => "cancelled / 已取消",
    }
}
