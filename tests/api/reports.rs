//! Reports over HTTP, on both backends: what was created, answered, solved, rated and left
//! open in a period, per team, agent, stage or channel, as JSON and as CSV.

use kefu_domain::role::Role;
use kefu_testkit::test_both;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{desk, ticket};

test_both! {
    async fn reports_sum_the_period_per_group_and_export_csv(db: TestDb) {
        let desk = desk(db).await;
        let (_, customer) = desk.app.user(Role::Customer, "c@example.com").await;
        let mine = ticket(&customer, json!({"subject": "Warranty, please", "channel": "web", "message": {"body": "Is it covered?"}})).await;
        let number = mine["number"].as_i64().unwrap();
        desk.agent.patch(&format!("/api/v1/tickets/{number}"), &json!({"team_id": desk.team})).await;
        let (status, _) = desk.agent.post(&format!("/api/v1/tickets/{number}/messages"), &json!({"body": "Yes, two years.", "status": "solved"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = customer.post(&format!("/api/v1/tickets/{number}/rating"), &json!({"score": 5, "expectation": "better"})).await;
        assert_eq!(status, StatusCode::OK);
        // Email tickets answer within 10 minutes, round the clock; one of the two breaches.
        let day = json!([{"start": "00:00", "end": "24:00"}]);
        let (_, calendar) = desk.admin.post("/api/v1/calendars", &json!({"name": "Always", "time_zone": "UTC", "week": [day, day, day, day, day, day, day]})).await;
        let (status, policy) = desk.admin.post("/api/v1/sla-policies", &json!({"name": "Email", "calendar_id": calendar["id"],
            "scope": {"channels": ["email"]}, "targets": {"first_response": 10}})).await;
        assert_eq!(status, StatusCode::CREATED, "{policy}");
        let mut orders = Vec::new();
        for n in 0..2 {
            orders.push(ticket(&desk.agent, json!({"subject": format!("Order {n} late"), "channel": "email", "team_id": desk.team,
                "requester": {"name": "Li Lei", "email": "lilei@example.cn"}, "message": {"body": "Where is it?"}})).await);
        }
        let late = orders[0]["id"].as_str().unwrap().to_owned();
        desk.app.app().store.write(move |conn| kefu_testkit::age_ticket_clock(conn, &late, 30)).await.unwrap();
        kefu_app::sla::alerts::fire_due(desk.app.app()).await.unwrap();

        let (status, report) = desk.agent.get("/api/v1/reports?by=team").await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let team_row = report["rows"].as_array().unwrap().iter().find(|r| r["key"] == desk.team.as_str()).unwrap().clone();
        let orders = team_row;
        assert_eq!(orders["label"], "Orders");
        assert_eq!(orders["created"], 3, "{orders}");
        assert_eq!(orders["solved"], 1);
        assert_eq!(orders["backlog"], 2);
        assert_eq!(orders["ratings"], 1);
        assert_eq!(orders["csat_percent"], 100.0);
        assert_eq!(orders["expectation_gap"], 1.0);
        assert!(orders["first_response_minutes"].is_number(), "{orders}");
        assert_eq!(orders["sla_met_percent"], 50.0, "one of the two email tickets breached: {orders}");
        assert_eq!(report["total"]["created"], 3);
        let today = chrono::Utc::now().date_naive().to_string();
        let days = report["days"].as_array().unwrap();
        assert_eq!(days.len(), 30, "every day of the period");
        assert_eq!(days.last().unwrap()["day"], today.as_str());
        assert_eq!(days.last().unwrap()["created"], 3);

        let (_, by_channel) = desk.agent.get(&format!("/api/v1/reports?by=channel&team_id={}", desk.team)).await;
        let keys: Vec<&str> = by_channel["rows"].as_array().unwrap().iter().map(|r| r["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["email", "web"], "{by_channel}");

        for bad in ["by=weather", "from=2026-03-01&to=2026-02-01", "from=2024-01-01&to=2026-01-01", "team_id=nope"] {
            let (status, problem) = desk.agent.get(&format!("/api/v1/reports?{bad}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {problem}");
        }
        let (status, _) = customer.get("/api/v1/reports").await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let response = desk.agent.request(Method::GET, "/api/v1/reports.csv?by=team").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
        let csv = response.text().await.unwrap();
        assert!(csv.starts_with("\u{feff}group,created,solved,"), "{csv}");
        assert!(csv.contains("\r\nOrders,3,1,"), "{csv}");
    }
}
