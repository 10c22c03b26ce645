//! Calls of vendors' and integrations' webhooks: written in the transaction of the escalation event that
//! caused them, claimed by a worker for a while (so two nodes never call at once, and a
//! worker that dies leaves them to be claimed again), then marked delivered, due again later,
//! or failed for good.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{EscalationId, IntegrationId, VendorId, WebhookDeliveryId};

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::webhook_deliveries;
use crate::{DbConnection, StoreError};

/// Whose webhook a call goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Receiver {
    /// A vendor's own helpdesk.
    Vendor(VendorId),
    /// An integration an admin set up.
    Integration(IntegrationId),
}

/// One webhook call, waiting or made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// Its id (sent as `Kefu-Delivery`).
    pub id: WebhookDeliveryId,
    /// Whose webhook is called.
    pub receiver: Receiver,
    /// The escalation it is about, if any.
    pub escalation: Option<EscalationId>,
    /// The event (`escalation.created`).
    pub event: String,
    /// The address called.
    pub url: String,
    /// The JSON body.
    pub body: String,
    /// `pending`, `sent` or `failed`.
    pub state: String,
    /// Failed attempts so far.
    pub attempts: i32,
    /// When it is next due.
    pub next_attempt_at: DateTime<Utc>,
    /// The HTTP status of the last answer, if one came.
    pub last_status: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// The start of the receiver's last answer.
    pub last_response: Option<String>,
    /// When it was delivered.
    pub sent_at: Option<DateTime<Utc>>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries, treat_none_as_default_value = false)]
struct DeliveryRow {
    id: String,
    vendor_id: Option<String>,
    integration_id: Option<String>,
    escalation_id: Option<String>,
    event: String,
    url: String,
    body: String,
    state: String,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    claimed_until: Option<NaiveDateTime>,
    last_status: Option<i32>,
    last_error: Option<String>,
    last_response: Option<String>,
    sent_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

impl TryFrom<DeliveryRow> for WebhookDelivery {
    type Error = StoreError;

    fn try_from(row: DeliveryRow) -> Result<Self, StoreError> {
        let receiver = match (row.vendor_id.as_deref(), row.integration_id.as_deref()) {
            (Some(vendor), _) => Receiver::Vendor(parse(vendor)?),
            (None, Some(integration)) => Receiver::Integration(parse(integration)?),
            (None, None) => {
                return Err(StoreError::Corrupt(format!(
                    "webhook delivery {} has no receiver",
                    row.id
                )));
            }
        };
        Ok(Self {
            id: parse(&row.id)?,
            receiver,
            escalation: parse_opt(row.escalation_id.as_deref())?,
            event: row.event,
            url: row.url,
            body: row.body,
            state: row.state,
            attempts: row.attempts,
            next_attempt_at: from_db(row.next_attempt_at),
            last_status: row.last_status,
            last_error: row.last_error,
            last_response: row.last_response,
            sent_at: row.sent_at.map(from_db),
            created_at: from_db(row.created_at),
        })
    }
}

/// Writes a call, due now.
pub fn enqueue(conn: &mut DbConnection, delivery: &WebhookDelivery) -> Result<(), StoreError> {
    let row = DeliveryRow {
        id: delivery.id.to_string(),
        vendor_id: match delivery.receiver {
            Receiver::Vendor(v) => Some(v.to_string()),
            Receiver::Integration(_) => None,
        },
        integration_id: match delivery.receiver {
            Receiver::Integration(i) => Some(i.to_string()),
            Receiver::Vendor(_) => None,
        },
        escalation_id: delivery.escalation.map(|e| e.to_string()),
        event: delivery.event.clone(),
        url: delivery.url.clone(),
        body: delivery.body.clone(),
        state: "pending".to_owned(),
        attempts: 0,
        next_attempt_at: to_db(delivery.next_attempt_at),
        claimed_until: None,
        last_status: None,
        last_error: None,
        last_response: None,
        sent_at: None,
        created_at: to_db(delivery.created_at),
    };
    crate::with_backend!(conn, c => diesel::insert_into(webhook_deliveries::table)
        .values(&row)
        .execute(c))?;
    Ok(())
}

/// Claims up to `limit` due calls for `lease`. Run it in a write transaction.
pub fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: i64,
    lease: Duration,
) -> Result<Vec<WebhookDelivery>, StoreError> {
    macro_rules! due {
        () => {
            webhook_deliveries::table
                .filter(webhook_deliveries::state.eq("pending"))
                .filter(webhook_deliveries::next_attempt_at.le(to_db(now)))
                .filter(
                    webhook_deliveries::claimed_until
                        .is_null()
                        .or(webhook_deliveries::claimed_until.lt(to_db(now))),
                )
                .order((webhook_deliveries::next_attempt_at, webhook_deliveries::id))
                .limit(limit)
                .select(DeliveryRow::as_select())
        };
    }
    let rows: Vec<DeliveryRow> = match conn {
        DbConnection::Postgres(c) => due!().for_update().skip_locked().load(c)?,
        DbConnection::Sqlite(c) => due!().load(c)?,
    };
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)))
        .set(webhook_deliveries::claimed_until.eq(Some(to_db(now + lease))))
        .execute(conn)?;
    rows.into_iter().map(WebhookDelivery::try_from).collect()
}

