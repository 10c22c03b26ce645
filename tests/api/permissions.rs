//! Who may do what, as a matrix: every role against every ticket endpoint.

use kefu_domain::role::Role;
use kefu_testkit::{TestClient, test_both};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{desk, ticket};

struct Cast {
    admin: TestClient,
    agent: TestClient,
    vendor: TestClient,
    requester: TestClient,
    other_customer: TestClient,
    anonymous: TestClient,
}

test_both! {
    async fn every_role_against_every_ticket_endpoint(db: TestDb) {
        let desk = desk(db).await;
        let (_, vendor) = desk.app.user(Role::Vendor, "vendor@example.com").await;
        let (requester_user, requester) = desk.app.user(Role::Customer, "li@example.com").await;
        let (_, other_customer) = desk.app.user(Role::Customer, "wang@example.com").await;
        let cast = Cast {
            admin: desk.admin.clone(),
            agent: desk.agent.clone(),
            vendor,
            requester,
            other_customer,
            anonymous: desk.app.anonymous(),
        };
        // The agent opens a ticket for the customer who has a login; it has a note and a call.
        let created = ticket(&cast.agent, json!({
            "subject": "Warranty claim", "channel": "email", "stage": "after_sale",
            "requester": {"email": "li@example.com"},
            "message": {"body": "My screen is cracked."},
        })).await;
        assert_eq!(created["requester"]["email"], requester_user.email);
        let id = created["id"].as_str().unwrap().to_owned();
        let note = cast.agent.post(&format!("/api/v1/tickets/{id}/messages"), &json!({"body": "Secret: vendor is slow", "visibility": "internal"})).await;
        assert_eq!(note.0, StatusCode::CREATED);
        let ticket_path = format!("/api/v1/tickets/{id}");
        let messages_path = format!("{ticket_path}/messages");
        let calls_path = format!("{ticket_path}/calls");
        let a_call = json!({"direction": "outbound", "from": "+862155550100", "to": "+8613800138000", "duration_seconds": 60, "outcome": "answered"});
        use StatusCode as S;
        type Case<'a> = (&'a str, &'a TestClient, S);
        let views: Vec<Case> = vec![
            ("admin", &cast.admin, S::OK),
            ("agent", &cast.agent, S::OK),
            ("vendor", &cast.vendor, S::NOT_FOUND),
            ("requester", &cast.requester, S::OK),
            ("other customer", &cast.other_customer, S::NOT_FOUND),
            ("anonymous", &cast.anonymous, S::UNAUTHORIZED),
        ];
        for (who, client, expected) in &views {
            assert_eq!(client.get(&ticket_path).await.0, *expected, "{who} GET ticket");
            assert_eq!(client.get(&messages_path).await.0, *expected, "{who} GET timeline");
        }
        // The requester sees the public reply only, never the note.
        let (_, timeline) = cast.requester.get(&messages_path).await;
        let bodies: Vec<&str> = timeline["items"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
        assert_eq!(bodies, ["My screen is cracked."]);
        let public = json!({"body": "Any news?"});
        let internal = json!({"body": "psst", "visibility": "internal"});
        let posts: Vec<(&str, &TestClient, &serde_json::Value, S)> = vec![
            ("agent public", &cast.agent, &public, S::CREATED),
            ("agent internal", &cast.agent, &internal, S::CREATED),
            ("requester public", &cast.requester, &public, S::CREATED),
            ("requester internal", &cast.requester, &internal, S::FORBIDDEN),
            ("vendor public", &cast.vendor, &public, S::NOT_FOUND),
            ("other customer public", &cast.other_customer, &public, S::NOT_FOUND),
            ("anonymous public", &cast.anonymous, &public, S::UNAUTHORIZED),
        ];
        for (who, client, body, expected) in posts {
            assert_eq!(client.post(&messages_path, body).await.0, expected, "{who} POST message");
        }
        let patches: Vec<(&str, &TestClient, serde_json::Value, S)> = vec![
            ("requester triage", &cast.requester, json!({"priority": "urgent"}), S::FORBIDDEN),
            ("requester assigns", &cast.requester, json!({"assignee_id": null}), S::FORBIDDEN),
            ("vendor", &cast.vendor, json!({"status": "solved"}), S::NOT_FOUND),
            ("other customer", &cast.other_customer, json!({"status": "solved"}), S::NOT_FOUND),
            ("anonymous", &cast.anonymous, json!({"status": "solved"}), S::UNAUTHORIZED),
            ("agent triage", &cast.agent, json!({"priority": "high"}), S::OK),
            ("requester pends", &cast.requester, json!({"status": "pending"}), S::FORBIDDEN),
            ("requester solves", &cast.requester, json!({"status": "solved"}), S::OK),
        ];
        for (who, client, body, expected) in patches {
            assert_eq!(client.patch(&ticket_path, &body).await.0, expected, "{who} PATCH");
        }
        // The requester's reply reopens their solved ticket.
        let (status, _) = cast.requester.post(&messages_path, &json!({"body": "Still broken"})).await;
        assert_eq!(status, S::CREATED);
        assert_eq!(cast.agent.get(&ticket_path).await.1["status"], "open");
        let calls: Vec<Case> = vec![
            ("agent", &cast.agent, S::CREATED),
            ("requester", &cast.requester, S::FORBIDDEN),
            ("vendor", &cast.vendor, S::FORBIDDEN),
            ("anonymous", &cast.anonymous, S::UNAUTHORIZED),
        ];
        for (who, client, expected) in calls {
            assert_eq!(client.post(&calls_path, &a_call).await.0, expected, "{who} POST call");
        }
        // Lists: customers see only their own tickets; vendors none.
        assert_eq!(cast.requester.get("/api/v1/tickets").await.1["items"].as_array().unwrap().len(), 1);
        assert_eq!(cast.other_customer.get("/api/v1/tickets").await.1["items"].as_array().unwrap().len(), 0);
        assert_eq!(cast.other_customer.get(&format!("/api/v1/tickets?requester={}", created["requester"]["id"].as_str().unwrap())).await.1["items"].as_array().unwrap().len(), 0);
        assert_eq!(cast.vendor.get("/api/v1/tickets").await.0, S::FORBIDDEN);
        // A customer searching does not find words from internal notes.
        assert_eq!(cast.requester.get("/api/v1/tickets?q=secret").await.1["items"].as_array().unwrap().len(), 0);
        assert_eq!(cast.agent.get("/api/v1/tickets?q=secret").await.1["items"].as_array().unwrap().len(), 1);
        // Customers open web tickets for themselves only.
        let own = json!({"subject": "New question", "channel": "web", "message": {"body": "Hello"}});
        let (status, mine) = cast.requester.post("/api/v1/tickets", &own).await;
        assert_eq!(status, S::CREATED, "{mine}");
        assert_eq!(mine["requester"]["email"], "li@example.com");
        let (status, _) = cast.requester.post("/api/v1/tickets", &json!({"subject": "x", "channel": "email", "message": {"body": "x"}})).await;
        assert_eq!(status, S::FORBIDDEN);
        let (status, _) = cast.requester.post("/api/v1/tickets", &json!({"subject": "x", "channel": "web", "message": {"body": "x"}, "requester": {"email": "wang@example.com"}})).await;
        assert_eq!(status, S::FORBIDDEN);
        assert_eq!(cast.vendor.post("/api/v1/tickets", &own).await.0, S::FORBIDDEN);
        assert_eq!(cast.anonymous.post("/api/v1/tickets", &own).await.0, S::UNAUTHORIZED);
    }
}

test_both! {
    async fn only_admins_manage_users_and_teams(db: TestDb) {
        let desk = desk(db).await;
        let (_, customer) = desk.app.user(Role::Customer, "c@example.com").await;
        let (_, vendor) = desk.app.user(Role::Vendor, "v@example.com").await;
        let new_user = json!({"email": "new@example.com", "name": "New", "role": "agent", "password": "long-enough-1"});
        let new_team = json!({"name": "Returns"});
        for (who, client) in [("agent", &desk.agent), ("customer", &customer), ("vendor", &vendor)] {
            assert_eq!(client.post("/api/v1/users", &new_user).await.0, StatusCode::FORBIDDEN, "{who}");
            assert_eq!(client.post("/api/v1/teams", &new_team).await.0, StatusCode::FORBIDDEN, "{who}");
        }
        for (who, client) in [("customer", &customer), ("vendor", &vendor)] {
            assert_eq!(client.get("/api/v1/teams").await.0, StatusCode::FORBIDDEN, "{who}");
            assert_eq!(client.get("/api/v1/users").await.0, StatusCode::FORBIDDEN, "{who}");
            assert_eq!(client.get("/api/v1/customers?q=a").await.0, StatusCode::FORBIDDEN, "{who}");
        }
        // Agents list their colleagues, not customers.
        let (status, staff) = desk.agent.get("/api/v1/users").await;
        assert_eq!(status, StatusCode::OK);
        assert!(staff["items"].as_array().unwrap().iter().all(|u| u["role"] == "admin" || u["role"] == "agent"));
        assert_eq!(desk.agent.get("/api/v1/users?role=customer").await.0, StatusCode::FORBIDDEN);
        let (status, created) = desk.admin.post("/api/v1/users", &new_user).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(desk.admin.post("/api/v1/users", &new_user).await.1["code"], "email_taken");
        desk.app.login("new@example.com", "long-enough-1").await;
        let (status, team) = desk.admin.post("/api/v1/teams", &json!({"name": "Returns", "members": [created["id"]]})).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(team["members"][0]["name"], "New");
        assert_eq!(desk.admin.post("/api/v1/teams", &json!({"name": "returns"})).await.1["code"], "team_name_taken");
        // The last admin cannot be demoted.
        let (_, me) = desk.admin.get("/api/v1/me").await;
        let (status, problem) = desk.admin.patch(&format!("/api/v1/users/{}", me["user"]["id"].as_str().unwrap()), &json!({"role": "agent"})).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("last_admin")));
    }
}
