//! Integration webhooks (admins): add, change, pause, remove, send a test event, read the
//! delivery log and send a call again. Every change is audited; the secret is shown once,
//! in the answer that made it.

use kefu_api_types::integrations::{
    IntegrationDeliveries, IntegrationList, IntegrationRequest, IntegrationResponse,
};
use kefu_domain::audit::AuditAction;
use kefu_domain::ids::{IntegrationId, WebhookDeliveryId};
use kefu_domain::integration::{INTEGRATIONS_MAX, Integration, IntegrationEvent};
use kefu_domain::permissions::Actor;
use kefu_domain::time;
use kefu_store::integrations::{self, IntegrationRecord};
use kefu_store::webhooks::{self, Receiver};
use kefu_store::{DbConnection, StoreError};
use serde_json::json;

use crate::App;
use crate::audit::{self, Origin, Target};
use crate::error::AppError;
use crate::webhooks::manage::delivery_response;
use crate::webhooks::sign;

/// How many calls the delivery log lists.
const RECENT: i64 = 50;

fn response(record: IntegrationRecord, secret: Option<String>) -> IntegrationResponse {
    let i = record.integration;
    IntegrationResponse {
        id: i.id,
        name: i.name,
        url: i.url,
        events: i.events,
        active: i.active,
        allow_private: i.allow_private,
        secret,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

fn find(conn: &mut DbConnection, id: IntegrationId) -> Result<IntegrationRecord, AppError> {
    integrations::find(conn, id).map_err(AppError::not_found_as("integration"))
}

/// The integration a request describes, checked; `active` left out keeps `was_active`.
fn integration_of(
    id: IntegrationId,
    request: &IntegrationRequest,
    was_active: bool,
) -> Result<Integration, AppError> {
    let mut integration = Integration {
        id,
        name: request.name.clone(),
        url: request.url.clone(),
        events: request.events.clone(),
        active: request.active.unwrap_or(was_active),
        allow_private: request.allow_private,
    };
    integration.check()?;
    Ok(integration)
}

fn audit_change(
    conn: &mut DbConnection,
    origin: &Origin,
    action: AuditAction,
    actor: &Actor,
    integration: &Integration,
    new_secret: bool,
) -> Result<(), AppError> {
    audit::record_by(
        conn,
        origin,
        action,
        actor,
        Some(Target::new(
            "integration",
            integration.id,
            integration.name.clone(),
        )),
        Some(json!({
            "url": integration.url,
            "events": integration.events.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
            "active": integration.active,
            "allow_private": integration.allow_private,
            "new_secret": new_secret,
        })),
        time::now(),
    )?;
    Ok(())
}

/// Every integration webhook, by name (admins).
pub async fn list(app: &App, actor: Actor) -> Result<IntegrationList, AppError> {
    actor.may_administer()?;
    app.store
        .read(|conn| {
            let items = integrations::list(conn)?
                .into_iter()
                .map(|r| response(r, None))
                .collect();
            Ok::<_, AppError>(IntegrationList { items })
        })
        .await
}

/// One integration webhook, without its secret (admins).
pub async fn show(
    app: &App,
    actor: Actor,
    id: IntegrationId,
) -> Result<IntegrationResponse, AppError> {
    actor.may_administer()?;
    app.store
        .read(move |conn| Ok::<_, AppError>(response(find(conn, id)?, None)))
        .await
}

/// Adds an integration webhook; the answer carries its signing secret (admins, audited).
pub async fn create(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: IntegrationRequest,
) -> Result<IntegrationResponse, AppError> {
    actor.may_administer()?;
    let integration = integration_of(IntegrationId::new(), &request, true)?;
    let created = app
        .store
        .write(move |conn| {
            if integrations::list(conn)?.len() >= INTEGRATIONS_MAX {
                return Err(AppError::invalid(
                    "too_many_integrations",
                    format!("a helpdesk has at most {INTEGRATIONS_MAX} integration webhooks"),
                ));
            }
            let now = time::now();
            let secret = sign::new_secret();
            let record = IntegrationRecord {
                integration,
                secret: secret.clone(),
                created_at: now,
                updated_at: now,
            };
            integrations::insert(conn, &record)?;
            audit_change(
                conn,
                &origin,
                AuditAction::IntegrationCreated,
                &actor,
                &record.integration,
                true,
            )?;
            Ok(response(record, Some(secret)))
        })
        .await?;
    // Dropped once committed, so no request of this node reads the list as it was.
    app.sla_book.drop_book();
    Ok(created)
}

/// Changes an integration webhook, with a new secret when asked (admins, audited).
pub async fn update(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: IntegrationId,
    request: IntegrationRequest,
) -> Result<IntegrationResponse, AppError> {
    actor.may_administer()?;
    let changed = app
        .store
        .write(move |conn| {
            let mut record = find(conn, id)?;
            let integration = integration_of(id, &request, record.integration.active)?;
            let secret = request.new_secret.then(sign::new_secret);
            if integration == record.integration && secret.is_none() {
                return Ok(response(record, None));
            }
            record.integration = integration;
            if let Some(secret) = &secret {
                record.secret = secret.clone();
            }
            record.updated_at = time::now();
            integrations::update(conn, &record)?;
            audit_change(
                conn,
                &origin,
                AuditAction::IntegrationUpdated,
                &actor,
                &record.integration,
                secret.is_some(),
            )?;
            Ok::<_, AppError>(response(record, secret))
        })
        .await?;
    app.sla_book.drop_book();
    Ok(changed)
}

/// Removes an integration webhook and its delivery log (admins, audited).
pub async fn delete(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: IntegrationId,
) -> Result<(), AppError> {
    actor.may_administer()?;
    app.store
        .write(move |conn| {
            let record = find(conn, id)?;
            integrations::delete(conn, id)?;
            audit_change(
                conn,
                &origin,
                AuditAction::IntegrationDeleted,
                &actor,
                &record.integration,
                false,
            )?;
            Ok::<_, AppError>(())
        })
        .await?;
    app.sla_book.drop_book();
    Ok(())
}

/// Sends the integration a `ping` now, paused or not, so an admin sees it work (or why not);
/// answers the delivery log with the ping first (admins).
pub async fn ping(
    app: &App,
    actor: Actor,
    id: IntegrationId,
) -> Result<IntegrationDeliveries, AppError> {
    actor.may_administer()?;
    app.store
        .write(move |conn| {
            let record = find(conn, id)?;
            let data = json!({
                "integration": { "id": record.integration.id, "name": record.integration.name },
            });
            super::call(
                conn,
                &record.integration,
                IntegrationEvent::Ping,
                &data,
                time::now(),
            )?;
            log(conn, id)
        })
        .await
}

fn log(conn: &mut DbConnection, id: IntegrationId) -> Result<IntegrationDeliveries, AppError> {
    let items = webhooks::recent(conn, Receiver::Integration(id), RECENT)?
        .into_iter()
        .map(delivery_response)
        .collect();
    Ok(IntegrationDeliveries { items })
}

/// The integration's latest calls, newest first, with the answers they got (admins).
pub async fn deliveries(
    app: &App,
    actor: Actor,
    id: IntegrationId,
) -> Result<IntegrationDeliveries, AppError> {
    actor.may_administer()?;
    app.store
        .read(move |conn| {
            find(conn, id)?;
            log(conn, id)
        })
        .await
}

/// Sends a delivered or failed call again, as it was (admins); a call still waiting is
/// refused.
pub async fn redeliver(
    app: &App,
    actor: Actor,
    id: IntegrationId,
    delivery: WebhookDeliveryId,
) -> Result<IntegrationDeliveries, AppError> {
    actor.may_administer()?;
    app.store
        .write(move |conn| {
            find(conn, id)?;
            let call = match webhooks::find(conn, delivery) {
                Ok(call) if call.receiver == Receiver::Integration(id) => call,
                Ok(_) | Err(StoreError::NotFound) => return Err(AppError::NotFound("delivery")),
                Err(error) => return Err(error.into()),
            };
            if !webhooks::redeliver(conn, call.id, time::now())? {
                return Err(AppError::conflict(
                    "delivery_pending",
                    "this call is still waiting to be sent",
                ));
            }
            log(conn, id)
        })
        .await
}