/// When the next pending call falls due, if any.
pub fn next_due(conn: &mut DbConnection) -> Result<Option<DateTime<Utc>>, StoreError> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::state.eq("pending"))
        .select(diesel::dsl::min(webhook_deliveries::next_attempt_at))
        .first::<Option<NaiveDateTime>>(conn)?
        .map(from_db))
}

/// Records how a call went: delivered; due again at `retry_at`; or, with neither, failed
/// for good.
pub fn record_attempt(
    conn: &mut DbConnection,
    id: WebhookDeliveryId,
    outcome: Attempt<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Attempt {
        delivered,
        attempts,
        status,
        error,
        response,
        retry_at,
    } = outcome;
    let state = match (delivered, retry_at) {
        (true, _) => "sent",
        (false, Some(_)) => "pending",
        (false, None) => "failed",
    };
    diesel::update(webhook_deliveries::table.find(id.to_string()))
        .set((
            webhook_deliveries::state.eq(state),
            webhook_deliveries::attempts.eq(attempts),
            webhook_deliveries::last_status.eq(status),
            webhook_deliveries::last_error.eq(error),
            webhook_deliveries::last_response.eq(response),
            webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
            webhook_deliveries::sent_at.eq(delivered.then(|| to_db(now))),
            webhook_deliveries::next_attempt_at.eq(to_db(retry_at.unwrap_or(now))),
        ))
        .execute(conn)?;
    Ok(())
}

/// How one call went.
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    /// Whether the receiver took it.
    pub delivered: bool,
    /// Failed attempts so far (this one included, if it failed).
    pub attempts: i32,
    /// The HTTP status of the answer, if one came.
    pub status: Option<i32>,
    /// Why it failed.
    pub error: Option<&'a str>,
    /// The start of the receiver's answer.
    pub response: Option<&'a str>,
    /// When to call again, if it failed and may pass.
    pub retry_at: Option<DateTime<Utc>>,
}

/// The latest calls to `receiver`, newest first.
pub fn recent(
    conn: &mut DbConnection,
    receiver: Receiver,
    limit: i64,
) -> Result<Vec<WebhookDelivery>, StoreError> {
    let query = webhook_deliveries::table
        .order((
            webhook_deliveries::created_at.desc(),
            webhook_deliveries::id.desc(),
        ))
        .limit(limit)
        .select(DeliveryRow::as_select())
        .into_boxed();
    let query = match receiver {
        Receiver::Vendor(v) => query.filter(webhook_deliveries::vendor_id.eq(v.to_string())),
        Receiver::Integration(i) => {
            query.filter(webhook_deliveries::integration_id.eq(i.to_string()))
        }
    };
    query
        .load::<DeliveryRow>(conn)?
        .into_iter()
        .map(WebhookDelivery::try_from)
        .collect()
}

/// One call.
pub fn find(conn: &mut DbConnection, id: WebhookDeliveryId) -> Result<WebhookDelivery, StoreError> {
    webhook_deliveries::table
        .find(id.to_string())
        .select(DeliveryRow::as_select())
        .first(conn)?
        .try_into()
}

/// Puts a finished call back in the queue, due now, with its attempts reset; `false` when it
/// is still pending.
pub fn redeliver(
    conn: &mut DbConnection,
    id: WebhookDeliveryId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        webhook_deliveries::table
            .find(id.to_string())
            .filter(webhook_deliveries::state.ne("pending")),
    )
    .set((
        webhook_deliveries::state.eq("pending"),
        webhook_deliveries::attempts.eq(0),
        webhook_deliveries::next_attempt_at.eq(to_db(now)),
        webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}
