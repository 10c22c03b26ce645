//! Service levels over HTTP, on both backends: an admin sets business hours and policies, the
//! preview answers when a target falls due, tickets carry their due times, and the queue sorts
//! by the soonest and finds the breached.

use chrono::{DateTime, Duration, Utc};
use kefu_testkit::{TestClient, test_both};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{desk, ticket};

fn at(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a time, not {value}"))
        .parse()
        .unwrap()
}

fn shanghai_office() -> Value {
    let day = json!([{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}]);
    json!({
        "name": "Shanghai office", "time_zone": "Asia/Shanghai",
        "week": [day, day, day, day, day, [], []],
        "exceptions": [
            {"date": "2026-10-01", "name": "National Day"},
            {"date": "2026-10-10", "name": "Working Saturday", "working": true},
        ],
    })
}

async fn always(admin: &TestClient) -> String {
    let day = json!([{"start": "00:00", "end": "24:00"}]);
    let (status, calendar) = admin
        .post("/api/v1/calendars", &json!({"name": "Always", "time_zone": "UTC", "week": [day, day, day, day, day, day, day]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{calendar}");
    calendar["id"].as_str().unwrap().to_owned()
}

test_both! {
    async fn an_admin_sets_business_hours_and_previews_due_times(db: TestDb) {
        let desk = desk(db).await;
        let (status, calendar) = desk.admin.post("/api/v1/calendars", &shanghai_office()).await;
        assert_eq!(status, StatusCode::CREATED, "{calendar}");
        let id = calendar["id"].as_str().unwrap();
        assert_eq!(calendar["exceptions"][1]["hours"][1]["end"], "18:00", "a working day without hours works the usual ones");

        // Friday 4 December 16:00 in Shanghai, plus 8 business hours: Monday 16:00.
        let (status, due) = desk.agent.get(&format!("/api/v1/calendars/{id}/due?from=2026-12-04T08:00:00Z&minutes=480")).await;
        assert_eq!(status, StatusCode::OK, "{due}");
        assert_eq!(due["due_local"], "2026-12-07 16:00");
        assert_eq!(at(&due["due_at"]), at(&json!("2026-12-07T08:00:00Z")));
        assert_eq!(due["open_at_start"], true);
        // Across the holiday into the working Saturday.
        let (_, due) = desk.agent.get(&format!("/api/v1/calendars/{id}/due?from=2026-09-30T09:00:00Z&minutes=120")).await;
        assert_eq!(due["due_local"], "2026-10-02 10:00", "1 October is a holiday");

        // Bad input is refused with its reason, and nothing changes.
        let mut overlapping = shanghai_office();
        overlapping["week"][0] = json!([{"start": "09:00", "end": "13:00"}, {"start": "12:00", "end": "18:00"}]);
        let (status, problem) = desk.admin.post("/api/v1/calendars", &overlapping).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["code"], "invalid_calendar");
        let mut martian = shanghai_office();
        martian["time_zone"] = json!("Mars/Olympus");
        let (status, problem) = desk.admin.post("/api/v1/calendars", &martian).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let (status, _) = desk.agent.get(&format!("/api/v1/calendars/{id}/due?from=2026-12-04T08:00:00Z&minutes=0")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (_, list) = desk.agent.get("/api/v1/calendars").await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1);

        // Holidays come from an iCalendar file.
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261002\r\nDTEND;VALUE=DATE:20261008\r\nSUMMARY:国庆节\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260920\r\nSUMMARY:国庆节补班\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:元旦\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let (status, imported) = desk.admin.post(&format!("/api/v1/calendars/{id}/import"), &json!({"ics": ics})).await;
        assert_eq!(status, StatusCode::OK, "{imported}");
        assert_eq!(imported["imported"], 7);
        assert_eq!(imported["skipped"].as_array().unwrap().len(), 1, "{imported}");
        assert_eq!(imported["calendar"]["exceptions"].as_array().unwrap().len(), 9);
        let (_, due) = desk.agent.get(&format!("/api/v1/calendars/{id}/due?from=2026-09-30T09:00:00Z&minutes=120")).await;
        assert_eq!(due["due_local"], "2026-10-08 10:00", "the whole Golden Week is off now");
        let (status, _) = desk.admin.post(&format!("/api/v1/calendars/{id}/import"), &json!({"ics": "not a calendar"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // The audit log says who changed the hours.
        let (_, audit) = desk.admin.get("/api/v1/audit").await;
        let updated = audit["items"].as_array().unwrap().iter().find(|e| e["action"] == "calendar_updated").unwrap();
        assert_eq!(updated["target_label"], "Shanghai office", "{updated}");
    }
}

test_both! {
    async fn tickets_carry_due_times_and_the_queue_sorts_and_filters_by_them(db: TestDb) {
        let desk = desk(db).await;
        let (_, customer) = desk.app.user(kefu_domain::role::Role::Customer, "ana@example.com").await;
        let calendar = always(&desk.admin).await;
        let normal = json!({"name": "After-sale email", "calendar_id": calendar,
            "scope": {"stages": ["after_sale"], "channels": ["email"]},
            "targets": {"first_response": 480, "resolution": 4320}});
        let (status, policy) = desk.admin.post("/api/v1/sla-policies", &normal).await;
        assert_eq!(status, StatusCode::CREATED, "{policy}");
        let urgent = json!({"name": "Urgent", "position": 0, "calendar_id": calendar,
            "scope": {"priorities": ["urgent"]}, "targets": {"first_response": 30}});
        let (status, _) = desk.admin.post("/api/v1/sla-policies", &urgent).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = desk.agent.post("/api/v1/sla-policies", &urgent).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "agents read policies, admins set them");

        let email = |subject: &str, priority: &str| json!({
            "subject": subject, "channel": "email", "stage": "after_sale", "priority": priority,
            "requester": {"email": "ana@example.com"}, "message": {"body": "It broke."},
        });
        let slow = ticket(&desk.agent, email("Kettle leaks", "normal")).await;
        let created = at(&slow["created_at"]);
        assert_eq!(at(&slow["sla_due_at"]) - created, Duration::minutes(480), "{slow}");
        let fast = ticket(&desk.agent, email("Oven on fire", "urgent")).await;
        assert_eq!(at(&fast["sla_due_at"]) - at(&fast["created_at"]), Duration::minutes(30), "the first policy in order wins");
        let uncovered = ticket(&desk.agent, json!({"subject": "Price of the X2?", "channel": "web", "stage": "pre_sale",
            "requester": {"email": "bo@example.com"}})).await;
        assert!(uncovered.get("sla_due_at").is_none(), "{uncovered}");

        let (status, clock) = desk.agent.get(&format!("/api/v1/tickets/{}/sla", slow["id"].as_str().unwrap())).await;
        assert_eq!(status, StatusCode::OK, "{clock}");
        assert_eq!(clock["policy_name"], "After-sale email");
        assert_eq!(clock["targets"][0]["target"], "first_response");
        assert_eq!(clock["targets"][0]["state"], "running");
        assert_eq!(at(&clock["targets"][1]["due_at"]) - created, Duration::minutes(4320));
        assert_eq!(at(&clock["targets"][0]["warn_at"]) - created, Duration::minutes(384), "warns at 80 %");

        // Due soonest first; tickets without a running clock last.
        let numbers = |list: &Value| list["items"].as_array().unwrap().iter().map(|t| t["number"].as_i64().unwrap()).collect::<Vec<_>>();
        let (status, queue) = desk.agent.get("/api/v1/tickets?status=unsolved&sort=due").await;
        assert_eq!(status, StatusCode::OK, "{queue}");
        assert_eq!(numbers(&queue), vec![fast["number"].as_i64().unwrap(), slow["number"].as_i64().unwrap(), uncovered["number"].as_i64().unwrap()]);
        let (_, page) = desk.agent.get("/api/v1/tickets?status=unsolved&sort=due&limit=1").await;
        let (_, next) = desk.agent.get(&format!("/api/v1/tickets?status=unsolved&sort=due&limit=2&cursor={}", page["next_cursor"].as_str().unwrap())).await;
        assert_eq!(numbers(&next), vec![slow["number"].as_i64().unwrap(), uncovered["number"].as_i64().unwrap()], "pages follow on");
        let (_, breached) = desk.agent.get("/api/v1/tickets?status=unsolved&breached=true").await;
        assert!(breached["items"].as_array().unwrap().is_empty(), "{breached}");

        // Forty minutes later the urgent one is past due.
        let fast_id = fast["id"].as_str().unwrap().to_owned();
        desk.app.app().store.write(move |conn| kefu_testkit::age_ticket_clock(conn, &fast_id, 40)).await.unwrap();
        let (_, breached) = desk.agent.get("/api/v1/tickets?status=unsolved&breached=true&sort=due").await;
        assert_eq!(numbers(&breached), vec![fast["number"].as_i64().unwrap()]);
        let (_, clock) = desk.agent.get(&format!("/api/v1/tickets/{}/sla", fast["id"].as_str().unwrap())).await;
        assert_eq!(clock["targets"][0]["state"], "breached", "{clock}");

        // An answer meets the first response; pending stops the clock.
        let slow_id = slow["id"].as_str().unwrap();
        let (status, _) = desk.agent.post(&format!("/api/v1/tickets/{slow_id}/messages"), &json!({"body": "Sorry! A new one is on its way.", "status": "pending"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, clock) = desk.agent.get(&format!("/api/v1/tickets/{slow_id}/sla")).await;
        assert_eq!(clock["targets"][0]["state"], "met", "{clock}");
        assert_eq!(clock["targets"][1]["state"], "paused", "{clock}");
        assert!(clock["paused_since"].is_string());
        let (_, shown) = desk.agent.get(&format!("/api/v1/tickets/{slow_id}")).await;
        assert!(shown.get("sla_due_at").is_none(), "{shown}");

        // A policy's change reaches open tickets only when asked.
        let mut shorter = normal.clone();
        shorter["targets"]["resolution"] = json!(60);
        let policy_id = policy["id"].as_str().unwrap();
        let (status, changed) = desk.admin.put(&format!("/api/v1/sla-policies/{policy_id}"), &shorter).await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        let (_, clock) = desk.agent.get(&format!("/api/v1/tickets/{slow_id}/sla")).await;
        assert_eq!(clock["targets"][1]["minutes"], 4320, "open tickets keep their targets");
        let (status, applied) = desk.admin.post("/api/v1/sla-policies/apply", &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{applied}");
        assert_eq!(applied["tickets"], 3);
        assert_eq!(applied["covered"], 2);
        let (_, clock) = desk.agent.get(&format!("/api/v1/tickets/{slow_id}/sla")).await;
        assert_eq!(clock["targets"][1]["minutes"], 60, "{clock}");

        // In use: neither the policy nor its calendar can go.
        let (status, problem) = desk.admin.delete(&format!("/api/v1/sla-policies/{policy_id}")).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        let (status, _) = desk.admin.delete(&format!("/api/v1/calendars/{calendar}")).await;
        assert_eq!(status, StatusCode::CONFLICT);

        // Customers neither sort by service levels nor see them.
        let (status, _) = customer.get("/api/v1/tickets?sort=due").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, mine) = customer.get(&format!("/api/v1/tickets/{}", fast["id"].as_str().unwrap())).await;
        assert!(mine.get("sla_due_at").is_none(), "{mine}");
    }
}

test_both! {
    async fn a_next_response_or_call_back_never_owed_is_not_due_rather_than_met(db: TestDb) {
        let desk = desk(db).await;
        let (_, customer) = desk.app.user(kefu_domain::role::Role::Customer, "ana@example.com").await;
        let calendar = always(&desk.admin).await;
        let every = json!({"name": "Web", "calendar_id": calendar, "scope": {"channels": ["web"]},
            "targets": {"first_response": 60, "next_response": 60, "call_back": 30, "resolution": 4320}});
        let (status, policy) = desk.admin.post("/api/v1/sla-policies", &every).await;
        assert_eq!(status, StatusCode::CREATED, "{policy}");
        let (_, own) = customer.post("/api/v1/tickets", &json!({"subject": "Kettle leaks", "channel": "web", "message": {"body": "It broke."}})).await;
        let id = own["id"].as_str().unwrap().to_owned();
        let states = || async {
            let (_, clock) = desk.agent.get(&format!("/api/v1/tickets/{id}/sla")).await;
            let of = |target: &str| clock["targets"].as_array().unwrap().iter().find(|t| t["target"] == target).map(|t| t["state"].clone());
            [of("first_response"), of("next_response"), of("call_back")].map(|s| s.unwrap_or_default())
        };
        assert_eq!(states().await, [json!("running"), json!("not_due"), json!("not_due")], "nothing but the first answer is owed yet");
        desk.agent.post(&format!("/api/v1/tickets/{id}/messages"), &json!({"body": "Sorry! Which model?"})).await;
        assert_eq!(states().await, [json!("met"), json!("not_due"), json!("not_due")]);
        customer.post(&format!("/api/v1/tickets/{id}/messages"), &json!({"body": "The K2."})).await;
        assert_eq!(states().await, [json!("met"), json!("running"), json!("not_due")]);
        desk.agent.post(&format!("/api/v1/tickets/{id}/messages"), &json!({"body": "A new one is on its way."})).await;
        assert_eq!(states().await, [json!("met"), json!("met"), json!("not_due")]);
    }
}
