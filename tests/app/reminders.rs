//! Reminders to vendors, on both backends: once when a step is nearly due and once when it is
//! overdue — to a portal user in their language, or to the contacts of a vendor who works by
//! mail in the case's own mail thread — and never twice for the same due time.

use chrono::Duration;
use kefu_api_types::escalations::CreateEscalationRequest;
use kefu_api_types::vendors::CreateVendorRequest;
use kefu_app::App;
use kefu_app::accounts::create_user::{NewAccount, create_account};
use kefu_app::audit::Origin;
use kefu_app::escalations::{create, reminders};
use kefu_app::tickets::TicketRef;
use kefu_domain::ids::{EscalationId, TicketId, VendorId};
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_testkit::test_both;

use crate::mail::{account, created, mail, mail_app, outbox_all, set_up, take};

async fn vendor(app: &App, admin: Actor, name: &str) -> VendorId {
    let request: CreateVendorRequest = serde_json::from_value(serde_json::json!({
        "name": name, "kind": "oem", "contacts": [format!("cases@{}.example", name.to_lowercase())],
        "targets": {"acknowledge_minutes": 60, "answer_minutes": 1440},
    }))
    .unwrap();
    kefu_app::vendors::manage::create(app, admin, Origin::cli(), request)
        .await
        .unwrap()
        .id
}

async fn escalate(app: &App, agent: Actor, ticket: TicketId, vendor: VendorId) -> EscalationId {
    let request: CreateEscalationRequest =
        serde_json::from_value(serde_json::json!({"vendor": vendor, "brief": "Please advise."}))
            .unwrap();
    app.published(
        create::escalate(app, agent, Origin::cli(), TicketRef::Id(ticket), request)
            .await
            .unwrap(),
    )
    .escalation
    .id
}

/// Moves the escalation's clock back by `minutes`, as if it had been escalated that long ago.
async fn age(app: &App, id: EscalationId, minutes: i64) {
    app.store
        .write(move |conn| {
            let mut e = kefu_store::escalations::find(conn, id)?;
            e.requested_at -= Duration::minutes(minutes);
            e.acknowledge_by -= Duration::minutes(minutes);
            e.answer_by -= Duration::minutes(minutes);
            kefu_store::escalations::save(conn, &e)
        })
        .await
        .unwrap();
}

test_both! {
    async fn vendors_are_reminded_before_and_at_the_due_time_once(db: TestDb) {
        let app = mail_app(&db);
        let (agent, _) = set_up(&app).await;
        let admin = account(&app, "reminder-admin@shop.example", Role::Admin).await;
        let by_mail = vendor(&app, admin, "ShipFast").await;
        let portal = vendor(&app, admin, "PrintCo").await;
        let mut tech = NewAccount::parse("tech@printco.example", "王工程师", Role::Vendor, Some("zh-CN")).unwrap();
        tech.vendor = Some(portal);
        app.published(create_account(&app, None, Origin::cli(), tech, None).await.unwrap());
        let (ticket, _) = created(&take(&app, &mail(
            "ana@example.com", "support@shop.example", "r1@example.com", "Parcel and printer", "", "Both broke.",
        )).await);
        let mailed = escalate(&app, agent, ticket, by_mail).await;
        let ported = escalate(&app, agent, ticket, portal).await;
        outbox_all(&app).await;

        // Not yet: an hour to acknowledge, and the reminder comes with a quarter left.
        assert_eq!(reminders::send_due(&app).await.unwrap(), 0);
        age(&app, mailed, 46).await;
        age(&app, ported, 46).await;
        assert_eq!(reminders::send_due(&app).await.unwrap(), 2);
        assert_eq!(reminders::send_due(&app).await.unwrap(), 0, "once per due time");
        let sent = outbox_all(&app).await;
        let to_contacts = sent.iter().find(|m| m.to[0].address == "cases@shipfast.example").unwrap();
        assert!(to_contacts.subject.contains("Due soon"), "{}", to_contacts.subject);
        assert!(to_contacts.text.contains("acknowledged by"), "{}", to_contacts.text);
        assert!(to_contacts.reply_to.as_deref().unwrap().contains("+e"), "in the case's own mail thread");
        let to_tech = sent.iter().find(|m| m.to[0].address == "tech@printco.example").unwrap();
        assert!(to_tech.subject.contains("即将到期"), "in the user's language: {}", to_tech.subject);
        assert!(to_tech.text.contains("/vendor/"), "with the way to the case");

        // At the due time, the overdue reminder, once.
        age(&app, mailed, 15).await;
        assert_eq!(reminders::send_due(&app).await.unwrap(), 1);
        assert_eq!(reminders::send_due(&app).await.unwrap(), 0);
        let late = outbox_all(&app).await;
        assert_eq!(late.len(), 1);
        assert!(late[0].subject.contains("Overdue"), "{}", late[0].subject);
    }
}
