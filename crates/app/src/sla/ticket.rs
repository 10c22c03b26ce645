//! What agents see of a ticket's clock: each target's warning and due time, the alerts
//! fired, and while the ticket is on hold, the vendors' own due times beside it.

use kefu_api_types::sla::{AlertResponse, TargetClock, TicketSlaResponse, VendorDue};
use kefu_domain::permissions::Actor;
use kefu_domain::sla::Target;
use kefu_domain::ticket::Status;
use kefu_domain::time;
use kefu_store::sla::{calendars, clocks, policies};
use kefu_store::{calls, escalations, messages, vendors};

use crate::App;
use crate::error::AppError;
use crate::tickets::TicketRef;
use crate::tickets::reference::load_visible;

/// The clock of a ticket (staff).
pub async fn show(
    app: &App,
    actor: Actor,
    reference: TicketRef,
) -> Result<TicketSlaResponse, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            let (ticket, _) = load_visible(conn, &actor, reference)?;
            let now = time::now();
            let stored = clocks::find(conn, ticket.id)?;
            let alerts = clocks::alerts_of(conn, ticket.id)?
                .into_iter()
                .map(|a| AlertResponse {
                    target: a.target,
                    kind: a.kind,
                    due_at: a.due_at,
                    fired_at: a.fired_at,
                })
                .collect();
            let vendors = if ticket.status == Status::OnHold {
                escalations::for_ticket(conn, ticket.id)?
                    .into_iter()
                    .filter(|e| !e.status.is_final())
                    .map(|e| {
                        let vendor = vendors::find(conn, e.vendor)?;
                        Ok::<_, AppError>(VendorDue {
                            vendor: vendor.name,
                            status: e.status.as_str().to_owned(),
                            due_at: e.due_at(),
                        })
                    })
                    .collect::<Result<_, _>>()?
            } else {
                Vec::new()
            };
            let Some(stored) = stored else {
                return Ok(TicketSlaResponse {
                    policy_id: None,
                    policy_name: None,
                    calendar_name: None,
                    paused_since: None,
                    targets: Vec::new(),
                    alerts,
                    vendors,
                });
            };
            let clock = stored.clock;
            let policy = policies::find(conn, clock.policy)?;
            let calendar = calendars::find(conn, clock.calendar)?;
            let wrote_after_response = match ticket.first_responded_at {
                Some(at) => messages::customer_wrote_after(conn, ticket.id, at)?,
                None => false,
            };
            let missed_a_call = calls::for_ticket(conn, ticket.id)?
                .iter()
                .any(|c| c.details.outcome == kefu_domain::call::CallOutcome::Missed);
            let targets = Target::ALL
                .iter()
                .filter_map(|target| {
                    let minutes = clock.targets.minutes(*target)?;
                    let window = stored.schedule.window(*target);
                    let owed = match target {
                        Target::FirstResponse => ticket.first_responded_at.is_none(),
                        Target::NextResponse => clock.awaiting_since.is_some(),
                        Target::Resolution => ticket.status.is_unsolved(),
                        Target::CallBack => clock.call_back_since.is_some(),
                    };
                    // A next response or a call back never owed (the customer never wrote
                    // after the first response; no call was missed) is not met: not due.
                    let ever_owed = match target {
                        Target::FirstResponse | Target::Resolution => true,
                        Target::NextResponse => wrote_after_response,
                        Target::CallBack => missed_a_call,
                    };
                    let state = match window {
                        _ if !owed && !ever_owed => "not_due",
                        _ if !owed => "met",
                        Some(w) if w.due_at <= now => "breached",
                        None if clock.paused_at.is_some() => "paused",
                        _ => "running",
                    };
                    Some(TargetClock {
                        target: *target,
                        minutes,
                        warn_at: window.map(|w| w.warn_at),
                        due_at: window.map(|w| w.due_at),
                        state: state.to_owned(),
                    })
                })
                .collect();
            Ok(TicketSlaResponse {
                policy_id: Some(clock.policy),
                policy_name: Some(policy.policy.name),
                calendar_name: Some(calendar.name),
                paused_since: clock.paused_at,
                targets,
                alerts,
                vendors,
            })
        })
        .await
}
