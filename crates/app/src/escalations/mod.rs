//! Escalations: cases handed to a vendor, with their own thread and due times.
//!
//! Agents see every escalation; a vendor user sees only their organisation's, and none once
//! it is cancelled. Anything else is "not found", exactly like an escalation that does not
//! exist.

pub(crate) mod by_mail;
pub mod copy;
pub mod create;
pub mod moves;
pub mod queue;
pub mod reminders;
pub mod scorecard;
pub mod share;
pub mod show;
pub mod thread;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kefu_api_types::escalations::{
    EscalationFile, EscalationResponse, EscalationTicket, SharedContactBody,
};
use kefu_domain::escalation::{
    EntryKind, Escalation, EscalationMessage, EscalationStatus, SharedContact, Side,
};
use kefu_domain::ids::{EscalationId, EscalationMessageId, TicketId, VendorId};
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::permissions::Actor;
use kefu_domain::ticket::Ticket;
use kefu_store::escalations::EscalationFileRow;
use kefu_store::{DbConnection, StoreError, escalations, tickets, vendors};
use serde_json::json;

use crate::error::AppError;

/// The side `actor` works on; customers have no business with escalations.
pub(crate) fn side_of(actor: &Actor) -> Result<Side, AppError> {
    Side::of(actor.role).ok_or(AppError::NotFound("escalation"))
}

/// Whether `actor` (on `side`) may see `escalation`: staff every one, a vendor user their
/// organisation's until it is cancelled.
pub(crate) fn visible(
    conn: &mut DbConnection,
    actor: &Actor,
    side: Side,
    escalation: &Escalation,
) -> Result<bool, AppError> {
    Ok(match side {
        Side::Staff => true,
        Side::Vendor => {
            escalation.status != EscalationStatus::Cancelled
                && vendors::of_user(conn, actor.user)? == Some(escalation.vendor)
        }
    })
}

/// Loads an escalation `actor` may see (locked for a change when `for_update`).
pub(crate) fn load(
    conn: &mut DbConnection,
    actor: &Actor,
    id: EscalationId,
    for_update: bool,
) -> Result<(Escalation, Side), AppError> {
    let side = side_of(actor)?;
    let found = if for_update {
        escalations::find_for_update(conn, id)
    } else {
        escalations::find(conn, id)
    };
    let escalation = found.map_err(AppError::not_found_as("escalation"))?;
    if !visible(conn, actor, side, &escalation)? {
        return Err(AppError::NotFound("escalation"));
    }
    Ok((escalation, side))
}

/// A short reference for mail and phone calls: `E-` and the id's last eight characters.
pub fn reference(id: EscalationId) -> String {
    let simple = id.as_uuid().simple().to_string().to_uppercase();
    format!("E-{}", &simple[simple.len() - 8..])
}

fn contact_body(contact: &SharedContact) -> SharedContactBody {
    SharedContactBody {
        name: contact.name.clone(),
        email: contact.email.clone(),
        phone: contact.phone.clone(),
    }
}

/// The answers for `list` as `side` sees them at `now`: the ticket only for staff.
pub(crate) fn responses(
    conn: &mut DbConnection,
    list: Vec<Escalation>,
    side: Side,
    now: DateTime<Utc>,
) -> Result<Vec<EscalationResponse>, AppError> {
    responses_with(conn, list, side, now, None)
}

/// Like [`responses`], with the vendor of them all already at hand (a vendor user's queue).
pub(crate) fn responses_with(
    conn: &mut DbConnection,
    list: Vec<Escalation>,
    side: Side,
    now: DateTime<Utc>,
    known: Option<&kefu_domain::vendor::Vendor>,
) -> Result<Vec<EscalationResponse>, AppError> {
    let mut vendor_ids: Vec<VendorId> = list.iter().map(|e| e.vendor).collect();
    vendor_ids.sort();
    vendor_ids.dedup();
    let mut vendor_list: HashMap<VendorId, kefu_api_types::vendors::VendorSummary> = HashMap::new();
    for id in vendor_ids {
        let summary = match known.filter(|v| v.id == id) {
            Some(vendor) => crate::vendors::summary(vendor),
            None => crate::vendors::summary(&vendors::find(conn, id)?),
        };
        vendor_list.insert(id, summary);
    }
    let tickets: HashMap<TicketId, Ticket> = if side == Side::Staff {
        let ids: Vec<TicketId> = list.iter().map(|e| e.ticket).collect();
        tickets::find_many(conn, &ids)?
            .into_iter()
            .map(|t| (t.id, t))
            .collect()
    } else {
        HashMap::new()
    };
    list.into_iter()
        .map(|e| {
            let vendor = vendor_list
                .get(&e.vendor)
                .cloned()
                .ok_or_else(|| AppError::internal("an escalation's vendor went missing"))?;
            Ok(EscalationResponse {
                reference: reference(e.id),
                overdue: e.is_overdue(now),
                due_at: e.due_at(),
                ticket: tickets.get(&e.ticket).map(|t| EscalationTicket {
                    id: t.id,
                    number: t.number,
                    subject: t.subject.clone(),
                }),
                contact: e.contact.as_ref().map(contact_body),
                id: e.id,
                status: e.status,
                vendor,
                subject: e.subject,
                brief: e.brief,
                requested_at: e.requested_at,
                acknowledge_by: e.acknowledge_by,
                answer_by: e.answer_by,
                acknowledged_at: e.acknowledged_at,
                answered_at: e.answered_at,
                reopened: e.reopened,
                updated_at: e.updated_at,
            })
        })
        .collect()
}

