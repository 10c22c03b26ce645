//! Vendor webhooks against a real receiver on a loopback socket: each call is signed with the
//! vendor's secret over the timestamp and body, a receiver that fails twice gets the same
//! call again with backoff until it takes it, and a private address is refused unless an
//! admin allowed it for that vendor.

use std::sync::{Arc, Mutex};

use kefu_api_types::escalations::CreateEscalationRequest;
use kefu_api_types::vendors::{CreateVendorRequest, WebhookRequest, WebhookResponse};
use kefu_app::App;
use kefu_app::audit::Origin;
use kefu_app::tickets::TicketRef;
use kefu_app::webhooks::{manage, sign};
use kefu_domain::ids::VendorId;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_testkit::test_both;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;

use crate::imap::wait_until;
use crate::mail::{account, created, mail, mail_app, set_up, take};

/// One call the receiver took: its headers (lower-cased names) and body.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Call {
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }
}

/// An HTTP receiver on a loopback port that answers 500 to the first `failures` calls, then
/// 204, and keeps every call.
async fn receiver(failures: usize) -> (u16, Arc<Mutex<Vec<Call>>>) {
    receiver_answering(failures, "").await
}

/// Like [`receiver`], answering 200 with `answer` (when it is not empty) once it takes calls.
pub(crate) async fn receiver_answering(
    failures: usize,
    answer: &'static str,
) -> (u16, Arc<Mutex<Vec<Call>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let calls = Arc::new(Mutex::new(Vec::new()));
    let kept = calls.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut raw = Vec::new();
            let mut buf = [0_u8; 4096];
            let call = loop {
                let n = socket.read(&mut buf).await.unwrap_or(0);
                if n == 0 {
                    break None;
                }
                raw.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&raw).to_string();
                let Some((head, body)) = text.split_once("\r\n\r\n") else {
                    continue;
                };
                let headers: Vec<(String, String)> = head
                    .lines()
                    .skip(1)
                    .filter_map(|l| l.split_once(':'))
                    .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_owned()))
                    .collect();
                let length: usize = headers
                    .iter()
                    .find(|(n, _)| n == "content-length")
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0);
                if body.len() >= length {
                    break Some(Call {
                        headers,
                        body: body.to_owned(),
                    });
                }
            };
            let Some(call) = call else { continue };
            let (status, body) = {
                let mut all = kept.lock().unwrap();
                all.push(call);
                if all.len() <= failures {
                    ("500 Internal Server Error", "")
                } else if answer.is_empty() {
                    ("204 No Content", "")
                } else {
                    ("200 OK", answer)
                }
            };
            let _ = socket
                .write_all(
                    format!(
                        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                )
                .await;
        }
    });
    (port, calls)
}

async fn vendor_with_hook(
    app: &App,
    admin: Actor,
    name: &str,
    port: u16,
    allow_private: bool,
) -> (VendorId, WebhookResponse) {
    let request: CreateVendorRequest = serde_json::from_value(serde_json::json!({
        "name": name, "kind": "isv", "contacts": [format!("cases@{}.example", name.to_lowercase())],
    }))
    .unwrap();
    let vendor = kefu_app::vendors::manage::create(app, admin, Origin::cli(), request)
        .await
        .unwrap()
        .id;
    let hook = manage::set(
        app,
        admin,
        Origin::cli(),
        vendor,
        WebhookRequest {
            url: format!("http://127.0.0.1:{port}/hooks/kefu"),
            allow_private,
            new_secret: false,
        },
    )
    .await
    .unwrap();
    (vendor, hook)
}

pub(crate) fn start_calling(app: &App) -> watch::Sender<bool> {
    let (stop, stopping) = watch::channel(false);
    let settings = kefu_notify::webhooks::Settings {
        retry_seconds: 1,
        concurrency: 2,
    };
    tokio::spawn(kefu_notify::webhooks::run(app.clone(), settings, stopping));
    stop
}

