//! Service levels on both backends: each ticket's clock follows its status and replies, and
//! the sweep fires every near breach and breach exactly once even when two nodes sweep the
//! same database at the same moment.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use kefu_api_types::sla::{CalendarRequest, PolicyRequest};
use kefu_api_types::tickets::UpdateTicketRequest;
use kefu_app::App;
use kefu_app::audit::Origin;
use kefu_app::sla::{alerts, calendars, policies};
use kefu_app::tickets::TicketRef;
use kefu_domain::ids::TicketId;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::ticket::Status;
use kefu_store::config::StoreConfig;
use kefu_store::sla::clocks::Alert;
use kefu_store::{Store, StoreError};
use kefu_testkit::test_both;
use serde_json::json;

use crate::mail::{account, created, mail, mail_app, set_up, take};

/// A round-the-clock calendar and an after-sale email policy: first response in 10 minutes,
/// resolution in 60, warnings at 80 %.
async fn policy(app: &App, admin: Actor) {
    let day = json!([{"start": "00:00", "end": "24:00"}]);
    let request: CalendarRequest = serde_json::from_value(json!({
        "name": "Always", "time_zone": "UTC", "week": [day, day, day, day, day, day, day],
    }))
    .unwrap();
    let calendar = calendars::create(app, admin, Origin::cli(), request)
        .await
        .unwrap();
    let request: PolicyRequest = serde_json::from_value(json!({
        "name": "After-sale email", "calendar_id": calendar.id,
        "scope": {"stages": ["after_sale"], "channels": ["email"]},
        "targets": {"first_response": 10, "resolution": 60},
    }))
    .unwrap();
    policies::create(app, admin, Origin::cli(), request)
        .await
        .unwrap();
}

async fn new_ticket(app: &App, i: usize) -> TicketId {
    let raw = mail(
        &format!("customer{i}@example.com"),
        "support@shop.example",
        &format!("sla-{i}@example.com"),
        "The kettle leaks",
        "",
        "It leaks from the bottom.",
    );
    created(&take(app, &raw).await).0
}

/// Sweeps as of `at` from every node at once, a few clocks at a time, until none finds
/// anything: every alert fired, by whichever node.
async fn sweep_from(nodes: &[Store], at: DateTime<Utc>) -> Vec<Alert> {
    let mut sweepers = Vec::new();
    for store in nodes {
        let store = store.clone();
        sweepers.push(tokio::spawn(async move {
            let mut fired = Vec::new();
            loop {
                let round = store
                    .write(move |conn| alerts::fire(conn, at, 3))
                    .await
                    .unwrap();
                if round.is_empty() {
                    return fired;
                }
                fired.extend(round);
            }
        }));
    }
    let mut all = Vec::new();
    for sweeper in sweepers {
        all.extend(sweeper.await.unwrap());
    }
    all
}

fn keys(alerts: &[Alert]) -> Vec<(TicketId, &'static str, &'static str)> {
    let mut keys: Vec<_> = alerts
        .iter()
        .map(|a| (a.ticket, a.target.as_str(), a.kind.as_str()))
        .collect();
    keys.sort();
    keys
}

async fn timeline_alerts(app: &App, ticket: TicketId) -> usize {
    app.store
        .read(move |conn| {
            let (items, _) = kefu_store::messages::list(conn, ticket, true, None, 200)?;
            Ok::<_, StoreError>(
                items
                    .iter()
                    .filter(|m| m.data.as_ref().is_some_and(|d| d.get("sla").is_some()))
                    .count(),
            )
        })
        .await
        .unwrap()
}

test_both! {
    async fn alerts_fire_once_each_even_with_two_nodes_sweeping(db: TestDb) {
        let app = mail_app(&db);
        set_up(&app).await;
        let admin = account(&app, "sla-admin@shop.example", Role::Admin).await;
        policy(&app, admin).await;
        let now = chrono::Utc::now();
        let mut tickets = Vec::new();
        for i in 0..12 {
            tickets.push(new_ticket(&app, i).await);
        }
        let second = Store::open(&StoreConfig { url: db.url.clone(), pool_size: 4, ..StoreConfig::default() })
            .await
            .unwrap();
        let nodes = [db.store.clone(), second];

        // Nothing is due yet.
        assert!(sweep_from(&nodes, now + Duration::minutes(7)).await.is_empty());
        // Eight minutes in, each first response warns: once, whichever node saw it.
        let warned = sweep_from(&nodes, now + Duration::minutes(9)).await;
        let expected: BTreeSet<TicketId> = tickets.iter().copied().collect();
        assert_eq!(warned.len(), 12, "{:?}", keys(&warned));
        assert_eq!(warned.iter().map(|a| a.ticket).collect::<BTreeSet<_>>(), expected);
        assert!(warned.iter().all(|a| a.target.as_str() == "first_response" && a.kind.as_str() == "near_breach"));
        assert!(sweep_from(&nodes, now + Duration::minutes(9)).await.is_empty(), "never twice");

        // An hour in: the first responses breach, the resolutions warn and breach.
        let late = sweep_from(&nodes, now + Duration::minutes(61)).await;
        assert_eq!(late.len(), 36, "{:?}", keys(&late));
        let distinct: BTreeSet<_> = keys(&late).into_iter().collect();
        assert_eq!(distinct.len(), 36, "each alert fired by one node only");
        assert!(sweep_from(&nodes, now + Duration::minutes(600)).await.is_empty());
        for ticket in &tickets {
            assert_eq!(timeline_alerts(&app, *ticket).await, 4, "each on the ticket's timeline once");
        }
    }
}

test_both! {
    async fn the_clock_stands_still_while_the_customer_is_awaited(db: TestDb) {
        let app = mail_app(&db);
        let (agent, _) = set_up(&app).await;
        let admin = account(&app, "sla-admin@shop.example", Role::Admin).await;
        policy(&app, admin).await;
        let ticket = new_ticket(&app, 1).await;
        let due_at = |app: &App| {
            let app = app.clone();
            async move {
                app.store
                    .read(move |conn| kefu_store::tickets::find(conn, ticket))
                    .await
                    .unwrap()
                    .sla_due_at
            }
        };
        let before = due_at(&app).await.expect("a covered ticket has a due time");

        let pending: UpdateTicketRequest = serde_json::from_value(json!({"status": "pending"})).unwrap();
        let change = kefu_app::tickets::update::TicketChange::parse(pending).unwrap();
        app.published(kefu_app::tickets::update::update(&app, agent, TicketRef::Id(ticket), change).await.unwrap());
        assert_eq!(due_at(&app).await, None, "pending stops the clock");
        // Nothing fires while it stands still, however late it gets.
        let fired = app.store
            .write(|conn| alerts::fire(conn, chrono::Utc::now() + Duration::days(3), 100))
            .await
            .unwrap();
        assert!(fired.is_empty(), "{fired:?}");

        tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
        let open: UpdateTicketRequest = serde_json::from_value(json!({"status": "open"})).unwrap();
        let change = kefu_app::tickets::update::TicketChange::parse(open).unwrap();
        let reopened = app.published(kefu_app::tickets::update::update(&app, agent, TicketRef::Id(ticket), change).await.unwrap());
        assert_eq!(reopened.status, Status::Open);
        let after = due_at(&app).await.expect("open runs the clock again");
        let shift = after - before;
        // Business time is counted in whole seconds.
        assert!(shift >= Duration::seconds(1) && shift < Duration::seconds(5),
            "the due time moved by the time it stood still: {shift}");
    }
}
