//! Integration webhooks against a real receiver on a loopback socket: an integration hears the
//! events it subscribed to and nothing else, each call signed with its own secret; a paused
//! one is not called, though its test event is; a finished call can be sent again; a trigger
//! calls one by name; and a private address is refused unless an admin allowed it.

use std::sync::{Arc, Mutex};

use kefu_api_types::integrations::{IntegrationRequest, IntegrationResponse};
use kefu_api_types::triggers::TriggerRequest;
use kefu_app::App;
use kefu_app::audit::Origin;
use kefu_app::integrations::manage;
use kefu_app::webhooks::sign;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_testkit::test_both;
use serde_json::{Value, json};

use crate::imap::wait_until;
use crate::mail::{account, created, mail, mail_app, reply, set_up, take};
use crate::webhooks::{Call, receiver_answering, start_calling};

async fn integration(app: &App, admin: Actor, body: Value) -> IntegrationResponse {
    let request: IntegrationRequest = serde_json::from_value(body).unwrap();
    manage::create(app, admin, Origin::cli(), request)
        .await
        .unwrap()
}

/// The calls taken so far, as (event, body).
fn taken(calls: &Arc<Mutex<Vec<Call>>>) -> Vec<(String, Value)> {
    calls
        .lock()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c.header("kefu-event").to_owned(),
                serde_json::from_str(&c.body).unwrap(),
            )
        })
        .collect()
}

/// Checks each call's signature under `secret`.
fn all_signed(calls: &Arc<Mutex<Vec<Call>>>, secret: &str) {
    for call in calls.lock().unwrap().iter() {
        let signature = call.header("kefu-signature");
        let (t, v1) = signature
            .strip_prefix("t=")
            .and_then(|s| s.split_once(",v1="))
            .expect(signature);
        let t: i64 = t.parse().unwrap();
        assert_eq!(v1, sign::digest(secret, t, call.body.as_bytes()));
        assert_ne!(v1, sign::digest("another secret", t, call.body.as_bytes()));
    }
}

