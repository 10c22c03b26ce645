//! Tickets over HTTP: every channel, phone calls, the timeline, the queue and its filters.

use kefu_api::ApiConfig;
use kefu_domain::role::Role;
use kefu_testkit::{TestApp, test_both};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{desk, email_ticket, ticket};

fn call(from: &str, outcome: &str, seconds: i64) -> Value {
    json!({
        "direction": "inbound",
        "from": from,
        "to": "+86 21 5555 0100",
        "duration_seconds": seconds,
        "outcome": outcome,
        "notes": "屏幕碎了，客户要求保修",
    })
}

test_both! {
    async fn agents_open_tickets_on_every_channel(db: TestDb) {
        let desk = desk(db).await;
        for channel in ["chat", "email", "web", "api"] {
            let created = ticket(&desk.agent, json!({
                "subject": format!("Question by {channel}"),
                "channel": channel,
                "stage": "pre_sale",
                "priority": "high",
                "team_id": desk.team,
                "tags": ["VIP", "quote"],
                "requester": {"name": "Emma Walker", "email": "emma@example.com"},
                "message": {"body": "Do you ship to Shanghai?"},
            })).await;
            assert_eq!(created["channel"], channel);
            assert_eq!(created["status"], "new");
            assert_eq!(created["priority"], "high");
            assert_eq!(created["team"]["name"], "Orders");
            assert_eq!(created["tags"], json!(["quote", "vip"]));
            assert_eq!(created["requester"]["email"], "emma@example.com");
        }
        let (_, customers) = desk.agent.get("/api/v1/customers?email=EMMA@example.com").await;
        assert_eq!(customers["items"].as_array().unwrap().len(), 1, "the requester was found, not duplicated");
        let customer = &customers["items"][0]["id"];
        let (status, detail) = desk.agent.get(&format!("/api/v1/customers/{}", customer.as_str().unwrap())).await;
        assert_eq!(status, StatusCode::OK);
        let mut channels: Vec<&str> = detail["tickets"].as_array().unwrap().iter().map(|t| t["channel"].as_str().unwrap()).collect();
        channels.sort();
        assert_eq!(channels, ["api", "chat", "email", "web"]);
    }
}

test_both! {
    async fn a_phone_ticket_carries_its_call_and_finds_the_caller_next_time(db: TestDb) {
        let app = TestApp::start_with(db, ApiConfig { workers: Some(1), phone_region: Some("CN".into()), ..ApiConfig::default() }).await;
        let (_, agent) = app.user(Role::Agent, "agent@example.com").await;
        let created = ticket(&agent, json!({
            "subject": "来电：屏幕碎了",
            "channel": "phone",
            "stage": "after_sale",
            "requester": {"name": "王芳", "phone": "138-0013-8000"},
            "call": call("138 0013 8000", "answered", 185),
        })).await;
        assert_eq!(created["requester"]["phone"], "+8613800138000");
        let number = created["number"].as_i64().unwrap();
        let (status, timeline) = agent.get(&format!("/api/v1/tickets/%23{number}/messages")).await;
        assert_eq!(status, StatusCode::OK, "{timeline}");
        let entry = &timeline["items"][0];
        assert_eq!(entry["kind"], "call");
        assert_eq!(entry["visibility"], "internal");
        assert_eq!(entry["call"]["from"], "+8613800138000");
        assert_eq!(entry["call"]["to"], "+862155550100");
        assert_eq!(entry["call"]["duration_seconds"], 185);
        assert_eq!(entry["call"]["outcome"], "answered");
        // The next call from that number: the agent looks the caller up…
        let (status, found) = agent.get("/api/v1/customers?phone=%2B86%20138%200013%208000").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(found["items"][0]["name"], "王芳");
        // …and logs the call on the open ticket.
        let (status, logged) = agent.post(&format!("/api/v1/tickets/{}/calls", created["id"].as_str().unwrap()), &call("+8613800138000", "missed", 0)).await;
        assert_eq!(status, StatusCode::CREATED, "{logged}");
        assert_eq!(logged["call"]["outcome"], "missed");
        // A phone ticket without a requester belongs to the caller.
        let second = ticket(&agent, json!({
            "subject": "Callback please",
            "channel": "phone",
            "call": call("13800138000", "callback_requested", 40),
        })).await;
        assert_eq!(second["requester"]["id"], created["requester"]["id"]);
        // An unknown caller becomes a new customer named by their number.
        let third = ticket(&agent, json!({
            "subject": "Unknown caller",
            "channel": "phone",
            "call": call("+1 415 555 0132", "voicemail", 30),
        })).await;
        assert_eq!(third["requester"]["name"], "+14155550132");
    }
}

