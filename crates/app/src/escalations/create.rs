//! Escalating a ticket to a vendor (agents): first a preview of exactly what the vendor will
//! see, then the escalation itself. Every share is recorded on the escalation, on the ticket's
//! timeline and in the audit log.

use kefu_api_types::escalations::{
    CreateEscalationRequest, EscalationDetail, EscalationFile, EscalationPreview,
};
use kefu_domain::audit::AuditAction;
use kefu_domain::escalation::{EntryKind, Escalation, EscalationStatus, Side};
use kefu_domain::ids::{EscalationId, FileId};
use kefu_domain::permissions::Actor;
use kefu_domain::ticket::{Status, Ticket};
use kefu_domain::vendor::Vendor;
use kefu_domain::{DomainError, status, time};
use kefu_store::escalations::EscalationFileRow;
use kefu_store::{DbConnection, escalations, messages, tickets, vendors};
use serde_json::json;

use super::share::{self, Shared};
use super::{entry, reference as short_reference, ticket_event};
use crate::App;
use crate::audit::{self, Origin, Target};
use crate::changes::{ChangeKind, Changed};
use crate::error::AppError;
use crate::tickets::history;
use crate::tickets::reference::{TicketRef, load_for_update, load_visible};
use kefu_domain::integration::IntegrationEvent;

fn active_vendor(
    conn: &mut DbConnection,
    id: kefu_domain::ids::VendorId,
) -> Result<Vendor, AppError> {
    let vendor = vendors::find(conn, id)
        .map_err(|_| AppError::invalid("invalid_vendor", format!("there is no vendor {id}")))?;
    if !vendor.active {
        return Err(AppError::invalid(
            "vendor_inactive",
            format!("{} takes no new escalations", vendor.name),
        ));
    }
    Ok(vendor)
}

fn delivery(conn: &mut DbConnection, vendor: &Vendor) -> Result<&'static str, AppError> {
    let users = vendors::active_user_counts(conn)?;
    Ok(if users.get(&vendor.id).copied().unwrap_or(0) > 0 {
        "portal"
    } else {
        "email"
    })
}

fn preview_files(shared: &Shared) -> Vec<EscalationFile> {
    shared
        .files
        .iter()
        .map(|f| EscalationFile {
            id: f.id,
            name: shared.file_name(f),
            content_type: f.content_type.clone(),
            size: i64::try_from(f.size).unwrap_or(i64::MAX),
            url: String::new(),
        })
        .collect()
}

/// Exactly what the vendor would see if the ticket were escalated as `request` asks; nothing
/// is stored.
pub async fn preview(
    app: &App,
    actor: Actor,
    reference: TicketRef,
    request: CreateEscalationRequest,
) -> Result<EscalationPreview, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            let (ticket, _) = load_visible(conn, &actor, reference)?;
            let vendor = active_vendor(conn, request.vendor)?;
            let shared = share::prepare(conn, &ticket, &vendor, &request.brief, &request.share)?;
            let (acknowledge_by, answer_by) = vendor.targets.due_times(time::now());
            Ok::<_, AppError>(EscalationPreview {
                vendor: crate::vendors::summary(&vendor),
                subject: shared.subject.clone(),
                brief: shared.brief.clone(),
                contact: shared.contact_body(),
                shared: shared.shared_entries(),
                files: preview_files(&shared),
                masked: shared.masked,
                delivery: delivery(conn, &vendor)?.to_owned(),
                acknowledge_by,
                answer_by,
            })
        })
        .await
}

