//! An admin's side of a vendor's own systems: the webhook (set, change, remove, test, and
//! its latest calls) and the vendor's API key (make, replace, revoke). The key acts as an
//! account of the vendor no one signs in as, so it may read and answer that vendor's
//! escalations and nothing else — exactly what a portal user may. Every change is audited.

use kefu_api_types::vendors::{
    VendorApiKeyResponse, WebhookDeliveryResponse, WebhookRequest, WebhookResponse,
};
use kefu_domain::access_token::{self, ApiToken, TokenScope};
use kefu_domain::account::User;
use kefu_domain::audit::AuditAction;
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::{ApiTokenId, UserId, VendorId, WebhookDeliveryId};
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::time;
use kefu_domain::vendor::Vendor;
use kefu_domain::webhook::{WebhookEvent, WebhookUrl};
use kefu_store::vendors::WebhookTarget;
use kefu_store::webhooks::{Receiver, WebhookDelivery};
use kefu_store::{DbConnection, api_tokens, users, vendors, webhooks};
use serde_json::json;

use super::sign;
use crate::App;
use crate::audit::{self, Origin, Target};
use crate::changes::{Change, Changed};
use crate::error::AppError;

/// How many calls the webhook page lists.
const RECENT: i64 = 20;

fn vendor(conn: &mut DbConnection, id: VendorId) -> Result<Vendor, AppError> {
    vendors::find(conn, id).map_err(AppError::not_found_as("vendor"))
}

/// A call as the delivery log shows it.
pub(crate) fn delivery_response(d: WebhookDelivery) -> WebhookDeliveryResponse {
    WebhookDeliveryResponse {
        next_attempt_at: (d.state == "pending").then_some(d.next_attempt_at),
        id: d.id,
        event: d.event,
        state: d.state,
        attempts: d.attempts,
        last_status: d.last_status,
        last_error: d.last_error,
        last_response: d.last_response,
        sent_at: d.sent_at,
        created_at: d.created_at,
    }
}

fn webhook_response(
    conn: &mut DbConnection,
    id: VendorId,
    secret: Option<String>,
) -> Result<WebhookResponse, AppError> {
    let target = vendors::webhook(conn, id)?;
    let deliveries = webhooks::recent(conn, Receiver::Vendor(id), RECENT)?
        .into_iter()
        .map(delivery_response)
        .collect();
    Ok(WebhookResponse {
        url: target.as_ref().map(|t| t.url.clone()),
        allow_private: target.is_some_and(|t| t.allow_private),
        secret,
        deliveries,
    })
}

/// The vendor's webhook (without its secret) and its latest calls.
pub async fn show(app: &App, actor: Actor, id: VendorId) -> Result<WebhookResponse, AppError> {
    actor.may_administer()?;
    app.store
        .read(move |conn| {
            vendor(conn, id)?;
            webhook_response(conn, id, None)
        })
        .await
}

/// Sets or changes the vendor's webhook; the answer carries the signing secret when one was
/// made (the first time, or when `new_secret` asks).
pub async fn set(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: VendorId,
    request: WebhookRequest,
) -> Result<WebhookResponse, AppError> {
    actor.may_administer()?;
    let url = WebhookUrl::parse(&request.url)?;
    app.store
        .write(move |conn| {
            let now = time::now();
            let found = vendor(conn, id)?;
            let before = vendors::webhook(conn, id)?;
            let secret = match (&before, request.new_secret) {
                (Some(b), false) => b.secret.clone(),
                _ => sign::new_secret(),
            };
            let made = before.as_ref().is_none_or(|b| b.secret != secret);
            vendors::set_webhook(
                conn,
                id,
                Some(&WebhookTarget {
                    url: url.as_str().to_owned(),
                    secret: secret.clone(),
                    allow_private: request.allow_private,
                }),
            )?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::VendorWebhookChanged,
                &actor,
                Some(Target::new("vendor", id, found.name)),
                Some(json!({
                    "url": url.as_str(),
                    "allow_private": request.allow_private,
                    "new_secret": made,
                })),
                now,
            )?;
            webhook_response(conn, id, made.then_some(secret))
        })
        .await
}

/// Removes the vendor's webhook; calls still waiting are given up when their turn comes.
pub async fn remove(app: &App, actor: Actor, origin: Origin, id: VendorId) -> Result<(), AppError> {
    actor.may_administer()?;
    app.store
        .write(move |conn| {
            let found = vendor(conn, id)?;
            vendors::set_webhook(conn, id, None)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::VendorWebhookChanged,
                &actor,
                Some(Target::new("vendor", id, found.name)),
                Some(json!({ "url": null })),
                time::now(),
            )?;
            Ok::<_, AppError>(())
        })
        .await
}

