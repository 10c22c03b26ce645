//! Escalation queues: a vendor user's (their organisation's only) and the agents' (every
//! vendor's, or one's; "Escalations overdue" is this queue with `overdue`).

use kefu_api_types::escalations::{EscalationList, EscalationQuery};
use kefu_domain::escalation::{EscalationStatus, Side};
use kefu_domain::permissions::Actor;
use kefu_domain::time;
use kefu_store::escalations::{self, QueueFilter};

use super::{responses, responses_with, side_of};
use crate::App;
use crate::error::AppError;

/// The most escalations one page holds.
pub const MAX_LIMIT: i64 = 100;
/// The page size when none is asked for.
pub const DEFAULT_LIMIT: i64 = 50;
/// The longest search text, in characters.
pub const SEARCH_MAX: usize = 200;

fn statuses(value: Option<&str>) -> Result<Vec<EscalationStatus>, AppError> {
    match value.map(str::trim) {
        None | Some("") | Some("open") => Ok(EscalationStatus::open()),
        Some("all") => Ok(Vec::new()),
        Some(list) => list
            .split(',')
            .map(|s| {
                EscalationStatus::parse(s.trim()).map_err(|e| AppError::InvalidQuery(e.to_string()))
            })
            .collect(),
    }
}

/// The escalations `actor` may see that match `query`, the next due first.
pub async fn list(
    app: &App,
    actor: Actor,
    query: EscalationQuery,
) -> Result<EscalationList, AppError> {
    let side = side_of(&actor)?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::InvalidQuery(format!(
            "limit must be 1 to {MAX_LIMIT}"
        )));
    }
    let offset = query.offset.unwrap_or(0);
    if !(0..=100_000).contains(&offset) {
        return Err(AppError::InvalidQuery("offset must be 0 to 100000".into()));
    }
    if query
        .q
        .as_deref()
        .is_some_and(|q| q.chars().count() > SEARCH_MAX)
    {
        return Err(AppError::InvalidQuery(format!(
            "q must be at most {SEARCH_MAX} characters"
        )));
    }
    let statuses = statuses(query.status.as_deref())?;
    let asked_vendor = query
        .vendor
        .as_deref()
        .map(|v| {
            v.parse()
                .map_err(|_| AppError::InvalidQuery(format!("`{v}` is not a vendor id")))
        })
        .transpose()?;
    let remembered = match side {
        Side::Vendor => app.memberships.get(actor.user),
        Side::Staff => None,
    };
    let memberships = app.memberships.clone();
    app.store
        .read(move |conn| {
            let now = time::now();
            // A vendor user's organisation, read once for the filter and the answers (and
            // remembered for the next pages).
            let own = match (side, remembered) {
                (Side::Vendor, Some(vendor)) => Some(vendor),
                (Side::Vendor, None) => {
                    let vendor = kefu_store::vendors::of_user_whole(conn, actor.user)?
                        .ok_or(AppError::NotFound("escalation"))?;
                    memberships.put(actor.user, vendor.clone());
                    Some(vendor)
                }
                (Side::Staff, _) => None,
            };
            let vendor = own.as_ref().map(|v| v.id).or(asked_vendor);
            let mut statuses = statuses;
            if side == Side::Vendor {
                statuses.retain(|s| *s != EscalationStatus::Cancelled);
                if statuses.is_empty() {
                    statuses = EscalationStatus::ALL
                        .iter()
                        .copied()
                        .filter(|s| *s != EscalationStatus::Cancelled)
                        .collect();
                }
            }
            let filter = QueueFilter {
                vendor,
                statuses,
                due_before: query.overdue.unwrap_or(false).then_some(now),
                search: query.q,
                limit,
                offset,
            };
            let (list, total) = escalations::queue(conn, &filter)?;
            Ok::<_, AppError>(EscalationList {
                items: responses_with(conn, list, side, now, own.as_ref())?,
                total,
            })
        })
        .await
}

/// The escalations of one ticket, oldest first (agents).
pub async fn for_ticket(
    app: &App,
    actor: Actor,
    reference: crate::tickets::TicketRef,
) -> Result<EscalationList, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            let (ticket, _) = crate::tickets::reference::load_visible(conn, &actor, reference)?;
            let list = escalations::for_ticket(conn, ticket.id)?;
            let total = i64::try_from(list.len()).unwrap_or(i64::MAX);
            Ok::<_, AppError>(EscalationList {
                items: responses(conn, list, Side::Staff, time::now())?,
                total,
            })
        })
        .await
}
