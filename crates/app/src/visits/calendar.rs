//! Reading visits: one, a ticket's, and the calendar (per technician, over a period).

use chrono::{Duration, Utc};
use kefu_api_types::visits::{VisitList, VisitQuery, VisitResponse};
use kefu_domain::DomainError;
use kefu_domain::ids::VisitId;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_store::vendors;
use kefu_store::visits::{self, CalendarOf};

use super::{load, response, responses};
use crate::App;
use crate::error::AppError;
use crate::tickets::TicketRef;
use crate::tickets::reference::load_visible;

/// The longest period a calendar shows, in days.
const PERIOD_MAX_DAYS: i64 = 62;

/// The most visits one calendar lists.
const LIMIT: i64 = 1_000;

/// One visit, for whoever may see it.
pub async fn show(app: &App, actor: Actor, id: VisitId) -> Result<VisitResponse, AppError> {
    app.store
        .read(move |conn| {
            let (visit, _) = load(conn, &actor, id)?;
            response(conn, &actor, visit)
        })
        .await
}

/// A ticket's visits (agents).
pub async fn for_ticket(
    app: &App,
    actor: Actor,
    reference: TicketRef,
) -> Result<VisitList, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            let (ticket, _) = load_visible(conn, &actor, reference)?;
            let list = visits::for_ticket(conn, ticket.id)?;
            Ok(VisitList {
                items: responses(conn, &actor, list)?,
            })
        })
        .await
}

/// The visits over a period: every technician's for agents (or one's, when asked), a service
/// partner's own for its users.
pub async fn calendar(app: &App, actor: Actor, query: VisitQuery) -> Result<VisitList, AppError> {
    let from = query.from.unwrap_or_else(|| {
        Utc::now()
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .map_or_else(Utc::now, |d| d.and_utc())
    });
    let to = query.to.unwrap_or(from + Duration::days(7));
    if to <= from || to - from > Duration::days(PERIOD_MAX_DAYS) {
        return Err(DomainError::InvalidVisit(format!(
            "the period runs forward, at most {PERIOD_MAX_DAYS} days"
        ))
        .into());
    }
    let bad = |what: &str| AppError::invalid("invalid_query", format!("`{what}` is not an id"));
    let vendor: Option<kefu_domain::ids::VendorId> = query
        .vendor
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|_| bad("vendor"))?;
    let technician: Option<kefu_domain::ids::UserId> = query
        .technician
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|_| bad("technician"))?;
    app.store
        .read(move |conn| {
            let of = match actor.role {
                Role::Admin | Role::Agent => match (vendor, technician) {
                    (Some(v), _) => CalendarOf::Partner(v),
                    (None, Some(u)) => CalendarOf::Staff(u),
                    (None, None) => CalendarOf::All,
                },
                Role::Vendor => match vendors::of_user(conn, actor.user)? {
                    Some(v) => CalendarOf::Partner(v),
                    None => return Ok(VisitList { items: Vec::new() }),
                },
                Role::Customer => return Err(AppError::NotFound("visit")),
            };
            let list = visits::calendar(conn, of, from, to, LIMIT)?;
            Ok(VisitList {
                items: responses(conn, &actor, list)?,
            })
        })
        .await
}