test_both! {
    async fn phone_tickets_need_a_valid_call(db: TestDb) {
        let desk = desk(db).await;
        let base = json!({"subject": "Call", "channel": "phone", "requester": {"email": "x@example.com"}});
        let cases = [
            (json!({}), "call_required"),
            (json!({"call": call("12345", "answered", 10)}), "invalid_phone"),
            (json!({"call": call("+8613800138000", "missed", 30)}), "invalid_call"),
            (json!({"call": call("+8613800138000", "answered", -5)}), "invalid_call"),
        ];
        for (extra, code) in cases {
            let mut body = base.clone();
            body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            let (status, problem) = desk.agent.post("/api/v1/tickets", &body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {problem}");
            assert_eq!(problem["code"], code, "{body}");
        }
        let (status, problem) = desk.agent.post("/api/v1/tickets", &json!({
            "subject": "Chat", "channel": "chat", "requester": {"email": "x@example.com"},
            "call": call("+8613800138000", "answered", 5),
        })).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("call_not_allowed")));
        assert_eq!(crate::support::ticket_count(&desk).await, 0, "nothing was created");
    }
}

test_both! {
    async fn replies_notes_assignment_and_status_are_on_the_timeline(db: TestDb) {
        let desk = desk(db).await;
        let created = ticket(&desk.agent, email_ticket("Order SO-1042 not shipped", "li@example.com")).await;
        let id = created["id"].as_str().unwrap();
        let (status, reply) = desk.agent.post(&format!("/api/v1/tickets/{id}/messages"), &json!({"body": "It ships today.", "status": "pending"})).await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
        assert_eq!(reply["visibility"], "public");
        assert_eq!(reply["author"]["name"], "agent@example.com");
        let (status, note) = desk.agent.post(&format!("/api/v1/tickets/{id}/messages"), &json!({"body": "仓库确认今天发货", "visibility": "internal"})).await;
        assert_eq!((status, note["kind"].as_str()), (StatusCode::CREATED, Some("note")));
        let (status, assigned) = desk.admin.patch(&format!("/api/v1/tickets/{id}"), &json!({"assignee_id": desk.agent_user.id, "team_id": desk.team, "priority": "urgent"})).await;
        assert_eq!(status, StatusCode::OK, "{assigned}");
        assert_eq!(assigned["assignee"]["name"], "agent@example.com");
        assert_eq!(assigned["status"], "pending", "assignment keeps a status the agent chose");
        let (_, shown) = desk.agent.get(&format!("/api/v1/tickets/{id}")).await;
        assert_eq!(shown["status"], "pending");
        assert!(shown["first_responded_at"].is_string());
        let (_, timeline) = desk.agent.get(&format!("/api/v1/tickets/{id}/messages")).await;
        let kinds: Vec<&str> = timeline["items"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["reply", "reply", "event", "note", "event"]);
        // The agent's public reply set the status they chose and took the unassigned ticket.
        let reply_event = &timeline["items"][2]["data"]["changes"];
        let status_change = &reply_event[0];
        assert_eq!((status_change["field"].as_str(), status_change["from"].as_str(), status_change["to"].as_str()), (Some("status"), Some("new"), Some("pending")));
        assert_eq!((reply_event[1]["field"].as_str(), reply_event[1]["to_name"].as_str()), (Some("assignee"), Some("agent@example.com")));
        let assignment = &timeline["items"][4]["data"]["changes"];
        let fields: Vec<&str> = assignment.as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["priority", "team"], "the assignee was already the agent");
        assert_eq!(timeline["items"][4]["author"]["name"], "admin@example.com");
    }
}

test_both! {
    async fn assigning_a_new_ticket_opens_it(db: TestDb) {
        let desk = desk(db).await;
        let created = ticket(&desk.agent, email_ticket("Quote", "q@example.com")).await;
        let id = created["id"].as_str().unwrap();
        let (_, updated) = desk.agent.patch(&format!("/api/v1/tickets/{id}"), &json!({"assignee_id": desk.agent_user.id})).await;
        assert_eq!(updated["status"], "open");
    }
}