/// Hands the ticket to a vendor as `request` asks: the escalation with its first thread
/// entries, the ticket on hold (unless asked not to), an event on the ticket's timeline and
/// the share in the audit log.
pub async fn escalate(
    app: &App,
    actor: Actor,
    origin: Origin,
    reference: TicketRef,
    request: CreateEscalationRequest,
) -> Result<Changed<EscalationDetail>, AppError> {
    actor.may_work_tickets()?;
    let mail = app.mail_context().await?;
    let book = app.sla_book.clone();
    let (ticket_id, detail) = app
        .store
        .write(move |conn| {
            let now = time::now();
            let (before, _) = load_for_update(conn, &actor, reference)?;
            if before.status == Status::Closed {
                return Err(DomainError::TicketClosed.into());
            }
            let vendor = active_vendor(conn, request.vendor)?;
            let shared = share::prepare(conn, &before, &vendor, &request.brief, &request.share)?;
            let escalation = write(conn, &actor, &before, &vendor, &shared, now)?;
            crate::mail::notices::escalation_new(conn, &mail, &escalation, &vendor, now)?;
            crate::webhooks::announce(
                conn,
                &escalation,
                kefu_domain::webhook::WebhookEvent::Created,
                None,
                now,
            )?;
            crate::integrations::escalation_event(
                conn,
                &book,
                IntegrationEvent::EscalationCreated,
                &escalation,
                None,
                now,
            )?;
            let mut after = before.clone();
            if request.hold_ticket.unwrap_or(true)
                && status::transition_exists(before.status, Status::OnHold)
            {
                status::check_transition(before.status, Status::OnHold, actor.role)?;
                after.status = Status::OnHold;
                after.updated_at = now;
                tickets::save(conn, &after)?;
                crate::integrations::updated(conn, &book, &before, &after, now)?;
                history::record(conn, &actor, &before, &after, now)?;
            } else {
                tickets::touch(conn, before.id, now)?;
            }
            let event = ticket_event(
                &after,
                &escalation,
                &vendor.name,
                Some(&actor),
                format!(
                    "Escalated to {name} ({reference}) / 已升级至 {name}（{reference}）",
                    name = vendor.name,
                    reference = short_reference(escalation.id),
                ),
                json!({
                    "shared": {
                        "messages": shared.entries.iter().map(|(m, _)| m.id).collect::<Vec<_>>(),
                        "files": shared.files.iter().map(|f| f.id).collect::<Vec<_>>(),
                        "contact": shared.sharing.contact,
                        "order_numbers": shared.sharing.order_numbers,
                    },
                }),
                now,
            );
            messages::insert(conn, &event)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::EscalationShared,
                &actor,
                Some(Target::new(
                    "escalation",
                    escalation.id,
                    short_reference(escalation.id),
                )),
                Some(json!({
                    "ticket": before.number.get(),
                    "vendor": vendor.name,
                    "messages": shared.entries.iter().map(|(m, _)| m.id).collect::<Vec<_>>(),
                    "files": shared.files.iter().map(|f| f.id).collect::<Vec<_>>(),
                    "contact": shared.sharing.contact,
                    "order_numbers": shared.sharing.order_numbers,
                })),
                now,
            )?;
            let detail = super::show::detail(conn, escalation, Side::Staff)?;
            Ok::<_, AppError>((before.id, detail))
        })
        .await?;
    Ok(Changed::ticket(detail, ticket_id, ChangeKind::Escalation))
}

/// Stores a new escalation of `ticket` to `vendor` with what `shared` holds: the record, the
/// "escalated" event that carries the shared files, and one shared entry per message.
pub(crate) fn write(
    conn: &mut DbConnection,
    actor: &Actor,
    ticket: &Ticket,
    vendor: &Vendor,
    shared: &Shared,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Escalation, AppError> {
    let (acknowledge_by, answer_by) = vendor.targets.due_times(now);
    let escalation = Escalation {
        id: EscalationId::new(),
        ticket: ticket.id,
        vendor: vendor.id,
        status: EscalationStatus::Requested,
        subject: shared.subject.clone(),
        brief: shared.brief.clone(),
        contact: shared.contact.clone(),
        requested_at: now,
        acknowledge_by,
        answer_by,
        acknowledged_at: None,
        answered_at: None,
        returned_at: None,
        reopened: 0,
        updated_at: now,
    };
    escalations::insert(conn, &escalation)?;
    let opened = entry(
        escalation.id,
        EntryKind::Event,
        Some((actor, Side::Staff)),
        String::new(),
        Some(json!({ "to": EscalationStatus::Requested })),
        now,
    );
    let mut thread = vec![opened.clone()];
    for (message, body) in &shared.entries {
        let mut item = entry(
            escalation.id,
            EntryKind::Shared,
            Some((actor, Side::Staff)),
            body.clone(),
            Some(json!({ "written_at": message.created_at })),
            now,
        );
        item.source_message = Some(message.id);
        thread.push(item);
    }
    escalations::insert_messages(conn, &thread)?;
    let files: Vec<EscalationFileRow> = shared
        .files
        .iter()
        .map(|f| EscalationFileRow {
            id: FileId::new().to_string(),
            escalation_id: escalation.id.to_string(),
            message_id: opened.id.to_string(),
            source_file_id: Some(f.id.to_string()),
            sha256: f.sha256.clone(),
            size: i64::try_from(f.size).unwrap_or(i64::MAX),
            content_type: f.content_type.clone(),
            name: shared.file_name(f),
            created_at: now.naive_utc(),
        })
        .collect();
    escalations::insert_files(conn, &files)?;
    Ok(escalation)
}
