//! The phone region and teams' own lines: national numbers are read in the business's region
//! and shown the way people there write them; an agent's reply takes an unassigned ticket.

use kefu_domain::role::Role;
use kefu_testkit::test_both;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{desk, email_ticket, ticket};

test_both! {
    async fn national_numbers_are_read_and_shown_in_the_region_admins_choose(db: TestDb) {
        let desk = desk(db).await;
        let call = json!({"subject": "Delivery date", "channel": "phone", "call": {"direction": "inbound", "from": "138 0013 8000", "to": "021 5555 0100", "duration_seconds": 60, "outcome": "answered"}});
        let (status, problem) = desk.agent.post("/api/v1/tickets", &call).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_phone")), "no region yet");
        assert_eq!(desk.agent.patch("/api/v1/settings", &json!({"phone_region": "CN"})).await.0, StatusCode::FORBIDDEN);
        let (status, settings) = desk.admin.patch("/api/v1/settings", &json!({"phone_region": "cn"})).await;
        assert_eq!((status, settings["phone_region"].as_str()), (StatusCode::OK, Some("CN")), "{settings}");
        let (status, problem) = desk.admin.patch("/api/v1/settings", &json!({"phone_region": "XX"})).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_region")));
        assert_eq!(desk.agent.get("/api/v1/settings").await.1["phone_region"], "CN");

        let created = ticket(&desk.agent, call).await;
        assert_eq!(created["requester"]["phone"], "+8613800138000");
        assert_eq!(created["requester"]["phone_display"], "138 0013 8000", "national format at home");
        let (_, timeline) = desk.agent.get(&format!("/api/v1/tickets/{}/messages", created["id"].as_str().unwrap())).await;
        let logged = timeline["items"].as_array().unwrap().iter().find(|m| m["kind"] == "call").unwrap().clone();
        assert_eq!((logged["call"]["from"].as_str(), logged["call"]["to_display"].as_str()), (Some("+8613800138000"), Some("021 5555 0100")));
        let (_, found) = desk.agent.get("/api/v1/customers?phone=13800138000").await;
        assert_eq!(found["items"][0]["phones_display"], json!(["138 0013 8000"]));
        // A number from elsewhere is shown internationally.
        let (_, abroad) = desk.agent.post("/api/v1/tickets", &json!({"subject": "From the US", "channel": "email", "requester": {"email": "us@example.com", "phone": "+1 415 555 0132"}})).await;
        assert_eq!(abroad["requester"]["phone_display"], "+1 415-555-0132");

        // A team's own line is read in the region too, and the audit log says who changed what.
        let (status, team) = desk.admin.patch(&format!("/api/v1/teams/{}", desk.team), &json!({"phone_line": "021 5555 0101"})).await;
        assert_eq!(status, StatusCode::OK, "{team}");
        assert_eq!((team["phone_line"].as_str(), team["phone_line_display"].as_str()), (Some("+862155550101"), Some("021 5555 0101")));
        // Clearing the region means "none", even over a configured default.
        let (_, cleared) = desk.admin.patch("/api/v1/settings", &json!({"phone_region": null})).await;
        assert!(cleared["phone_region"].is_null(), "{cleared}");
        desk.admin.patch("/api/v1/settings", &json!({"phone_region": "CN"})).await;
        let (_, log) = desk.admin.get("/api/v1/audit").await;
        assert!(log["items"].as_array().unwrap().iter().any(|e| e["action"] == "settings_changed" && e["detail"]["phone_region"]["to"] == "CN"), "{log}");
    }
}

test_both! {
    async fn an_agents_public_reply_takes_an_unassigned_ticket_unless_the_team_says_no(db: TestDb) {
        let desk = desk(db).await;
        let loose = ticket(&desk.agent, email_ticket("Nobody's yet", "a@example.com")).await;
        let id = loose["id"].as_str().unwrap();
        let (status, _) = desk.agent.post(&format!("/api/v1/tickets/{id}/messages"), &json!({"body": "Internal first", "visibility": "internal"})).await;
        assert_eq!(status, StatusCode::CREATED);
        assert!(desk.agent.get(&format!("/api/v1/tickets/{id}")).await.1.get("assignee").is_none(), "a note does not assign");
        desk.agent.post(&format!("/api/v1/tickets/{id}/messages"), &json!({"body": "I will look into it."})).await;
        let (_, taken) = desk.agent.get(&format!("/api/v1/tickets/{id}")).await;
        assert_eq!((taken["assignee"]["id"].clone(), taken["status"].as_str()), (json!(desk.agent_user.id), Some("open")));

        let (status, team) = desk.admin.patch(&format!("/api/v1/teams/{}", desk.team), &json!({"assign_on_reply": false})).await;
        assert_eq!((status, team["assign_on_reply"].clone()), (StatusCode::OK, json!(false)));
        let mut body = email_ticket("Team queue", "b@example.com");
        body["team_id"] = json!(desk.team);
        let queued = ticket(&desk.agent, body).await;
        let qid = queued["id"].as_str().unwrap();
        desk.agent.post(&format!("/api/v1/tickets/{qid}/messages"), &json!({"body": "Answering for the team."})).await;
        assert!(desk.agent.get(&format!("/api/v1/tickets/{qid}")).await.1.get("assignee").is_none(), "the team keeps it in the queue");
        // A customer's reply never assigns.
        let (_, customer) = desk.app.user(Role::Customer, "c@example.com").await;
        let (_, own) = customer.post("/api/v1/tickets", &json!({"subject": "Mine", "channel": "web", "message": {"body": "Hi"}})).await;
        customer.post(&format!("/api/v1/tickets/{}/messages", own["id"].as_str().unwrap()), &json!({"body": "Hello?"})).await;
        assert!(desk.agent.get(&format!("/api/v1/tickets/{}", own["id"].as_str().unwrap())).await.1.get("assignee").is_none());
    }
}