test_both! {
    async fn the_state_machine_refuses_impossible_moves_and_changes_nothing(db: TestDb) {
        let desk = desk(db).await;
        let created = ticket(&desk.agent, email_ticket("Refund", "r@example.com")).await;
        let id = created["id"].as_str().unwrap();
        let (status, problem) = desk.agent.patch(&format!("/api/v1/tickets/{id}"), &json!({"status": "closed", "priority": "low"})).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")));
        let (_, unchanged) = desk.agent.get(&format!("/api/v1/tickets/{id}")).await;
        assert_eq!((unchanged["status"].as_str(), unchanged["priority"].as_str()), (Some("new"), Some("normal")));
        for step in ["solved", "closed"] {
            let (status, body) = desk.agent.patch(&format!("/api/v1/tickets/{id}"), &json!({"status": step})).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let (status, problem) = desk.agent.post(&format!("/api/v1/tickets/{id}/messages"), &json!({"body": "Anything else?"})).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("ticket_closed")));
        let (status, problem) = desk.agent.patch(&format!("/api/v1/tickets/{id}"), &json!({"priority": "high"})).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("ticket_closed")));
    }
}

async fn subjects(client: &kefu_testkit::TestClient, query: &str) -> Vec<String> {
    let (status, list) = client.get(&format!("/api/v1/tickets?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{query}: {list}");
    let mut out: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["subject"].as_str().unwrap().to_owned())
        .collect();
    out.sort();
    out
}

test_both! {
    async fn the_queue_filters_sorts_and_pages(db: TestDb) {
        let desk = desk(db).await;
        let make = |subject: &str, channel: &str, stage: &str, priority: &str, team: bool, email: &str| json!({
            "subject": subject, "channel": channel, "stage": stage, "priority": priority,
            "team_id": if team { Value::String(desk.team.clone()) } else { Value::Null },
            "requester": {"email": email},
            "message": {"body": format!("{subject} — details")},
        });
        let a = ticket(&desk.agent, make("申请退货 X200", "email", "after_sale", "high", true, "a@example.com")).await;
        let b = ticket(&desk.agent, make("Quote for routers", "chat", "pre_sale", "normal", true, "b@example.com")).await;
        let c = ticket(&desk.agent, make("Payment failed", "web", "in_sale", "urgent", false, "a@example.com")).await;
        let d = ticket(&desk.agent, make("Invoice needed 发票", "api", "in_sale", "low", false, "c@example.com")).await;
        let id = |t: &Value| t["id"].as_str().unwrap().to_owned();
        desk.agent.patch(&format!("/api/v1/tickets/{}", id(&a)), &json!({"assignee_id": desk.agent_user.id, "tags": ["warranty"]})).await;
        desk.agent.patch(&format!("/api/v1/tickets/{}", id(&c)), &json!({"status": "solved"})).await;
        let _ = (&b, &d);
        let agent = &desk.agent;
        assert_eq!(subjects(agent, "status=unsolved").await, ["Invoice needed 发票", "Quote for routers", "申请退货 X200"]);
        assert_eq!(subjects(agent, "status=solved").await, ["Payment failed"]);
        assert_eq!(subjects(agent, &format!("team={}", desk.team)).await, ["Quote for routers", "申请退货 X200"]);
        assert_eq!(subjects(agent, "team=none").await, ["Invoice needed 发票", "Payment failed"]);
        assert_eq!(subjects(agent, "assignee=me").await, ["申请退货 X200"]);
        assert_eq!(subjects(agent, "assignee=unassigned&stage=in_sale").await, ["Invoice needed 发票", "Payment failed"]);
        assert_eq!(subjects(agent, "channel=chat,api").await, ["Invoice needed 发票", "Quote for routers"]);
        assert_eq!(subjects(agent, "priority=urgent,high").await, ["Payment failed", "申请退货 X200"]);
        assert_eq!(subjects(agent, "tag=warranty").await, ["申请退货 X200"]);
        assert_eq!(subjects(agent, &format!("requester={}", a["requester"]["id"].as_str().unwrap())).await, ["Payment failed", "申请退货 X200"]);
        assert_eq!(subjects(agent, "q=%E9%80%80%E8%B4%A7").await, ["申请退货 X200"], "退货");
        assert_eq!(subjects(agent, "q=%E5%8F%91%E7%A5%A8").await, ["Invoice needed 发票"], "发票");
        assert_eq!(subjects(agent, "q=rout").await, Vec::<String>::new(), "words match whole");
        assert_eq!(subjects(agent, "q=rout*").await, ["Quote for routers"], "unless starred");
        assert_eq!(subjects(agent, "q=router").await, ["Quote for routers"], "in any form");
        assert_eq!(subjects(agent, "q=details&stage=in_sale").await, ["Invoice needed 发票", "Payment failed"]);
        let (_, by_priority) = agent.get("/api/v1/tickets?sort=priority").await;
        let order: Vec<&str> = by_priority["items"].as_array().unwrap().iter().map(|t| t["priority"].as_str().unwrap()).collect();
        assert_eq!(order, ["urgent", "high", "normal", "low"]);
        // Two at a time, following the cursor, sees every ticket once.
        let mut seen = Vec::new();
        let mut path = "/api/v1/tickets?limit=2&sort=created".to_owned();
        loop {
            let (status, page) = agent.get(&path).await;
            assert_eq!(status, StatusCode::OK);
            seen.extend(page["items"].as_array().unwrap().iter().map(|t| t["number"].as_i64().unwrap()));
            match page["next_cursor"].as_str() {
                Some(cursor) => path = format!("/api/v1/tickets?limit=2&sort=created&cursor={cursor}"),
                None => break,
            }
        }
        let mut expected: Vec<i64> = [&a, &b, &c, &d].iter().map(|t| t["number"].as_i64().unwrap()).collect();
        expected.sort_by(|x, y| y.cmp(x));
        assert_eq!(seen, expected);
    }
}

