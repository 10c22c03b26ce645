//! Listing vendors (staff), and adding and changing them (admins, audited).

use kefu_api_types::vendors::{
    CreateVendorRequest, ResponseTargetsBody, UpdateVendorRequest, VendorList, VendorResponse,
    VendorUserList, VendorUserResponse,
};
use kefu_domain::audit::AuditAction;
use kefu_domain::ids::VendorId;
use kefu_domain::permissions::Actor;
use kefu_domain::time;
use kefu_domain::vendor::{self, ResponseTargets, Vendor};
use kefu_store::{DbConnection, vendors};

use super::{name_taken, response};
use crate::App;
use crate::audit::{self, Origin, Target};
use crate::error::AppError;
use crate::tickets::TicketRef;
use crate::tickets::reference::load_visible;

fn targets(body: ResponseTargetsBody) -> Result<ResponseTargets, AppError> {
    Ok(ResponseTargets::new(
        body.acknowledge_minutes,
        body.answer_minutes,
    )?)
}

fn one(conn: &mut DbConnection, id: VendorId) -> Result<VendorResponse, AppError> {
    let vendor = vendors::find(conn, id).map_err(AppError::not_found_as("vendor"))?;
    let users = vendors::active_user_counts(conn)?
        .get(&id)
        .copied()
        .unwrap_or(0);
    Ok(response(vendor, users, 0))
}

/// Every vendor, for agents choosing one; with `ticket`, those whose products or categories
/// the ticket names come first, best fit first.
pub async fn list(
    app: &App,
    actor: Actor,
    ticket: Option<TicketRef>,
) -> Result<VendorList, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            let words = match ticket {
                Some(reference) => {
                    let (ticket, _) = load_visible(conn, &actor, reference)?;
                    let first = kefu_store::messages::first_body(conn, ticket.id)?;
                    format!(
                        "{} {} {}",
                        ticket.subject,
                        ticket
                            .tags
                            .iter()
                            .map(|t| t.as_str())
                            .collect::<Vec<_>>()
                            .join(" "),
                        first.unwrap_or_default()
                    )
                }
                None => String::new(),
            };
            let users = vendors::active_user_counts(conn)?;
            let mut items: Vec<VendorResponse> = vendors::list(conn)?
                .into_iter()
                .map(|v| {
                    let fit = if words.is_empty() { 0 } else { v.fit(&words) };
                    let portal = users.get(&v.id).copied().unwrap_or(0);
                    response(v, portal, fit)
                })
                .collect();
            items.sort_by_key(|v| std::cmp::Reverse(v.fit));
            Ok::<_, AppError>(VendorList { items })
        })
        .await
}

/// One vendor (staff).
pub async fn show(app: &App, actor: Actor, id: VendorId) -> Result<VendorResponse, AppError> {
    actor.may_work_tickets()?;
    app.store.read(move |conn| one(conn, id)).await
}

/// Adds the vendor the request describes (admins).
pub async fn create(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: CreateVendorRequest,
) -> Result<VendorResponse, AppError> {
    actor.may_administer()?;
    let now = time::now();
    let vendor = Vendor {
        id: VendorId::new(),
        name: vendor::name(&request.name)?,
        kind: request.kind,
        contacts: vendor::contacts(&request.contacts)?,
        coverage: vendor::coverage(&request.coverage)?,
        targets: request
            .targets
            .map(targets)
            .transpose()?
            .unwrap_or_default(),
        share_contact_by_default: request.share_contact_by_default,
        active: true,
        created_at: now,
        updated_at: now,
    };
    app.store
        .write(move |conn| {
            vendors::insert(conn, &vendor).map_err(name_taken(&vendor.name))?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::VendorCreated,
                &actor,
                Some(Target::new("vendor", vendor.id, vendor.name.clone())),
                Some(serde_json::json!({ "kind": vendor.kind })),
                now,
            )?;
            one(conn, vendor.id)
        })
        .await
}

/// Changes a vendor (admins); what changed goes to the audit log.
pub async fn update(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: VendorId,
    request: UpdateVendorRequest,
) -> Result<VendorResponse, AppError> {
    actor.may_administer()?;
    let name = request.name.as_deref().map(vendor::name).transpose()?;
    let contacts = request
        .contacts
        .as_deref()
        .map(vendor::contacts)
        .transpose()?;
    let coverage = request
        .coverage
        .as_deref()
        .map(vendor::coverage)
        .transpose()?;
    let new_targets = request.targets.map(targets).transpose()?;
    app.store
        .write(move |conn| {
            let mut vendor = vendors::find(conn, id).map_err(AppError::not_found_as("vendor"))?;
            let mut changed = Vec::new();
            if let Some(name) = name.filter(|n| *n != vendor.name) {
                vendor.name = name;
                changed.push("name");
            }
            if let Some(kind) = request.kind.filter(|k| *k != vendor.kind) {
                vendor.kind = kind;
                changed.push("kind");
            }
            if let Some(contacts) = contacts.filter(|c| *c != vendor.contacts) {
                vendor.contacts = contacts;
                changed.push("contacts");
            }
            if let Some(coverage) = coverage.filter(|c| *c != vendor.coverage) {
                vendor.coverage = coverage;
                changed.push("coverage");
            }
            if let Some(t) = new_targets.filter(|t| *t != vendor.targets) {
                vendor.targets = t;
                changed.push("targets");
            }
            if let Some(share) = request
                .share_contact_by_default
                .filter(|s| *s != vendor.share_contact_by_default)
            {
                vendor.share_contact_by_default = share;
                changed.push("share_contact_by_default");
            }
            if let Some(active) = request.active.filter(|a| *a != vendor.active) {
                vendor.active = active;
                changed.push("active");
            }
            if !changed.is_empty() {
                let now = time::now();
                vendor.updated_at = now;
                vendors::save(conn, &vendor).map_err(name_taken(&vendor.name))?;
                audit::record_by(
                    conn,
                    &origin,
                    AuditAction::VendorUpdated,
                    &actor,
                    Some(Target::new("vendor", vendor.id, vendor.name.clone())),
                    Some(serde_json::json!({ "changed": changed })),
                    now,
                )?;
            }
            one(conn, id)
        })
        .await
}

/// A vendor's users (admins).
pub async fn users(app: &App, actor: Actor, id: VendorId) -> Result<VendorUserList, AppError> {
    actor.may_administer()?;
    app.store
        .read(move |conn| {
            vendors::find(conn, id).map_err(AppError::not_found_as("vendor"))?;
            let items = vendors::users(conn, id)?
                .into_iter()
                .map(|u| VendorUserResponse {
                    id: u.id,
                    name: u.name,
                    email: u.email.to_string(),
                    active: u.active,
                })
                .collect();
            Ok::<_, AppError>(VendorUserList { items })
        })
        .await
}
