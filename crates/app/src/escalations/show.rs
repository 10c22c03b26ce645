//! One escalation with its thread, as the asker's side sees it.

use std::collections::HashMap;

use kefu_api_types::escalations::{EscalationAuthor, EscalationDetail, EscalationEntry};
use kefu_domain::escalation::{EscalationStatus, Side, mover};
use kefu_domain::ids::{EscalationId, UserId};
use kefu_domain::message::AuthorKind;
use kefu_domain::permissions::Actor;
use kefu_domain::time;
use kefu_store::{DbConnection, escalations, users};

use super::{file_of, load, response};
use crate::App;
use crate::error::AppError;

/// The escalation `id` with its thread; vendor notes only for vendor users.
pub async fn show(app: &App, actor: Actor, id: EscalationId) -> Result<EscalationDetail, AppError> {
    app.store
        .read(move |conn| {
            let (escalation, side) = load(conn, &actor, id, false)?;
            detail(conn, escalation, side)
        })
        .await
}

/// Who wrote a vendor's entry that no user wrote: the sender of the mail it came in, else
/// the vendor.
fn mailed_by(data: Option<&serde_json::Value>, vendor: &str) -> String {
    let email = data.and_then(|d| d.get("email"));
    let named = |key: &str| {
        email
            .and_then(|e| e.get(key))
            .and_then(serde_json::Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    named("name")
        .or_else(|| named("from"))
        .unwrap_or_else(|| vendor.to_owned())
}

/// The detail of an escalation the caller already may see.
pub(crate) fn detail(
    conn: &mut DbConnection,
    escalation: kefu_domain::escalation::Escalation,
    side: Side,
) -> Result<EscalationDetail, AppError> {
    let thread = escalations::thread(conn, escalation.id)?;
    let files = escalations::files(conn, escalation.id)?;
    let mut authors: Vec<UserId> = thread.iter().filter_map(|m| m.author_user).collect();
    authors.sort();
    authors.dedup();
    let names: HashMap<UserId, String> = users::names(conn, &authors)?;
    let vendor_name = kefu_store::vendors::find(conn, escalation.vendor)?.name;
    let mut entries = Vec::with_capacity(thread.len());
    for m in thread {
        if side == Side::Staff && !m.kind.seen_by_staff() {
            continue;
        }
        let name = match (m.author_kind, m.author_user) {
            (AuthorKind::Vendor, None) => mailed_by(m.data.as_ref(), &vendor_name),
            (AuthorKind::System, _) | (_, None) => "Kefu".to_owned(),
            (_, Some(user)) => names.get(&user).cloned().unwrap_or_default(),
        };
        let key = m.id.to_string();
        let attached = files
            .iter()
            .filter(|f| f.message_id == key)
            .map(file_of)
            .collect::<Result<Vec<_>, _>>()?;
        entries.push(EscalationEntry {
            id: m.id,
            kind: m.kind,
            author: EscalationAuthor {
                kind: m.author_kind,
                name,
            },
            body: m.body,
            data: m.data,
            files: attached,
            created_at: m.created_at,
        });
    }
    let moves = EscalationStatus::ALL
        .iter()
        .copied()
        .filter(|to| mover(escalation.status, *to) == Some(side))
        .collect();
    Ok(EscalationDetail {
        escalation: response(conn, escalation, side, time::now())?,
        thread: entries,
        moves,
    })
}
