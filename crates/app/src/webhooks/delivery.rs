//! What the notification role's webhook worker asks of the use cases: claim due calls (with
//! the receiver's current address, secret and whether it may be called on a private address),
//! and record how each went — delivered, due again after a backoff, or given up.

use chrono::Duration;
use kefu_domain::ids::WebhookDeliveryId;
use kefu_domain::time;
use kefu_domain::webhook::{self, ATTEMPTS, WebhookEvent};
use kefu_store::vendors::{self, WebhookTarget};
use kefu_store::webhooks::{self, Attempt, Receiver, WebhookDelivery};
use kefu_store::{DbConnection, StoreError, integrations};

use crate::App;
use crate::error::AppError;

/// A claimed call and where it goes now: `None` when the vendor's webhook or the integration
/// was removed (or the integration paused) since.
#[derive(Clone, Debug)]
pub struct ClaimedCall {
    /// The call.
    pub delivery: WebhookDelivery,
    /// The vendor's webhook as it is now.
    pub target: Option<WebhookTarget>,
}

/// How one call went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallOutcome {
    /// The receiver answered 2xx.
    Delivered {
        /// Its status.
        status: u16,
        /// The start of its answer.
        response: Option<String>,
    },
    /// It may pass: a connection failure, a timeout or another status.
    Failed {
        /// The status, if an answer came.
        status: Option<u16>,
        /// What went wrong.
        error: String,
        /// The start of the answer, if one came.
        response: Option<String>,
    },
    /// Trying again cannot help (a refused address, the webhook removed).
    Refused {
        /// Why.
        error: String,
    },
}

/// Claims up to `limit` due calls for `lease`.
pub async fn claim(app: &App, limit: i64, lease: Duration) -> Result<Vec<ClaimedCall>, AppError> {
    app.store
        .write(move |conn| {
            let due = webhooks::claim_due(conn, time::now(), limit, lease)?;
            let mut out = Vec::with_capacity(due.len());
            for delivery in due {
                let target = target_of(conn, &delivery)?;
                out.push(ClaimedCall { delivery, target });
            }
            Ok::<_, AppError>(out)
        })
        .await
}

/// Where `delivery` goes now. A paused integration still takes its test calls.
fn target_of(
    conn: &mut DbConnection,
    delivery: &WebhookDelivery,
) -> Result<Option<WebhookTarget>, AppError> {
    match delivery.receiver {
        Receiver::Vendor(vendor) => Ok(vendors::webhook(conn, vendor)?),
        Receiver::Integration(id) => match integrations::find(conn, id) {
            Ok(found)
                if found.integration.active || delivery.event == WebhookEvent::Ping.as_str() =>
            {
                Ok(Some(WebhookTarget {
                    url: found.integration.url,
                    secret: found.secret,
                    allow_private: found.integration.allow_private,
                }))
            }
            Ok(_) | Err(StoreError::NotFound) => Ok(None),
            Err(error) => Err(error.into()),
        },
    }
}

/// When the next pending call falls due, if any.
pub async fn next_due(app: &App) -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
    app.store
        .read(|conn| Ok::<_, AppError>(webhooks::next_due(conn)?))
        .await
}

/// Records how call `id` (tried `attempts` times before) went; a failure is tried again
/// `retry_base_seconds` later, doubling each time, until [`ATTEMPTS`] are spent.
pub async fn record(
    app: &App,
    id: WebhookDeliveryId,
    attempts: i32,
    outcome: CallOutcome,
    retry_base_seconds: u32,
) -> Result<(), AppError> {
    app.store
        .write(move |conn| {
            let now = time::now();
            let attempt = match &outcome {
                CallOutcome::Delivered { status, response } => Attempt {
                    delivered: true,
                    attempts,
                    status: Some(i32::from(*status)),
                    error: None,
                    response: response.as_deref(),
                    retry_at: None,
                },
                CallOutcome::Failed {
                    status,
                    error,
                    response,
                } => {
                    let attempts = attempts + 1;
                    Attempt {
                        delivered: false,
                        attempts,
                        status: status.map(i32::from),
                        error: Some(error),
                        response: response.as_deref(),
                        retry_at: (attempts < ATTEMPTS)
                            .then(|| webhook::retry_after(attempts, retry_base_seconds, now)),
                    }
                }
                CallOutcome::Refused { error } => Attempt {
                    delivered: false,
                    attempts: attempts + 1,
                    status: None,
                    error: Some(error),
                    response: None,
                    retry_at: None,
                },
            };
            Ok::<_, AppError>(webhooks::record_attempt(conn, id, attempt, now)?)
        })
        .await
}
