//! Macros and canned replies: agents keep their own, admins share them with everyone; any
//! agent applies them to a ticket from the reply box or the chat panel (`/`).

pub mod apply;
pub mod manage;

use kefu_api_types::macros::{MacroChangesBody, MacroResponse};
use kefu_domain::macros::{Assign, Macro, MacroChanges};
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::tag;
use kefu_store::macros::StoredMacro;

use crate::error::AppError;

/// Whether `actor` may change `m`: their own, or a shared one if they are an admin.
pub(crate) fn editable(actor: &Actor, m: &Macro) -> bool {
    match m.owner {
        Some(owner) => owner == actor.user,
        None => actor.role == Role::Admin,
    }
}

/// Whether `actor` may see and apply `m`: shared, or their own.
pub(crate) fn visible(actor: &Actor, m: &Macro) -> bool {
    m.owner.is_none_or(|owner| owner == actor.user)
}

/// The changes a request describes.
pub(crate) fn changes_of(body: &MacroChangesBody) -> Result<MacroChanges, AppError> {
    let assign = match body.assign.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("me") => Some(Assign::Me),
        Some("nobody" | "none") => Some(Assign::Nobody),
        Some(id) => Some(Assign::User(id.parse().map_err(|_| {
            AppError::invalid("invalid_macro", "assign is `me`, `nobody` or a user id")
        })?)),
    };
    Ok(MacroChanges {
        status: body.status,
        priority: body.priority,
        team: body.team_id,
        assign,
        add_tags: tag::parse_set(&body.add_tags)?,
        remove_tags: tag::parse_set(&body.remove_tags)?,
    })
}

fn changes_body(changes: &MacroChanges) -> MacroChangesBody {
    MacroChangesBody {
        status: changes.status,
        priority: changes.priority,
        team_id: changes.team,
        assign: changes.assign.map(|a| match a {
            Assign::Me => "me".to_owned(),
            Assign::Nobody => "nobody".to_owned(),
            Assign::User(id) => id.to_string(),
        }),
        add_tags: changes.add_tags.iter().map(ToString::to_string).collect(),
        remove_tags: changes
            .remove_tags
            .iter()
            .map(ToString::to_string)
            .collect(),
    }
}

/// The macro as `actor` sees it.
pub(crate) fn response(actor: &Actor, stored: &StoredMacro) -> MacroResponse {
    let m = &stored.value;
    MacroResponse {
        id: m.id,
        title: m.title.clone(),
        shortcut: m.shortcut.clone(),
        text_en: m.text_en.clone(),
        text_zh: m.text_zh.clone(),
        changes: changes_body(&m.changes),
        shared: m.owner.is_none(),
        editable: editable(actor, m),
        uses: stored.uses,
        updated_at: m.updated_at,
    }
}
