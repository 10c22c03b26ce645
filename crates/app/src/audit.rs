//! The audit log: recording security-relevant actions as they happen, and reading them back.

use chrono::{DateTime, Utc};
use kefu_api_types::auth::{AuditEventResponse, AuditList};
use kefu_api_types::queries::AuditQuery;
use kefu_domain::audit::{AuditAction, AuditEvent};
use kefu_domain::ids::{AuditEventId, UserId};
use kefu_domain::permissions::Actor;
use kefu_store::{DbConnection, StoreError, audit};

use crate::App;
use crate::error::AppError;

/// Where an action came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The client's address, if it came over the network.
    pub address: Option<String>,
    /// What acted when no user did (`kefu CLI`).
    pub agent: Option<&'static str>,
}

impl Origin {
    /// A request from `address`.
    pub fn client(address: impl Into<String>) -> Self {
        Self {
            address: Some(address.into()),
            agent: None,
        }
    }

    /// A mail that came in (a vendor's reply by mail).
    pub fn mail() -> Self {
        Self {
            address: None,
            agent: Some("email"),
        }
    }

    /// The operator's command line on the server.
    pub fn cli() -> Self {
        Self {
            address: None,
            agent: Some("kefu CLI"),
        }
    }
}

/// What an action was done to.
#[derive(Clone, Debug, Default)]
pub struct Target {
    /// `user`, `team`, `token`.
    pub kind: &'static str,
    /// Its id.
    pub id: String,
    /// Its name or address at the time.
    pub label: String,
}

impl Target {
    /// A target of `kind` with its id and label.
    pub fn new(kind: &'static str, id: impl ToString, label: impl Into<String>) -> Self {
        Self {
            kind,
            id: id.to_string(),
            label: label.into(),
        }
    }
}

/// Appends an entry in the caller's transaction, so the log holds exactly what committed.
pub fn record(
    conn: &mut DbConnection,
    origin: &Origin,
    action: AuditAction,
    actor: Option<(UserId, &str)>,
    target: Option<Target>,
    detail: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let event = AuditEvent {
        id: AuditEventId::new(),
        occurred_at: now,
        action,
        actor: actor.map(|(id, _)| id),
        actor_name: actor
            .map(|(_, name)| name.to_owned())
            .or_else(|| origin.agent.map(str::to_owned)),
        target_kind: target.as_ref().map(|t| t.kind.to_owned()),
        target_id: target.as_ref().map(|t| t.id.clone()),
        target_label: target.map(|t| t.label),
        ip: origin.address.clone(),
        detail,
    };
    audit::insert(conn, &event)
}

/// The fields whose value differs between before and after, each as `{"from", "to"}`; `None`
/// when nothing changed.
pub fn differences<const N: usize>(
    fields: [(&str, serde_json::Value, serde_json::Value); N],
) -> Option<serde_json::Value> {
    let changed: serde_json::Map<String, serde_json::Value> = fields
        .into_iter()
        .filter(|(_, from, to)| from != to)
        .map(|(field, from, to)| {
            (
                field.to_owned(),
                serde_json::json!({ "from": from, "to": to }),
            )
        })
        .collect();
    (!changed.is_empty()).then_some(serde_json::Value::Object(changed))
}

/// Appends an entry for an action `actor` took, under their name as it is now.
pub fn record_by(
    conn: &mut DbConnection,
    origin: &Origin,
    action: AuditAction,
    actor: &Actor,
    target: Option<Target>,
    detail: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let name = actor_name(conn, actor)?;
    record(
        conn,
        origin,
        action,
        Some((actor.user, &name)),
        target,
        detail,
        now,
    )
}

/// The name of the acting user, as the log keeps it.
pub fn actor_name(conn: &mut DbConnection, actor: &Actor) -> Result<String, StoreError> {
    Ok(kefu_store::users::names(conn, &[actor.user])?
        .remove(&actor.user)
        .unwrap_or_default())
}

/// The most entries one page holds.
pub const MAX_LIMIT: i64 = 200;
/// The page size when none is asked for.
pub const DEFAULT_LIMIT: i64 = 100;

fn response(event: AuditEvent) -> AuditEventResponse {
    AuditEventResponse {
        id: event.id,
        occurred_at: event.occurred_at,
        action: event.action.as_str().to_owned(),
        actor_id: event.actor,
        actor_name: event.actor_name,
        target_kind: event.target_kind,
        target_id: event.target_id,
        target_label: event.target_label,
        ip: event.ip,
        detail: event.detail,
    }
}

/// One page of the log, newest first (admins).
pub async fn list(app: &App, actor: Actor, query: AuditQuery) -> Result<AuditList, AppError> {
    actor.may_administer()?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::InvalidQuery(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let cursor = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(
            c.parse::<AuditEventId>()
                .map_err(|_| AppError::InvalidQuery("the cursor is not valid".into()))?
                .to_string(),
        ),
        None => None,
    };
    let mut items = app
        .store
        .read(move |conn| {
            audit::page(conn, cursor.as_deref(), limit + 1).map_err(|e| match e {
                StoreError::NotFound => AppError::InvalidQuery("the cursor is not valid".into()),
                other => other.into(),
            })
        })
        .await?;
    let next_cursor = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|e| e.id.to_string())
    } else {
        None
    };
    Ok(AuditList {
        items: items.into_iter().map(response).collect(),
        next_cursor,
    })
}