test_both! {
    async fn tickets_are_found_by_number(db: TestDb) {
        let desk = desk(db).await;
        let created = ticket(&desk.agent, email_ticket("By number", "n@example.com")).await;
        let number = created["number"].as_i64().unwrap();
        for path in [format!("/api/v1/tickets/{number}"), format!("/api/v1/tickets/%23{number}")] {
            let (status, shown) = desk.agent.get(&path).await;
            assert_eq!((status, shown["id"].clone()), (StatusCode::OK, created["id"].clone()), "{path}");
        }
        assert_eq!(desk.agent.get("/api/v1/tickets/999999").await.0, StatusCode::NOT_FOUND);
    }
}

test_both! {
    async fn simultaneous_tickets_from_a_new_customer_create_the_customer_once(db: TestDb) {
        let desk = desk(db).await;
        let creations = (0..8).map(|i| {
            let agent = desk.agent.clone();
            tokio::spawn(async move {
                agent.post("/api/v1/tickets", &email_ticket(&format!("Burst {i}"), "burst@example.com")).await
            })
        });
        let mut requesters = Vec::new();
        for creation in creations {
            let (status, body) = creation.await.unwrap();
            assert_eq!(status, StatusCode::CREATED, "{body}");
            requesters.push(body["requester"]["id"].as_str().unwrap().to_owned());
        }
        requesters.dedup();
        assert_eq!(requesters.len(), 1, "one customer: {requesters:?}");
        let (_, found) = desk.agent.get("/api/v1/customers?email=burst@example.com").await;
        assert_eq!(found["items"].as_array().unwrap().len(), 1);
    }
}

test_both! {
    async fn simultaneous_changes_to_one_ticket_all_apply(db: TestDb) {
        let desk = desk(db).await;
        let created = ticket(&desk.agent, email_ticket("Busy ticket", "busy@example.com")).await;
        let id = created["id"].as_str().unwrap().to_owned();
        let tags = ["a1", "b2", "c3", "d4", "e5", "f6"];
        let changes = tags.iter().map(|tag| {
            let agent = desk.agent.clone();
            let path = format!("/api/v1/tickets/{id}");
            let tag = tag.to_string();
            tokio::spawn(async move { agent.patch(&path, &json!({"add_tags": [tag]})).await.0 })
        });
        for change in changes {
            assert_eq!(change.await.unwrap(), StatusCode::OK);
        }
        let (_, shown) = desk.agent.get(&format!("/api/v1/tickets/{id}")).await;
        assert_eq!(shown["tags"], json!(tags), "no change overwrote another");
    }
}
