//! What the notification role's webhook worker asks of the use cases: claim due calls (with
//! the vendor's current secret and whether it may be called on a private address), and
//! record how each went — delivered, due again after a backoff, or given up.

use chrono::Duration;
use kefu_domain::ids::WebhookDeliveryId;
use kefu_domain::time;
use kefu_domain::webhook::{self, ATTEMPTS};
use kefu_store::vendors::{self, WebhookTarget};
use kefu_store::webhooks::{self, Attempt, WebhookDelivery};

use crate::App;
use crate::error::AppError;

/// A claimed call and where it goes now: `None` when the vendor's webhook was removed since.
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
    },
    /// It may pass: a connection failure, a timeout or another status.
    Failed {
        /// The status, if an answer came.
        status: Option<u16>,
        /// What went wrong.
        error: String,
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
                let target = vendors::webhook(conn, delivery.vendor)?;
                out.push(ClaimedCall { delivery, target });
            }
            Ok::<_, AppError>(out)
        })
        .await
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
                CallOutcome::Delivered { status } => Attempt {
                    delivered: true,
                    attempts,
                    status: Some(i32::from(*status)),
                    error: None,
                    retry_at: None,
                },
                CallOutcome::Failed { status, error } => {
                    let attempts = attempts + 1;
                    Attempt {
                        delivered: false,
                        attempts,
                        status: status.map(i32::from),
                        error: Some(error),
                        retry_at: (attempts < ATTEMPTS)
                            .then(|| webhook::retry_after(attempts, retry_base_seconds, now)),
                    }
                }
                CallOutcome::Refused { error } => Attempt {
                    delivered: false,
                    attempts: attempts + 1,
                    status: None,
                    error: Some(error),
                    retry_at: None,
                },
            };
            Ok::<_, AppError>(webhooks::record_attempt(conn, id, attempt, now)?)
        })
        .await
}
