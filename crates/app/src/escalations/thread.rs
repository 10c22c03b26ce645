//! Writing in an escalation's thread: replies between agent and vendor, and notes among the
//! vendor's own users. A vendor's first word acknowledges a new escalation; an agent's reply
//! to the vendor's question puts the case back in the vendor's hands.

use kefu_api_types::escalations::{EscalationDetail, PostEscalationMessageRequest};
use kefu_domain::audit::AuditAction;
use kefu_domain::escalation::{EntryKind, EscalationStatus, Side};
use kefu_domain::ids::EscalationId;
use kefu_domain::permissions::Actor;
use kefu_domain::{DomainError, text, time};
use kefu_store::{escalations, messages, tickets, vendors};
use serde_json::json;

use super::moves::{Step, follow_on_ticket, locked_ticket, tell_other_side};
use super::{entry, load, reference, ticket_event};
use crate::App;
use crate::audit::{self, Origin, Target};
use crate::changes::{ChangeKind, Changed};
use crate::error::AppError;
use kefu_domain::integration::IntegrationEvent;

/// A file to attach to an entry, already kept in the files directory.
#[derive(Clone, Debug)]
pub struct Attached {
    /// Its name, cleaned.
    pub name: String,
    /// What was kept.
    pub kept: crate::files::Kept,
}

/// Adds `actor`'s reply or note to escalation `id`.
pub async fn post(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: EscalationId,
    request: PostEscalationMessageRequest,
) -> Result<Changed<EscalationDetail>, AppError> {
    post_with(app, actor, origin, id, request, None).await
}

/// Attaches a file (`name`, `bytes`) to escalation `id` as `actor`'s reply (or note), with
/// `body` as its words or the file's name.
pub async fn attach(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: EscalationId,
    name: &str,
    bytes: Vec<u8>,
    request: PostEscalationMessageRequest,
) -> Result<Changed<EscalationDetail>, AppError> {
    // Who may write here is settled before anything is kept.
    app.store
        .read(move |conn| {
            let (escalation, _) = load(conn, &actor, id, false)?;
            if escalation.status.is_final() {
                return Err(DomainError::EscalationEnded(escalation.status).into());
            }
            Ok::<_, AppError>(())
        })
        .await?;
    let store = app.files()?.clone();
    let kept = tokio::task::spawn_blocking(move || store.keep(&bytes))
        .await
        .map_err(|e| AppError::Internal(Box::new(e)))??;
    let name = kefu_domain::file::clean_name(name, kept.kind);
    let request = PostEscalationMessageRequest {
        body: if request.body.trim().is_empty() {
            format!("📎 {name}")
        } else {
            request.body
        },
        kind: request.kind,
    };
    post_with(
        app,
        actor,
        origin,
        id,
        request,
        Some(Attached { name, kept }),
    )
    .await
}