/// One escalation's answer as `side` sees it.
pub(crate) fn response(
    conn: &mut DbConnection,
    escalation: Escalation,
    side: Side,
    now: DateTime<Utc>,
) -> Result<EscalationResponse, AppError> {
    responses(conn, vec![escalation], side, now)?
        .pop()
        .ok_or_else(|| AppError::internal("the escalation went missing"))
}

/// How a file of an escalation is listed.
pub(crate) fn file_of(row: &EscalationFileRow) -> Result<EscalationFile, StoreError> {
    Ok(EscalationFile {
        id: row.id.parse().map_err(StoreError::from)?,
        name: row.name.clone(),
        content_type: row.content_type.clone(),
        size: row.size,
        url: format!("/api/v1/escalations/{}/files/{}", row.escalation_id, row.id),
    })
}

/// An entry in an escalation's thread written by `actor` (or by Kefu when `None`).
pub(crate) fn entry(
    escalation: EscalationId,
    kind: EntryKind,
    actor: Option<(&Actor, Side)>,
    body: String,
    data: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> EscalationMessage {
    EscalationMessage {
        id: EscalationMessageId::new(),
        escalation,
        kind,
        author_kind: match actor {
            Some((_, Side::Staff)) => AuthorKind::Agent,
            Some((_, Side::Vendor)) => AuthorKind::Vendor,
            None => AuthorKind::System,
        },
        author_user: actor.map(|(a, _)| a.user),
        body,
        data,
        source_message: None,
        created_at: now,
    }
}

/// The event an escalation's step leaves on its ticket's timeline (internal, for agents):
/// `body` in both languages, `data` naming the escalation and its vendor.
pub(crate) fn ticket_event(
    ticket: &Ticket,
    escalation: &Escalation,
    vendor_name: &str,
    actor: Option<&Actor>,
    body: String,
    extra: serde_json::Value,
    now: DateTime<Utc>,
) -> Message {
    let mut data = json!({
        "escalation": {
            "id": escalation.id,
            "reference": reference(escalation.id),
            "vendor": vendor_name,
            "status": escalation.status,
        },
    });
    if let (Some(map), serde_json::Value::Object(more)) = (data.as_object_mut(), extra) {
        map.extend(more);
    }
    Message {
        id: kefu_domain::ids::MessageId::new(),
        ticket: ticket.id,
        kind: MessageKind::Event,
        visibility: Visibility::Internal,
        author_kind: match actor.map(|a| a.role.is_staff()) {
            Some(true) => AuthorKind::Agent,
            Some(false) => AuthorKind::Vendor,
            None => AuthorKind::System,
        },
        author_user: actor.map(|a| a.user),
        author_customer: None,
        channel: ticket.channel,
        body,
        data: Some(data),
        created_at: now,
    }
}

/// How a status reads in a timeline event: English / Chinese.
pub(crate) fn status_words(status: EscalationStatus) -> &'static str {
    match status {
        EscalationStatus::Requested => "requested / 已提交",
        EscalationStatus::Acknowledged => "acknowledged / 已确认",
        EscalationStatus::InProgress => "in progress / 处理中",
        EscalationStatus::InfoRequested => "information requested / 需要补充信息",
        EscalationStatus::Answered => "answered / 已答复",
        EscalationStatus::Returned => "returned / 已退回",
        EscalationStatus::Closed => "closed / 已关闭",
        EscalationStatus::Cancelled => "cancelled / 已取消",
    }
}

/// A file of an escalation, for whoever may see the escalation.
pub async fn download(
    app: &crate::App,
    actor: Actor,
    id: EscalationId,
    file: kefu_domain::ids::FileId,
) -> Result<crate::chat::files::Download, AppError> {
    let store = app.files()?.clone();
    let row = app
        .store
        .read(move |conn| {
            load(conn, &actor, id, false)?;
            escalations::file(conn, id, file).map_err(AppError::not_found_as("file"))
        })
        .await?;
    let inline = kefu_domain::file::FileType::from_mime(&row.content_type)
        .is_some_and(kefu_domain::file::FileType::is_image);
    Ok(crate::chat::files::Download {
        path: store.path_of(&row.sha256),
        etag: format!("\"{}\"", row.sha256),
        content_type: row.content_type,
        name: row.name,
        inline,
    })
}
