//! Scheduling a visit on an after-sale ticket.

use kefu_api_types::visits::{ScheduleVisitRequest, VisitResponse};
use kefu_domain::ids::VisitId;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::ticket::Stage;
use kefu_domain::vendor::VendorKind;
use kefu_domain::visit::{self, Technician, Visit, VisitStatus, VisitWindow};
use kefu_domain::{DomainError, time};
use kefu_store::{DbConnection, messages, tickets, users, vendors, visits};

use super::customer::{Told, tell};
use super::{response, status_words, timeline_event};
use crate::App;
use crate::changes::{ChangeKind, Changed};
use crate::error::AppError;
use crate::tickets::TicketRef;
use crate::tickets::reference::load_for_update;

/// Who `request` names as the technician, with their name: an active service partner, or an
/// active agent.
pub(crate) fn technician(
    conn: &mut DbConnection,
    request: &kefu_api_types::visits::TechnicianRequest,
) -> Result<(Technician, String), AppError> {
    let invalid = |why: &str| DomainError::InvalidVisit(why.to_owned());
    match (request.vendor, request.user) {
        (Some(id), None) => {
            let vendor =
                vendors::find(conn, id).map_err(|_| invalid("there is no such service partner"))?;
            if vendor.kind != VendorKind::ServicePartner || !vendor.active {
                return Err(invalid("visits go to an active service partner").into());
            }
            Ok((Technician::Partner(id), vendor.name))
        }
        (None, Some(id)) => {
            let user = users::find(conn, id).map_err(|_| invalid("there is no such agent"))?;
            if !user.active || !matches!(user.role, Role::Agent | Role::Admin) {
                return Err(invalid("a technician of the business is an active agent").into());
            }
            Ok((Technician::Staff(id), user.name))
        }
        _ => {
            Err(invalid("name a service partner (`vendor`) or an agent (`user`), not both").into())
        }
    }
}

/// Schedules a visit on the after-sale ticket `reference`; the customer is told.
pub async fn schedule(
    app: &App,
    actor: Actor,
    reference: TicketRef,
    request: ScheduleVisitRequest,
) -> Result<Changed<VisitResponse>, AppError> {
    actor.may_work_tickets()?;
    let address = visit::text_of("address", &request.address)?;
    let task = visit::text_of("task", &request.task)?;
    let mail = app.mail_context().await?;
    let (ticket, shown) = app
        .store
        .write(move |conn| {
            let now = time::now();
            let window = VisitWindow::new(request.start, request.end, now)?;
            let (ticket, _) = load_for_update(conn, &actor, reference)?;
            if ticket.stage != Stage::AfterSale {
                return Err(DomainError::InvalidVisit(
                    "visits are for after-sale tickets: set the ticket's stage first".into(),
                )
                .into());
            }
            let (technician, name) = technician(conn, &request.technician)?;
            let status = if request.confirmed {
                VisitStatus::Confirmed
            } else {
                VisitStatus::Proposed
            };
            let visit = Visit {
                id: VisitId::new(),
                ticket: ticket.id,
                technician,
                address,
                window,
                task,
                status,
                outcome: None,
                sequence: 0,
                created_by: actor.user,
                created_at: now,
                updated_at: now,
            };
            visits::insert(conn, &visit)?;
            let event = timeline_event(
                &ticket,
                &visit,
                &actor,
                format!(
                    "Visit by {name} scheduled for {} UTC ({}) / 已安排 {name} 上门",
                    visit.window.start.format("%Y-%m-%d %H:%M"),
                    status_words(status),
                ),
                now,
            );
            messages::insert(conn, &event)?;
            tickets::touch(conn, ticket.id, now)?;
            let told = if request.confirmed {
                Told::Confirmed
            } else {
                Told::Proposed
            };
            tell(conn, &mail, &ticket, &visit, &name, told, now)?;
            let shown = response(conn, &actor, visit)?;
            Ok::<_, AppError>((ticket.id, shown))
        })
        .await?;
    Ok(Changed::ticket(shown, ticket, ChangeKind::MessagePosted))
}