test_both! {
    async fn an_integration_hears_what_it_subscribed_to_signed_with_its_secret(db: TestDb) {
        let app = mail_app(&db);
        let (agent, _) = set_up(&app).await;
        let admin = account(&app, "int-admin@shop.example", Role::Admin).await;
        let (port, calls) = receiver_answering(0, r#"{"ok":true}"#).await;
        let made = integration(&app, admin, json!({
            "name": "  CRM  ", "url": format!("http://127.0.0.1:{port}/kefu"),
            "events": ["message.created", "ticket.created", "ticket.updated"], "allow_private": true,
        })).await;
        assert_eq!(made.name, "CRM");
        assert_eq!(made.events.len(), 3);
        let secret = made.secret.clone().expect("the secret is shown when it is made");
        let stop = start_calling(&app);

        let (ticket, number) = created(&take(&app, &mail(
            "Ana <ana@example.com>", "support@shop.example", "i1@example.com", "Where is my order?",
            "", "Order 1234 has not arrived.",
        )).await);
        reply(&app, agent, ticket, "It ships today.").await;
        wait_until("three calls", || async { calls.lock().unwrap().len() >= 3 }).await;
        let got = taken(&calls);
        let events: Vec<&str> = got.iter().map(|(e, _)| e.as_str()).collect();
        // The reply is a message, and it moved the ticket: both are told, written after the
        // ticket's creation (calls may arrive in any order; `created_at` orders them).
        let mut sorted = events.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, ["message.created", "ticket.created", "ticket.updated"]);
        let (_, opened) = got.iter().find(|(e, _)| e == "ticket.created").unwrap();
        let at = |v: &Value| chrono::DateTime::parse_from_rfc3339(v["created_at"].as_str().unwrap()).unwrap();
        assert!(got.iter().all(|(_, body)| at(body) >= at(opened)));
        assert_eq!(opened["type"], "ticket.created");
        assert_eq!(opened["data"]["ticket"]["number"], number.get());
        assert_eq!(opened["data"]["ticket"]["requester"]["emails"][0], "ana@example.com");
        assert_eq!(opened["data"]["message"]["body"], "Order 1234 has not arrived.");
        let (_, message) = got.iter().find(|(e, _)| e == "message.created").unwrap();
        assert_eq!(message["data"]["message"]["body"], "It ships today.");
        assert_eq!(message["data"]["message"]["author_kind"], "agent");
        let (_, updated) = got.iter().find(|(e, _)| e == "ticket.updated").unwrap();
        assert!(updated["data"]["changes"]["status"]["from"].is_string(), "{updated}");
        all_signed(&calls, &secret);
        // Every call is its own delivery.
        let ids: std::collections::HashSet<String> = calls.lock().unwrap().iter().map(|c| c.header("kefu-delivery").to_owned()).collect();
        assert_eq!(ids.len(), calls.lock().unwrap().len());

        // The log shows each call delivered, with the receiver's answer.
        let id = made.id;
        wait_until("the calls recorded as sent", || async {
            let log = manage::deliveries(&app, admin, id).await.unwrap();
            log.items.len() >= 3 && log.items.iter().all(|d| d.state == "sent")
        }).await;
        let log = manage::deliveries(&app, admin, id).await.unwrap();
        assert!(log.items.iter().all(|d| d.last_status == Some(200) && d.last_response.as_deref() == Some(r#"{"ok":true}"#)), "{log:?}");
        // Agents may not read it.
        assert!(manage::deliveries(&app, agent, id).await.is_err());
        let _ = stop.send(true);
    }
}

test_both! {
    async fn a_paused_integration_gets_only_its_test_event_and_a_call_can_be_sent_again(db: TestDb) {
        let app = mail_app(&db);
        set_up(&app).await;
        let admin = account(&app, "int-admin@shop.example", Role::Admin).await;
        let (port, calls) = receiver_answering(0, "").await;
        let made = integration(&app, admin, json!({
            "name": "Warehouse", "url": format!("http://127.0.0.1:{port}/kefu"),
            "events": ["ticket.created"], "active": false, "allow_private": true,
        })).await;
        // A change that leaves `active` out keeps it paused.
        let renamed: IntegrationRequest = serde_json::from_value(json!({
            "name": "Warehouse", "url": format!("http://127.0.0.1:{port}/kefu"),
            "events": ["ticket.created"], "allow_private": true,
        })).unwrap();
        assert!(!manage::update(&app, admin, Origin::cli(), made.id, renamed).await.unwrap().active);
        let stop = start_calling(&app);
        created(&take(&app, &mail(
            "Bo <bo@example.com>", "support@shop.example", "i2@example.com", "A quote please", "", "Ten kettles.",
        )).await);
        let log = manage::ping(&app, admin, made.id).await.unwrap();
        assert_eq!(log.items.len(), 1, "only the ping is written: {log:?}");
        wait_until("the ping", || async { !calls.lock().unwrap().is_empty() }).await;
        let got = taken(&calls);
        assert_eq!(got[0].0, "ping");
        assert_eq!(got[0].1["data"]["integration"]["name"], "Warehouse");
        let ping = log.items[0].id;
        wait_until("the ping recorded", || async {
            manage::deliveries(&app, admin, made.id).await.unwrap().items[0].state == "sent"
        }).await;
        manage::redeliver(&app, admin, made.id, ping).await.unwrap();
        wait_until("the ping again", || async { calls.lock().unwrap().len() >= 2 }).await;
        let again = calls.lock().unwrap()[1].header("kefu-delivery").to_owned();
        assert_eq!(again, ping.to_string(), "sent again as the same delivery");
        let _ = stop.send(true);
        // Nothing else came: the ticket was made while the integration was paused.
        assert!(taken(&calls).iter().all(|(e, _)| e == "ping"));
    }
}

test_both! {
    async fn a_trigger_calls_an_integration_and_private_targets_need_an_admins_leave(db: TestDb) {
        let app = mail_app(&db);
        set_up(&app).await;
        let admin = account(&app, "int-admin@shop.example", Role::Admin).await;
        let (port, calls) = receiver_answering(0, "").await;
        let called = integration(&app, admin, json!({
            "name": "Pager", "url": format!("http://127.0.0.1:{port}/page"),
            "events": ["trigger.fired"], "allow_private": true,
        })).await;
        let refused = integration(&app, admin, json!({
            "name": "Private", "url": format!("http://127.0.0.1:{port}/nope"),
            "events": ["ticket.created"],
        })).await;
        let request: TriggerRequest = serde_json::from_value(json!({
            "name": "Page on refunds", "event": "ticket_created",
            "actions": [{"type": "call_webhook", "integration_id": called.id}],
        })).unwrap();
        kefu_app::triggers::manage::create(&app, admin, Origin::cli(), request).await.unwrap();
        let stop = start_calling(&app);
        let (ticket, _) = created(&take(&app, &mail(
            "Cy <cy@example.com>", "support@shop.example", "i3@example.com", "Refund", "", "I want my money back.",
        )).await);
        wait_until("the trigger's call", || async { !calls.lock().unwrap().is_empty() }).await;
        let got = taken(&calls);
        assert_eq!(got[0].0, "trigger.fired");
        assert_eq!(got[0].1["data"]["trigger"]["name"], "Page on refunds");
        assert_eq!(got[0].1["data"]["ticket"]["id"], ticket.to_string());
        wait_until("the private call refused", || async {
            let log = manage::deliveries(&app, admin, refused.id).await.unwrap();
            log.items.first().is_some_and(|d| d.state == "failed")
        }).await;
        let log = manage::deliveries(&app, admin, refused.id).await.unwrap();
        assert!(log.items[0].last_error.as_deref().unwrap().contains("private"), "{log:?}");
        assert!(taken(&calls).iter().all(|(e, _)| e == "trigger.fired"), "nothing reached /nope");
        // A trigger may not name an integration that does not exist.
        let bad: TriggerRequest = serde_json::from_value(json!({
            "name": "Ghost", "event": "ticket_created",
            "actions": [{"type": "call_webhook", "integration_id": kefu_domain::ids::IntegrationId::new()}],
        })).unwrap();
        assert!(kefu_app::triggers::manage::create(&app, admin, Origin::cli(), bad).await.is_err());
        let _ = stop.send(true);
    }
}

test_both! {
    async fn an_integration_hears_escalations_made_and_moved(db: TestDb) {
        let app = mail_app(&db);
        let (agent, _) = set_up(&app).await;
        let admin = account(&app, "int-admin@shop.example", Role::Admin).await;
        let (port, calls) = receiver_answering(0, "").await;
        integration(&app, admin, json!({
            "name": "Vendor desk mirror", "url": format!("http://127.0.0.1:{port}/kefu"),
            "events": ["escalation.created", "escalation.updated", "ticket.updated"], "allow_private": true,
        })).await;
        let vendor: kefu_api_types::vendors::CreateVendorRequest = serde_json::from_value(json!({
            "name": "CloudSoft", "kind": "isv", "contacts": ["cases@cloudsoft.example"],
        })).unwrap();
        let vendor = kefu_app::vendors::manage::create(&app, admin, Origin::cli(), vendor).await.unwrap().id;
        let (ticket, _) = created(&take(&app, &mail(
            "Ana <ana@example.com>", "support@shop.example", "i4@example.com", "The app crashes", "", "Since 3.2.",
        )).await);
        let request: kefu_api_types::escalations::CreateEscalationRequest = serde_json::from_value(json!({
            "vendor": vendor, "brief": "Crash on start since 3.2.",
        })).unwrap();
        let escalated = app.published(kefu_app::escalations::create::escalate(
            &app, agent, Origin::cli(), kefu_app::tickets::TicketRef::Id(ticket), request,
        ).await.unwrap());
        let cancel: kefu_api_types::escalations::MoveEscalationRequest =
            serde_json::from_value(json!({"status": "cancelled", "body": "Found it ourselves."})).unwrap();
        app.published(kefu_app::escalations::moves::move_to(&app, agent, Origin::cli(), escalated.escalation.id, cancel).await.unwrap());
        let stop = start_calling(&app);
        wait_until("the escalation's calls", || async {
            let got = taken(&calls);
            got.iter().any(|(e, _)| e == "escalation.updated") && got.iter().filter(|(e, _)| e == "ticket.updated").count() >= 2
        }).await;
        let got = taken(&calls);
        let (_, made) = got.iter().find(|(e, _)| e == "escalation.created").unwrap();
        assert_eq!(made["data"]["escalation"]["id"], escalated.escalation.id.to_string());
        let (_, moved) = got.iter().find(|(e, _)| e == "escalation.updated").unwrap();
        assert_eq!(moved["data"]["change"]["to"], "cancelled", "{moved}");
        assert_eq!(moved["data"]["change"]["by"], "staff");
        // On hold while the vendor had it, open again once it was cancelled.
        let statuses: Vec<&str> = got.iter().filter(|(e, _)| e == "ticket.updated")
            .filter_map(|(_, b)| b["data"]["changes"]["status"]["to"].as_str()).collect();
        assert!(statuses.contains(&"on_hold") && statuses.contains(&"open"), "{statuses:?}");
        let _ = stop.send(true);
    }
}
