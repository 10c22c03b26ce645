//! Routing rules over HTTP, on both backends: tried in order on tickets from the API and from
//! mail, by keyword (Chinese too), mailbox, organisation and language; an agent's own choice
//! wins; "try it" shows what would match; rules are admins' and audited.

use kefu_testkit::{INBOUND_SECRET, test_both};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{desk, ticket};

async fn timeline(client: &kefu_testkit::TestClient, id: &str) -> Vec<Value> {
    let (_, page) = client.get(&format!("/api/v1/tickets/{id}/messages")).await;
    page["items"].as_array().unwrap().clone()
}

test_both! {
    async fn rules_route_new_tickets_in_order_and_say_so_on_the_timeline(db: TestDb) {
        let desk = desk(db).await;
        let (_, refunds) = desk.admin.post("/api/v1/teams", &json!({"name": "Refunds"})).await;
        let refunds = refunds["id"].as_str().unwrap().to_owned();
        let (_, vip) = desk.admin.post("/api/v1/teams", &json!({"name": "Key accounts"})).await;
        let vip = vip["id"].as_str().unwrap().to_owned();

        let rule = |body: Value| {
            let admin = desk.admin.clone();
            async move {
                let (status, created) = admin.post("/api/v1/routing-rules", &body).await;
                assert_eq!(status, StatusCode::CREATED, "{created}");
                created
            }
        };
        rule(json!({"name": "Refunds", "conditions": {"keywords": ["退款", "REFUND"]},
            "actions": {"team_id": refunds, "priority": "high", "tags": ["refund"]}})).await;
        rule(json!({"name": "Chinese speakers", "conditions": {"languages": ["zh-CN"]},
            "actions": {"tags": ["中文"]}})).await;
        let key = rule(json!({"name": "Key accounts", "conditions": {"organisations": ["acme trading"]},
            "actions": {"team_id": vip, "priority": "urgent"}, "stop": true})).await;
        rule(json!({"name": "Never reached after Key accounts", "actions": {"tags": ["late"]}})).await;

        // An agent's phone-free API ticket with no team: the rules decide.
        let t = ticket(&desk.agent, json!({"subject": "申请退款", "channel": "email",
            "requester": {"name": "王芳", "email": "wang.fang@example.com"},
            "message": {"body": "订单 5521 请退款"}})).await;
        assert_eq!(t["team"]["id"], refunds.as_str(), "{t}");
        assert_eq!(t["priority"], "high");
        let tags: Vec<&str> = t["tags"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert!(tags.contains(&"refund") && tags.contains(&"中文") && tags.contains(&"late"), "{tags:?}");
        let entries = timeline(&desk.agent, t["id"].as_str().unwrap()).await;
        let routed = entries.iter().find(|m| m["body"].as_str().unwrap().starts_with("Routed by")).expect("the timeline says which rules");
        assert_eq!(routed["data"]["routing"]["rules"].as_array().unwrap().len(), 3, "{routed}");

        // What the agent chose stays: their team and priority win over the rules.
        let chosen = ticket(&desk.agent, json!({"subject": "Refund please", "channel": "phone", "team_id": desk.team,
            "priority": "low", "call": {"direction": "inbound", "from": "+8613800138000", "to": "+862155550100", "duration_seconds": 60, "outcome": "answered"}})).await;
        assert_eq!(chosen["team"]["id"], desk.team.as_str());
        assert_eq!(chosen["priority"], "low");
        assert!(chosen["tags"].as_array().unwrap().iter().any(|t| t == "refund"), "tags still add up: {chosen}");

        // A key account's mail to the orders mailbox: "stop" ends the run, so no `late` tag.
        let first = ticket(&desk.agent, json!({"subject": "Hello", "channel": "phone", "team_id": desk.team, "priority": "normal",
            "requester": {"name": "Zhao Lei", "organisation": "ACME Trading", "email": "zhao@acme.example"},
            "call": {"direction": "inbound", "from": "+8613800138001", "to": "+862155550100", "duration_seconds": 30, "outcome": "answered"}})).await;
        assert_eq!(first["team"]["id"], desk.team.as_str(), "the agent's choice: {first}");
        let (status, mailbox) = desk.admin.post("/api/v1/mailboxes", &json!({"name": "Orders", "address": "orders@shop.example", "team_id": desk.team, "stage": "in_sale"})).await;
        assert_eq!(status, StatusCode::CREATED, "{mailbox}");
        let raw = "From: Zhao Lei <zhao@acme.example>\r\nTo: orders@shop.example\r\nSubject: Invoice for PO 77\r\nMessage-ID: <po77@acme.example>\r\n\r\nPlease send the invoice.\r\n";
        let anyone = desk.app.anonymous();
        let request = anyone.request(Method::POST, "/api/v1/inbound/email")
            .header("Content-Type", "message/rfc822").bearer_auth(INBOUND_SECRET).body(raw);
        let (status, taken) = anyone.send(request).await;
        assert_eq!(status, StatusCode::OK, "{taken}");
        let (_, mailed) = desk.agent.get(&format!("/api/v1/tickets/{}", taken["ticket_id"].as_str().unwrap())).await;
        assert_eq!(mailed["team"]["id"], vip.as_str(), "{mailed}");
        assert_eq!(mailed["priority"], "urgent");
        assert!(!mailed["tags"].as_array().unwrap().iter().any(|t| t == "late"), "{mailed}");

        // A mailbox condition: only mail to that address.
        let mailbox_id = mailbox["id"].as_str().unwrap();
        let (status, by_mailbox) = desk.admin.put(&format!("/api/v1/routing-rules/{}", key["id"].as_str().unwrap()), &json!({
            "name": "Key accounts", "conditions": {"organisations": ["acme trading"], "mailboxes": [mailbox_id]},
            "actions": {"team_id": vip, "priority": "urgent"}, "stop": true})).await;
        assert_eq!(status, StatusCode::OK, "{by_mailbox}");

        // "Try it" shows the same without opening anything.
        let (status, tried) = desk.agent.post("/api/v1/routing-rules/test", &json!({"stage": "after_sale", "channel": "email", "subject": "Ｒｅｆｕｎｄ needed"})).await;
        assert_eq!(status, StatusCode::OK, "{tried}");
        let names: Vec<&str> = tried["matched"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Refunds", "Never reached after Key accounts"], "full-width letters match: {tried}");
        assert_eq!(tried["result"]["team_id"], refunds.as_str());
        let (_, tried) = desk.agent.post("/api/v1/routing-rules/test", &json!({"stage": "in_sale", "channel": "email", "mailbox_id": mailbox_id, "organisation": "Acme Trading", "subject": "PO"})).await;
        assert_eq!(tried["result"]["team_id"], vip.as_str(), "{tried}");

        // A rule that sets nothing, or names a team that is not there, is refused.
        let (status, problem) = desk.admin.post("/api/v1/routing-rules", &json!({"name": "Empty", "conditions": {"channels": ["chat"]}, "actions": {}})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["code"], "invalid_routing_rule");
        let (status, _) = desk.admin.post("/api/v1/routing-rules", &json!({"name": "Ghost", "actions": {"team_id": "0190b0a4-0000-7000-8000-000000000000"}})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = desk.admin.post("/api/v1/routing-rules", &json!({"name": "Bad language", "conditions": {"languages": ["fr"]}, "actions": {"tags": ["x"]}})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // Agents read the rules; only admins change them, and every change is audited.
        let (_, list) = desk.agent.get("/api/v1/routing-rules").await;
        assert_eq!(list["items"].as_array().unwrap().len(), 4);
        let (status, _) = desk.agent.post("/api/v1/routing-rules", &json!({"name": "Mine", "actions": {"tags": ["x"]}})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = desk.admin.delete(&format!("/api/v1/routing-rules/{}", key["id"].as_str().unwrap())).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, audit) = desk.admin.get("/api/v1/audit?limit=50").await;
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        for action in ["routing_rule_created", "routing_rule_updated", "routing_rule_deleted"] {
            assert!(actions.contains(&action), "{action} in {actions:?}");
        }
    }
}

test_both! {
    async fn admins_set_each_teams_assignment_and_agents_see_its_backlog(db: TestDb) {
        let desk = desk(db).await;
        let body = json!({"mode": "round_robin", "capacities": {"email": 3, "phone": 2, "web": 4, "api": 1}});
        let (status, set) = desk.admin.put(&format!("/api/v1/teams/{}/assignment", desk.team), &body).await;
        assert_eq!(status, StatusCode::OK, "{set}");
        assert_eq!(set["mode"], "round_robin");
        // Nobody is online: the team's new ticket waits, and the list says so.
        ticket(&desk.agent, json!({"subject": "Where is my order?", "channel": "email", "team_id": desk.team,
            "requester": {"name": "Li Lei", "email": "lilei@example.cn"}, "message": {"body": "Order 5521"}})).await;
        let (_, list) = desk.agent.get("/api/v1/team-assignment").await;
        let orders = list["items"].as_array().unwrap().iter().find(|t| t["team_id"] == desk.team.as_str()).unwrap().clone();
        assert_eq!(orders["capacities"]["phone"], 2);
        assert_eq!(orders["waiting"], 1, "{orders}");
        let (status, problem) = desk.admin.put(&format!("/api/v1/teams/{}/assignment", desk.team), &json!({"mode": "round_robin", "capacities": {"email": 501, "phone": 2, "web": 4, "api": 1}})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let (status, _) = desk.admin.put(&format!("/api/v1/teams/{}/assignment", desk.team), &json!({"mode": "lottery", "capacities": {"email": 1, "phone": 2, "web": 4, "api": 1}})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "a mode that does not exist is a body that does not read");
        let (status, _) = desk.admin.put("/api/v1/teams/0190b0a4-0000-7000-8000-000000000000/assignment", &body).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, audit) = desk.admin.get("/api/v1/audit?limit=20").await;
        assert!(audit.to_string().contains("team_assignment_updated"), "{audit}");
    }
}
