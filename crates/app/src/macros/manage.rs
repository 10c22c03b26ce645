//! Listing, adding, changing and removing macros. Agents manage their own; admins also the
//! shared ones, and those changes go to the audit log.

use kefu_api_types::macros::{MacroList, MacroQuery, MacroRequest, MacroResponse};
use kefu_domain::audit::AuditAction;
use kefu_domain::ids::MacroId;
use kefu_domain::macros::Macro;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::time;
use kefu_store::{DbConnection, macros};

use super::{changes_of, editable, response, visible};
use crate::App;
use crate::audit::{self, Origin, Target};
use crate::error::AppError;

/// The most macros one agent keeps, and the most shared ones.
pub const MAX_MACROS: usize = 500;

/// The macros `actor` may apply, most used first; with `q`, those it finds.
pub async fn list(app: &App, actor: Actor, query: MacroQuery) -> Result<MacroList, AppError> {
    actor.may_work_tickets()?;
    let q = query.q.unwrap_or_default();
    app.store
        .read(move |conn| {
            let items = macros::visible_to(conn, actor.user)?
                .iter()
                .filter(|m| m.value.matches(&q))
                .map(|m| response(&actor, m))
                .collect();
            Ok::<_, AppError>(MacroList { items })
        })
        .await
}

/// One macro `actor` may apply.
pub async fn show(app: &App, actor: Actor, id: MacroId) -> Result<MacroResponse, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            let found = visible_one(conn, &actor, id)?;
            Ok::<_, AppError>(response(&actor, &found))
        })
        .await
}

fn visible_one(
    conn: &mut DbConnection,
    actor: &Actor,
    id: MacroId,
) -> Result<macros::StoredMacro, AppError> {
    macros::find(conn, id)
        .map_err(AppError::not_found_as("macro"))
        .and_then(|m| {
            if visible(actor, &m.value) {
                Ok(m)
            } else {
                Err(AppError::NotFound("macro"))
            }
        })
}

fn shared_only_for_admins(actor: &Actor, shared: bool) -> Result<(), AppError> {
    if shared && actor.role != Role::Admin {
        return Err(AppError::forbidden(
            "only admins share macros with everyone",
        ));
    }
    Ok(())
}

/// Audits an admin's change to a shared macro.
fn audit_shared(
    conn: &mut DbConnection,
    (origin, actor): (&Origin, &Actor),
    action: AuditAction,
    m: &Macro,
) -> Result<(), AppError> {
    if m.owner.is_none() {
        audit::record_by(
            conn,
            origin,
            action,
            actor,
            Some(Target::new("macro", m.id, m.title.clone())),
            None,
            time::now(),
        )?;
    }
    Ok(())
}

/// Adds a macro: the caller's own, or with `shared`, everyone's (admins).
pub async fn create(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: MacroRequest,
) -> Result<MacroResponse, AppError> {
    actor.may_work_tickets()?;
    shared_only_for_admins(&actor, request.shared)?;
    let now = time::now();
    let mut m = Macro {
        id: MacroId::new(),
        owner: (!request.shared).then_some(actor.user),
        title: request.title,
        shortcut: request.shortcut,
        text_en: request.text_en,
        text_zh: request.text_zh,
        changes: changes_of(&request.changes)?,
        created_at: now,
        updated_at: now,
    };
    m.check()?;
    app.store
        .write(move |conn| {
            let kept = macros::visible_to(conn, actor.user)?
                .iter()
                .filter(|s| s.value.owner == m.owner)
                .count();
            if kept >= MAX_MACROS {
                return Err(AppError::invalid(
                    "too_many",
                    format!("at most {MAX_MACROS} macros of each kind; remove some first"),
                ));
            }
            macros::insert(conn, &m)?;
            audit_shared(conn, (&origin, &actor), AuditAction::MacroCreated, &m)?;
            Ok(response(&actor, &macros::StoredMacro { value: m, uses: 0 }))
        })
        .await
}

/// Changes a macro the caller may change.
pub async fn update(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: MacroId,
    request: MacroRequest,
) -> Result<MacroResponse, AppError> {
    actor.may_work_tickets()?;
    shared_only_for_admins(&actor, request.shared)?;
    let changes = changes_of(&request.changes)?;
    app.store
        .write(move |conn| {
            let mut stored = visible_one(conn, &actor, id)?;
            if !editable(&actor, &stored.value) {
                return Err(AppError::forbidden("only admins change shared macros"));
            }
            let m = &mut stored.value;
            m.owner = (!request.shared).then_some(m.owner.unwrap_or(actor.user));
            m.title = request.title;
            m.shortcut = request.shortcut;
            m.text_en = request.text_en;
            m.text_zh = request.text_zh;
            m.changes = changes;
            m.updated_at = time::now();
            m.check()?;
            macros::update(conn, m)?;
            audit_shared(conn, (&origin, &actor), AuditAction::MacroUpdated, m)?;
            Ok(response(&actor, &stored))
        })
        .await
}

/// Removes a macro the caller may change.
pub async fn delete(app: &App, actor: Actor, origin: Origin, id: MacroId) -> Result<(), AppError> {
    actor.may_work_tickets()?;
    app.store
        .write(move |conn| {
            let stored = visible_one(conn, &actor, id)?;
            if !editable(&actor, &stored.value) {
                return Err(AppError::forbidden("only admins remove shared macros"));
            }
            macros::delete(conn, id)?;
            audit_shared(
                conn,
                (&origin, &actor),
                AuditAction::MacroDeleted,
                &stored.value,
            )?;
            Ok(())
        })
        .await
}
