//! Triggers and scheduled automations on both backends: events set them off in order, their
//! own changes chain without looping, a breach acts once, and a scheduled run happens once per
//! quiet spell even with two nodes sweeping.

use chrono::Duration;
use kefu_api_types::tickets::UpdateTicketRequest;
use kefu_api_types::triggers::TriggerRequest;
use kefu_app::App;
use kefu_app::audit::Origin;
use kefu_app::sla::alerts;
use kefu_app::tickets::TicketRef;
use kefu_app::triggers::{manage, schedule};
use kefu_domain::ids::TicketId;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::ticket::{Priority, Status, Ticket};
use kefu_store::StoreError;
use kefu_testkit::test_both;
use serde_json::{Value, json};

use crate::mail::{account, created, mail, mail_app, set_up, take};

async fn trigger(app: &App, admin: Actor, body: Value) {
    let request: TriggerRequest = serde_json::from_value(body).unwrap();
    manage::create(app, admin, Origin::cli(), request)
        .await
        .unwrap();
}

async fn ticket(app: &App, id: TicketId) -> Ticket {
    app.store
        .read(move |conn| kefu_store::tickets::find(conn, id))
        .await
        .unwrap()
}

/// The names of the triggers that ran on `id`, oldest first.
async fn runs(app: &App, id: TicketId) -> Vec<String> {
    app.store
        .read(move |conn| {
            let (items, _) = kefu_store::messages::list(conn, id, true, None, 200)?;
            Ok::<_, StoreError>(
                items
                    .iter()
                    .filter_map(|m| {
                        m.data
                            .as_ref()?
                            .get("trigger")?
                            .get("name")?
                            .as_str()
                            .map(str::to_owned)
                    })
                    .collect(),
            )
        })
        .await
        .unwrap()
}

async fn set_status(app: &App, agent: Actor, id: TicketId, status: &str) {
    let request: UpdateTicketRequest = serde_json::from_value(json!({ "status": status })).unwrap();
    let change = kefu_app::tickets::update::TicketChange::parse(request).unwrap();
    app.published(
        kefu_app::tickets::update::update(app, agent, TicketRef::Id(id), change)
            .await
            .unwrap(),
    );
}

async fn new_ticket(app: &App, i: usize, subject: &str) -> TicketId {
    let raw = mail(
        &format!("customer{i}@example.com"),
        "support@shop.example",
        &format!("t-{i}@example.com"),
        subject,
        "",
        "Please help.",
    );
    created(&take(app, &raw).await).0
}

test_both! {
    async fn events_set_off_triggers_in_order_and_chains_end(db: TestDb) {
        let app = mail_app(&db);
        let (agent, _) = set_up(&app).await;
        let admin = account(&app, "t-admin@shop.example", Role::Admin).await;
        trigger(&app, admin, json!({"name": "Hot words", "event": "ticket_created",
            "conditions": {"channels": ["email"]},
            "actions": [{"type": "add_tags", "tags": ["hot"]}, {"type": "set_priority", "priority": "high"},
                {"type": "note", "text_en": "Call them within the hour", "text_zh": "一小时内致电客户"}]})).await;
        // Runs after "Hot words" (position), so it sees the tag.
        trigger(&app, admin, json!({"name": "Hot ones open", "event": "ticket_created",
            "conditions": {"tags_any": ["hot"]}, "actions": [{"type": "set_status", "status": "open"}]})).await;
        // A loop an admin might build: open → pending → open → …
        trigger(&app, admin, json!({"name": "Park it", "event": "status_changed",
            "conditions": {"statuses": ["open"]}, "actions": [{"type": "set_status", "status": "pending"}]})).await;
        trigger(&app, admin, json!({"name": "Unpark it", "event": "status_changed",
            "conditions": {"statuses": ["pending"]}, "actions": [{"type": "set_status", "status": "open"}]})).await;

        let id = new_ticket(&app, 1, "The kettle leaks").await;
        let t = ticket(&app, id).await;
        assert!(t.tags.iter().any(|t| t.as_str() == "hot"));
        assert_eq!(t.priority, Priority::High);
        // The chain: created (Hot words, Hot ones open) → open (Park it) → pending (Unpark
        // it), then each has run once in this chain, and it ends.
        assert_eq!(runs(&app, id).await, ["Hot words", "Hot ones open", "Park it", "Unpark it"]);
        assert_eq!(t.status, Status::Open);

        // An agent's change of status is an event of its own; the cap of runs per hour holds.
        for _ in 0..10 {
            set_status(&app, agent, id, "solved").await;
            set_status(&app, agent, id, "open").await;
        }
        let all = runs(&app, id).await;
        assert_eq!(all.len(), 20, "at most 20 runs an hour: {all:?}");
        let capped = app.store.read(move |conn| {
            let (items, _) = kefu_store::messages::list(conn, id, true, None, 200)?;
            Ok::<_, StoreError>(items.iter().filter(|m| m.data.as_ref().is_some_and(|d| d.get("trigger_capped").is_some())).count())
        }).await.unwrap();
        assert!(capped >= 1, "the timeline says why a trigger did not run");
    }
}