/// Sends the webhook a `ping` call now, so an admin sees it work (or why not).
pub async fn ping(app: &App, actor: Actor, id: VendorId) -> Result<WebhookResponse, AppError> {
    actor.may_administer()?;
    app.store
        .write(move |conn| {
            let now = time::now();
            let found = vendor(conn, id)?;
            let Some(target) = vendors::webhook(conn, id)? else {
                return Err(AppError::invalid(
                    "no_webhook",
                    "set the webhook's address first",
                ));
            };
            let delivery = WebhookDeliveryId::new();
            let body = json!({
                "id": delivery,
                "type": WebhookEvent::Ping.as_str(),
                "created_at": now,
                "data": { "vendor": { "id": found.id, "name": found.name } },
            });
            super::enqueue(
                conn,
                Receiver::Vendor(id),
                None,
                delivery,
                WebhookEvent::Ping.as_str(),
                &target.url,
                &body,
                now,
            )?;
            webhook_response(conn, id, None)
        })
        .await
}

/// The vendor's API key: whether a live one exists, when it was made and last used.
pub async fn api_key(
    app: &App,
    actor: Actor,
    id: VendorId,
) -> Result<VendorApiKeyResponse, AppError> {
    actor.may_administer()?;
    app.store
        .read(move |conn| {
            vendor(conn, id)?;
            key_status(conn, id, None)
        })
        .await
}

fn key_status(
    conn: &mut DbConnection,
    id: VendorId,
    key: Option<String>,
) -> Result<VendorApiKeyResponse, AppError> {
    let now = time::now();
    let live = match vendors::integration_user(conn, id)? {
        Some(user) => api_tokens::list_for_user(conn, user)?
            .into_iter()
            .find(|t| t.is_live(now)),
        None => None,
    };
    Ok(VendorApiKeyResponse {
        active: live.is_some(),
        key,
        created_at: live.as_ref().map(|t| t.created_at),
        last_used_at: live.and_then(|t| t.last_used_at),
    })
}

/// Makes the vendor's API key, replacing (revoking) any before it; the answer carries the key,
/// shown this once.
pub async fn create_api_key(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: VendorId,
) -> Result<Changed<VendorApiKeyResponse>, AppError> {
    actor.may_administer()?;
    let secret = format!("{}{}", access_token::PREFIX, crate::tokens::generate());
    let hash = crate::tokens::hash(&secret);
    app.store
        .write(move |conn| {
            let now = time::now();
            let found = vendor(conn, id)?;
            let user = integration_account(conn, &found)?;
            api_tokens::revoke_all_for_user(conn, user, now)?;
            let token = ApiToken {
                id: ApiTokenId::new(),
                user,
                name: "Vendor API key".to_owned(),
                scope: TokenScope::ReadWrite,
                created_at: now,
                expires_at: None,
                last_used_at: None,
                revoked_at: None,
            };
            api_tokens::insert(conn, &token, &hash)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::VendorApiKeyCreated,
                &actor,
                Some(Target::new("vendor", id, found.name)),
                Some(json!({ "token": token.id })),
                now,
            )?;
            let shown = key_status(conn, id, Some(secret))?;
            Ok::<_, AppError>(Changed::new(shown, vec![Change::User { id: user }]))
        })
        .await
}

/// Revokes the vendor's API key; calls with it are refused from now on.
pub async fn revoke_api_key(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: VendorId,
) -> Result<Changed<VendorApiKeyResponse>, AppError> {
    actor.may_administer()?;
    app.store
        .write(move |conn| {
            let now = time::now();
            let found = vendor(conn, id)?;
            let user = vendors::integration_user(conn, id)?;
            if let Some(user) = user {
                api_tokens::revoke_all_for_user(conn, user, now)?;
            }
            audit::record_by(
                conn,
                &origin,
                AuditAction::VendorApiKeyRevoked,
                &actor,
                Some(Target::new("vendor", id, found.name)),
                None,
                now,
            )?;
            let shown = key_status(conn, id, None)?;
            let changes = user.map(|id| Change::User { id }).into_iter().collect();
            Ok::<_, AppError>(Changed::new(shown, changes))
        })
        .await
}

/// The account the vendor's API key acts as, made the first time: a vendor user with no
/// password, named after the vendor, at an address that can never receive mail.
fn integration_account(conn: &mut DbConnection, vendor: &Vendor) -> Result<UserId, AppError> {
    if let Some(user) = vendors::integration_user(conn, vendor.id)? {
        return Ok(user);
    }
    let simple = vendor.id.as_uuid().simple().to_string();
    let name: String = format!("{} · API", vendor.name)
        .chars()
        .take(kefu_domain::text::NAME_MAX)
        .collect();
    let user = User {
        id: UserId::new(),
        email: EmailAddress::parse(&format!("api-{simple}@vendor-api.invalid"))?,
        name,
        role: Role::Vendor,
        active: true,
        locale: None,
        created_at: time::now(),
    };
    users::insert(conn, &user, None)?;
    vendors::add_integration_user(conn, vendor.id, user.id)?;
    Ok(user.id)
}
