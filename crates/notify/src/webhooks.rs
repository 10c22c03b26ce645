//! The webhook worker: claims due calls of vendors' and integrations' webhooks, makes each
//! one — on an address resolved once and checked to be public (unless an admin allowed private
//! targets for that receiver), pinned so a second lookup cannot point elsewhere, with no redirects followed —
//! signs it, and records how it went so a failure is tried again with backoff.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use kefu_app::App;
use kefu_app::webhooks::delivery::{self, CallOutcome, ClaimedCall};
use kefu_app::webhooks::sign;
use kefu_domain::integration::RESPONSE_MAX;
use kefu_domain::webhook::{self, WebhookUrl};
use tokio::sync::{Semaphore, watch};

use crate::config::NotifyConfig;

/// The longest the worker sleeps without looking for due calls.
const IDLE_WAIT: Duration = Duration::from_secs(1);

/// How long a claimed call is left to its worker before another may take it.
const LEASE_SECONDS: i64 = 60;

/// How the worker paces itself.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Seconds before the first retry (doubling after each failure).
    pub retry_seconds: u32,
    /// Calls in flight at once.
    pub concurrency: usize,
}

impl Settings {
    /// The settings in `[notify]`.
    pub fn of(config: &NotifyConfig) -> Self {
        Self {
            retry_seconds: config.webhook_retry_seconds,
            concurrency: config.webhook_concurrency.max(1),
        }
    }
}

/// Calls due webhooks until `shutdown` turns true.
pub async fn run(app: App, settings: Settings, mut shutdown: watch::Receiver<bool>) {
    let slots = Arc::new(Semaphore::new(settings.concurrency));
    loop {
        if kefu_app::shutdown::told_to_stop(&shutdown) {
            break;
        }
        let limit = i64::try_from(settings.concurrency).unwrap_or(4);
        match delivery::claim(&app, limit, chrono::Duration::seconds(LEASE_SECONDS)).await {
            Ok(calls) if !calls.is_empty() => {
                let mut tasks = tokio::task::JoinSet::new();
                for claimed in calls {
                    let Ok(permit) = slots.clone().acquire_owned().await else {
                        break;
                    };
                    let app = app.clone();
                    tasks.spawn(async move {
                        make_call(&app, claimed, settings.retry_seconds).await;
                        drop(permit);
                    });
                }
                while tasks.join_next().await.is_some() {}
                continue;
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "webhook calls could not be claimed"),
        }
        let wait = match delivery::next_due(&app).await {
            Ok(Some(at)) => (at - chrono::Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .clamp(Duration::from_millis(50), IDLE_WAIT),
            _ => IDLE_WAIT,
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// Makes one call and records the outcome; a failure to record leaves the lease to run out,
/// so the call is made again (receivers tell repeats by `Kefu-Delivery`).
async fn make_call(app: &App, claimed: ClaimedCall, retry_seconds: u32) {
    let ClaimedCall { delivery, target } = claimed;
    let outcome = match target {
        Some(target) => {
            call(
                &target.url,
                target.allow_private,
                &target.secret,
                &delivery.event,
                &delivery.id.to_string(),
                delivery.body.as_bytes(),
            )
            .await
        }
        None => CallOutcome::Refused {
            error: "the webhook was removed or paused".into(),
        },
    };
    if !matches!(outcome, CallOutcome::Delivered { .. }) {
        tracing::info!(delivery = %delivery.id, ?outcome, "a webhook call did not go through");
    }
    if let Err(error) =
        delivery::record(app, delivery.id, delivery.attempts, outcome, retry_seconds).await
    {
        tracing::warn!(delivery = %delivery.id, %error, "a webhook call could not be recorded");
    }
}

/// Calls `url` with `body`, signed with `secret`.
pub async fn call(
    url: &str,
    allow_private: bool,
    secret: &str,
    event: &str,
    delivery: &str,
    body: &[u8],
) -> CallOutcome {
    let url = match WebhookUrl::parse(url) {
        Ok(url) => url,
        Err(error) => {
            return CallOutcome::Refused {
                error: error.to_string(),
            };
        }
    };
    let lookup = tokio::net::lookup_host((url.host(), url.port()));
    let addresses: Vec<SocketAddr> =
        match tokio::time::timeout(Duration::from_secs(webhook::TIMEOUT_SECONDS), lookup).await {
            Ok(Ok(found)) => found.collect(),
            Ok(Err(error)) => {
                return CallOutcome::Failed {
                    status: None,
                    error: format!("{} could not be resolved: {error}", url.host()),
                    response: None,
                };
            }
            Err(_) => {
                return CallOutcome::Failed {
                    status: None,
                    error: format!("{} could not be resolved in time", url.host()),
                    response: None,
                };
            }
        };
    if !allow_private && let Some(private) = addresses.iter().find(|a| !webhook::is_public(a.ip()))
    {
        return CallOutcome::Refused {
            error: format!(
                "{} is at {}, a private, loopback or link-local address; Kefu calls such addresses only when an admin allows private targets for this vendor",
                url.host(),
                private.ip()
            ),
        };
    }
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // A proxy would resolve the host itself, past the check above.
        .no_proxy()
        .timeout(Duration::from_secs(webhook::TIMEOUT_SECONDS))
        .user_agent("Kefu-Webhooks/1")
        .resolve_to_addrs(url.host(), &addresses)
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            return CallOutcome::Failed {
                status: None,
                error: format!("no HTTP client: {error}"),
                response: None,
            };
        }
    };
    let timestamp = chrono::Utc::now().timestamp();
    let sent = client
        .post(url.as_str())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("Kefu-Event", event)
        .header("Kefu-Delivery", delivery)
        .header("Kefu-Signature", sign::signature(secret, timestamp, body))
        .body(body.to_vec())
        .send()
        .await;
    match sent {
        Ok(answer) => {
            let status = answer.status();
            let response = start_of(answer).await;
            if webhook::delivered(status.as_u16()) {
                CallOutcome::Delivered {
                    status: status.as_u16(),
                    response,
                }
            } else {
                CallOutcome::Failed {
                    status: Some(status.as_u16()),
                    error: format!("the receiver answered {status}"),
                    response,
                }
            }
        }
        Err(error) => CallOutcome::Failed {
            status: None,
            error: if error.is_timeout() {
                format!("no answer within {} seconds", webhook::TIMEOUT_SECONDS)
            } else {
                format!("the call failed: {}", error.without_url())
            },
            response: None,
        },
    }
}

/// The first [`RESPONSE_MAX`] bytes of an answer's body, as text, for the delivery log; the
/// rest is not read.
async fn start_of(mut answer: reqwest::Response) -> Option<String> {
    let mut kept: Vec<u8> = Vec::new();
    while kept.len() < RESPONSE_MAX {
        match answer.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            _ => break,
        }
    }
    kept.truncate(RESPONSE_MAX);
    let text = String::from_utf8_lossy(&kept).trim().to_owned();
    (!text.is_empty()).then_some(text)
}