test_both! {
    async fn a_breach_acts_once_and_a_scheduled_run_once_per_quiet_spell(db: TestDb) {
        let app = mail_app(&db);
        let (agent, team) = set_up(&app).await;
        let admin = account(&app, "t-admin@shop.example", Role::Admin).await;
        let day = json!([{"start": "00:00", "end": "24:00"}]);
        let calendar = kefu_app::sla::calendars::create(&app, admin, Origin::cli(), serde_json::from_value(json!({
            "name": "Always", "time_zone": "UTC", "week": [day, day, day, day, day, day, day]})).unwrap()).await.unwrap();
        kefu_app::sla::policies::create(&app, admin, Origin::cli(), serde_json::from_value(json!({
            "name": "Email", "calendar_id": calendar.id, "targets": {"first_response": 10}})).unwrap()).await.unwrap();
        trigger(&app, admin, json!({"name": "Escalate breaches", "event": "sla_breached",
            "actions": [{"type": "set_priority", "priority": "urgent"}, {"type": "set_team", "team_id": team},
                {"type": "email_assignee", "text_en": "Breached", "text_zh": "已超时"}]})).await;
        trigger(&app, admin, json!({"name": "Close quiet pending", "event": "scheduled",
            "conditions": {"statuses": ["pending"], "hours": 72},
            "actions": [{"type": "set_status", "status": "solved"}, {"type": "note", "text_en": "Closed after 3 quiet days", "text_zh": "静默三天后关闭"}]})).await;

        let late = new_ticket(&app, 2, "No answer yet").await;
        app.store.write(move |conn| kefu_testkit::age_ticket_clock(conn, &late.to_string(), 11)).await.unwrap();
        assert!(alerts::fire_due(&app).await.unwrap() >= 1);
        assert!(alerts::fire_due(&app).await.unwrap() == 0, "nothing more is due");
        let t = ticket(&app, late).await;
        assert_eq!(t.priority, Priority::Urgent);
        assert_eq!(t.team, Some(team));
        assert_eq!(runs(&app, late).await, ["Escalate breaches"], "once per breach");

        // Pending and quiet for four days: solved, once, even with two nodes sweeping.
        let quiet = new_ticket(&app, 3, "Waiting on photos").await;
        set_status(&app, agent, quiet, "pending").await;
        let other = App::new(app.store.clone(), None, kefu_app::SessionPolicy::default()).unwrap();
        let (mut here, mut there) = (schedule::Cursors::new(), schedule::Cursors::new());
        let (a, b) = tokio::join!(schedule::run_due(&app, &mut here), schedule::run_due(&other, &mut there));
        assert_eq!(a.unwrap() + b.unwrap(), 0, "not quiet long enough");
        app.store.write(move |conn| {
            use diesel::prelude::*;
            use kefu_store::schema::tickets as t;
            let four_days = (chrono::Utc::now() - Duration::days(4)).naive_utc();
            diesel::update(t::table.find(quiet.to_string())).set(t::updated_at.eq(four_days)).execute(conn)?;
            Ok::<_, StoreError>(())
        }).await.unwrap();
        let (mut here, mut there) = (schedule::Cursors::new(), schedule::Cursors::new());
        let (a, b) = tokio::join!(schedule::run_due(&app, &mut here), schedule::run_due(&other, &mut there));
        assert_eq!(a.unwrap() + b.unwrap(), 1, "one run, whichever node");
        assert_eq!(ticket(&app, quiet).await.status, Status::Solved);
        assert_eq!(runs(&app, quiet).await, ["Close quiet pending"]);
        assert_eq!(schedule::run_due(&app, &mut schedule::Cursors::new()).await.unwrap(), 0, "idempotent");
    }
}