async fn post_with(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: EscalationId,
    request: PostEscalationMessageRequest,
    file: Option<Attached>,
) -> Result<Changed<EscalationDetail>, AppError> {
    let body = text::body(&request.body)?;
    let kind = request.kind.unwrap_or(EntryKind::Reply);
    if !matches!(kind, EntryKind::Reply | EntryKind::Note) {
        return Err(AppError::invalid(
            "invalid_entry_kind",
            "write a `reply` or a `note`",
        ));
    }
    let mail = app.mail_context().await?;
    let book = app.sla_book.clone();
    let (ticket, detail) = app
        .store
        .write(move |conn| {
            let now = time::now();
            super::side_of(&actor)?;
            let ticket_id = locked_ticket(conn, id)?;
            let (mut escalation, side) = load(conn, &actor, id, true)?;
            if kind == EntryKind::Note && side == Side::Staff {
                return Err(AppError::invalid(
                    "invalid_entry_kind",
                    "notes are for the vendor's own users; agents write internal notes on the ticket",
                ));
            }
            if escalation.status.is_final() {
                return Err(DomainError::EscalationEnded(escalation.status).into());
            }
            let written = entry(id, kind, Some((&actor, side)), body.clone(), None, now);
            escalations::insert_messages(conn, std::slice::from_ref(&written))?;
            if let Some(file) = &file {
                escalations::insert_files(
                    conn,
                    &[escalations::EscalationFileRow {
                        id: kefu_domain::ids::FileId::new().to_string(),
                        escalation_id: id.to_string(),
                        message_id: written.id.to_string(),
                        source_file_id: None,
                        sha256: file.kept.sha256.clone(),
                        size: i64::try_from(file.kept.size).unwrap_or(i64::MAX),
                        content_type: file.kept.kind.mime().to_owned(),
                        name: file.name.clone(),
                        created_at: now.naive_utc(),
                    }],
                )?;
            }
            if kind == EntryKind::Reply {
                let from = escalation.status;
                let moved = match side {
                    Side::Vendor if from == EscalationStatus::Requested => {
                        escalation.move_to(EscalationStatus::Acknowledged, side, now)?;
                        true
                    }
                    Side::Staff => escalation.question_answered(now),
                    Side::Vendor => false,
                };
                escalation.updated_at = now;
                escalations::save(conn, &escalation)?;
                if moved {
                    let event = entry(
                        id,
                        EntryKind::Event,
                        Some((&actor, side)),
                        String::new(),
                        Some(json!({ "from": from, "to": escalation.status })),
                        now,
                    );
                    escalations::insert_messages(conn, &[event])?;
                    let step = Step {
                        actor: Some(&actor),
                        side,
                        from,
                        body: Some(&body),
                    };
                    follow_on_ticket(conn, (&mail, &book), &step, &escalation, now)?;
                } else {
                    let ticket = tickets::find(conn, ticket_id)?;
                    let vendor = vendors::find(conn, escalation.vendor)?;
                    let who = if side == Side::Vendor { "The vendor" } else { "An agent" };
                    let who_zh = if side == Side::Vendor { "供应商" } else { "客服" };
                    let event = ticket_event(
                        &ticket,
                        &escalation,
                        &vendor.name,
                        Some(&actor),
                        format!(
                            "{who} wrote on escalation {r} to {v} / {who_zh}在升级 {r}（{v}）中留言",
                            r = reference(id),
                            v = vendor.name,
                        ),
                        json!({ "body": body }),
                        now,
                    );
                    messages::insert(conn, &event)?;
                    tickets::touch(conn, ticket_id, now)?;
                    tell_other_side(
                        conn,
                        &mail,
                        side,
                        &ticket,
                        &escalation,
                        &vendor.name,
                        None,
                        Some(&body),
                        now,
                    )?;
                }
            } else {
                escalation.updated_at = now;
                escalations::save(conn, &escalation)?;
            }
            if kind == EntryKind::Reply {
                crate::integrations::escalation_event(
                    conn,
                    &book,
                    IntegrationEvent::EscalationMessage,
                    &escalation,
                    Some(("message", json!({ "id": written.id, "by": side.as_str(), "body": body }))),
                    now,
                )?;
            }
            if side == Side::Staff && kind == EntryKind::Reply {
                crate::webhooks::announce(
                    conn,
                    &escalation,
                    kefu_domain::webhook::WebhookEvent::Message,
                    Some(&body),
                    now,
                )?;
            }
            if side == Side::Vendor {
                audit::record_by(
                    conn,
                    &origin,
                    AuditAction::EscalationVendorReply,
                    &actor,
                    Some(Target::new("escalation", id, reference(id))),
                    Some(json!({ "kind": kind, "entry": written.id })),
                    now,
                )?;
            }
            let detail = super::show::detail(conn, escalation, side)?;
            Ok::<_, AppError>((ticket_id, detail))
        })
        .await?;
    Ok(Changed::ticket(detail, ticket, ChangeKind::Escalation))
}