test_both! {
    async fn a_signed_call_is_retried_until_the_receiver_takes_it(db: TestDb) {
        let app = mail_app(&db);
        let (agent, _) = set_up(&app).await;
        let admin = account(&app, "hook-admin@shop.example", Role::Admin).await;
        let (port, calls) = receiver(2).await;
        let (vendor, hook) = vendor_with_hook(&app, admin, "CloudSoft", port, true).await;
        let secret = hook.secret.clone().expect("the secret is shown when it is made");
        let (ticket, _) = created(&take(&app, &mail(
            "Ana <ana@example.com>", "support@shop.example", "w1@example.com", "The app will not log in",
            "", "The app says my password is wrong. Mail me at ana@example.com.",
        )).await);
        let request: CreateEscalationRequest = serde_json::from_value(serde_json::json!({
            "vendor": vendor, "brief": "Login fails for one customer since 3.2.",
        }))
        .unwrap();
        let escalated = app.published(
            kefu_app::escalations::create::escalate(&app, agent, Origin::cli(), TicketRef::Id(ticket), request).await.unwrap(),
        );
        let stop = start_calling(&app);
        wait_until("three calls", || async { calls.lock().unwrap().len() >= 3 }).await;
        let calls = calls.lock().unwrap().clone();
        let delivery = calls[0].header("kefu-delivery").to_owned();
        for call in &calls {
            assert_eq!(call.header("kefu-event"), "escalation.created");
            assert_eq!(call.header("kefu-delivery"), delivery, "a retry is the same delivery");
            assert_eq!(call.header("content-type"), "application/json");
            let signature = call.header("kefu-signature");
            let (t, v1) = signature.strip_prefix("t=").and_then(|s| s.split_once(",v1=")).expect(signature);
            let t: i64 = t.parse().unwrap();
            assert!((chrono::Utc::now().timestamp() - t).abs() < 60, "a fresh timestamp");
            assert_eq!(v1, sign::digest(&secret, t, call.body.as_bytes()), "signed with the vendor's secret");
            let body: serde_json::Value = serde_json::from_str(&call.body).unwrap();
            assert_eq!(body["type"], "escalation.created");
            assert_eq!(body["data"]["escalation"]["id"], escalated.escalation.id.to_string());
            assert_eq!(body["data"]["escalation"]["ticket"], serde_json::Value::Null, "as the vendor sees it");
            assert!(!call.body.contains("ana@example.com"));
        }
        // The receiver answered; the worker records the outcome just after.
        let sent = || async {
            let shown = manage::show(&app, admin, vendor).await.unwrap();
            shown.deliveries.iter().any(|d| d.event == "escalation.created" && d.state == "sent")
        };
        wait_until("the delivery recorded as sent", sent).await;
        let shown = manage::show(&app, admin, vendor).await.unwrap();
        let made = shown.deliveries.iter().find(|d| d.event == "escalation.created").unwrap();
        assert_eq!((made.state.as_str(), made.attempts, made.last_status), ("sent", 2, Some(204)), "{made:?}");
        assert!(shown.secret.is_none(), "the secret is not shown again");
        let _ = stop.send(true);
    }
}

test_both! {
    async fn a_private_target_is_refused_unless_an_admin_allows_it(db: TestDb) {
        let app = mail_app(&db);
        let admin = account(&app, "hook-admin@shop.example", Role::Admin).await;
        let (port, calls) = receiver(0).await;
        let (vendor, _) = vendor_with_hook(&app, admin, "ShipFast", port, false).await;
        let stop = start_calling(&app);
        manage::ping(&app, admin, vendor).await.unwrap();
        let failed = || async {
            manage::show(&app, admin, vendor).await.unwrap().deliveries.iter().any(|d| d.state == "failed")
        };
        wait_until("the ping to be refused", failed).await;
        let shown = manage::show(&app, admin, vendor).await.unwrap();
        let refused = &shown.deliveries[0];
        assert_eq!(refused.attempts, 1, "a refusal is not retried");
        assert!(refused.last_error.as_deref().unwrap().contains("127.0.0.1, a private"), "{refused:?}");
        assert!(calls.lock().unwrap().is_empty(), "nothing reached the receiver");

        // Allowed by an admin, the same address is called.
        manage::set(&app, admin, Origin::cli(), vendor, WebhookRequest {
            url: format!("http://127.0.0.1:{port}/hooks/kefu"),
            allow_private: true,
            new_secret: false,
        })
        .await
        .unwrap();
        manage::ping(&app, admin, vendor).await.unwrap();
        wait_until("the ping", || async { calls.lock().unwrap().len() == 1 }).await;
        assert_eq!(calls.lock().unwrap()[0].header("kefu-event"), "ping");
        let _ = stop.send(true);
    }
}
