//! What customers may see of their tickets, text that cannot deceive, look-alike addresses,
//! bounded lists, and bodies that must arrive in time.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use kefu_domain::role::Role;
use kefu_testkit::test_both;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{desk, ticket};

test_both! {
    async fn requesters_see_their_ticket_without_internal_fields(db: TestDb) {
        let desk = desk(db).await;
        let (_, requester) = desk.app.user(Role::Customer, "li@example.com").await;
        let created = ticket(&desk.agent, json!({
            "subject": "Refund", "channel": "email", "requester": {"email": "li@example.com"},
            "message": {"body": "Please refund order 301."},
            "team_id": desk.team, "assignee_id": desk.agent_user.id, "priority": "high",
        })).await;
        let id = created["id"].as_str().unwrap();
        desk.agent.patch(&format!("/api/v1/tickets/{id}"), &json!({"tags": ["fraud-risk"]})).await;
        desk.agent.post(&format!("/api/v1/tickets/{id}/messages"), &json!({"body": "We are on it."})).await;
        let (status, seen) = requester.get(&format!("/api/v1/tickets/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        for field in ["tags", "priority", "assignee", "team", "stage", "first_responded_at"] {
            assert!(seen.get(field).is_none(), "a requester must not see {field}: {seen}");
        }
        assert_eq!((seen["subject"].as_str(), seen["status"].as_str()), (Some("Refund"), Some("open")));
        let (_, list) = requester.get("/api/v1/tickets").await;
        assert!(list["items"][0].get("tags").is_none(), "{list}");
        let (_, timeline) = requester.get(&format!("/api/v1/tickets/{id}/messages")).await;
        let reply = timeline["items"].as_array().unwrap().iter().find(|m| m["body"] == "We are on it.").unwrap();
        assert_eq!(reply["author"]["name"], "agent@example.com", "public replies name the agent");
        for filter in ["tag=fraud-risk", "priority=high", "stage=pre_sale", "assignee=me", "sort=priority", &format!("team={}", desk.team)] {
            let (status, problem) = requester.get(&format!("/api/v1/tickets?{filter}")).await;
            assert_eq!((status, problem["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{filter}");
        }
        assert_eq!(requester.get("/api/v1/tickets?status=open&channel=email&q=refund").await.0, StatusCode::OK);
        // Staff still see everything.
        let (_, staff) = desk.agent.get(&format!("/api/v1/tickets/{id}")).await;
        assert_eq!((staff["tags"].clone(), staff["priority"].clone()), (json!(["fraud-risk"]), json!("high")));
    }
}

test_both! {
    async fn subjects_names_and_tags_cannot_hide_or_reorder_text(db: TestDb) {
        let desk = desk(db).await;
        let base = |subject: &str| json!({"subject": subject, "channel": "email", "requester": {"email": "x@example.com"}});
        for subject in ["Refund \u{202e}redro ym rof 0001$\u{202c} please", "\u{202e}\u{200b}", "ad\u{200b}min"] {
            let (status, problem) = desk.agent.post("/api/v1/tickets", &base(subject)).await;
            assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_text")), "{subject:?}: {problem}");
        }
        let (status, problem) = desk.agent.post("/api/v1/tickets", &json!({"subject": "Ok", "channel": "email", "requester": {"email": "x@example.com", "name": "Li\u{2066}Wei"}})).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_text")));
        let created = ticket(&desk.agent, base("Cafe\u{301} order")).await;
        assert_eq!(created["subject"], "Caf\u{e9} order", "stored NFC");
        let id = created["id"].as_str().unwrap();
        let (status, _) = desk.agent.patch(&format!("/api/v1/tickets/{id}"), &json!({"add_tags": ["vip\u{200b}"]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = desk.admin.post("/api/v1/teams", &json!({"name": "Sales\u{202e}"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

test_both! {
    async fn look_alike_addresses_are_the_same_account_or_refused(db: TestDb) {
        let desk = desk(db).await;
        let new_user = |email: &str| json!({"email": email, "name": "Someone", "role": "agent"});
        // The desk's admin is admin@example.com.
        for (email, code) in [
            ("\u{ff41}dmin@example.com", "email_taken"),
            ("ADMIN@example.com", "email_taken"),
            ("\u{430}dmin@example.com", "email_confusable"),
        ] {
            let (status, problem) = desk.admin.post("/api/v1/users", &new_user(email)).await;
            assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some(code)), "{email}: {problem}");
        }
        let (status, problem) = desk.admin.post("/api/v1/users", &new_user("ad\u{200b}min@example.com")).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_email")));
        assert_eq!(desk.admin.post("/api/v1/users", &new_user("jose\u{301}@example.com")).await.0, StatusCode::CREATED);
        let (status, problem) = desk.admin.post("/api/v1/users", &new_user("jos\u{e9}@example.com")).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("email_taken")));
    }
}

test_both! {
    async fn contact_lists_and_team_members_are_bounded(db: TestDb) {
        let desk = desk(db).await;
        let created = ticket(&desk.agent, json!({"subject": "Caller", "channel": "email", "requester": {"email": "many@example.com"}})).await;
        let customer = created["requester"]["id"].as_str().unwrap();
        let phones: Vec<String> = (0..5_000).map(|i| format!("+8613800{i:06}")).collect();
        let (status, problem) = desk.agent.patch(&format!("/api/v1/customers/{customer}"), &json!({"add_phones": phones})).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("too_many")), "{problem}");
        for round in 0..2 {
            let emails: Vec<String> = (0..6).map(|i| format!("r{round}-{i}@example.com")).collect();
            let (status, problem) = desk.agent.patch(&format!("/api/v1/customers/{customer}"), &json!({"add_emails": emails})).await;
            let expected = if round == 0 { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            assert_eq!(status, expected, "round {round}: {problem}");
        }
        let (_, shown) = desk.agent.get(&format!("/api/v1/customers/{customer}")).await;
        assert_eq!(shown["customer"]["emails"].as_array().unwrap().len(), 7, "the refused round changed nothing");
        let members: Vec<String> = (0..201).map(|_| desk.agent_user.id.to_string()).collect();
        let (status, problem) = desk.admin.post("/api/v1/teams", &json!({"name": "Huge", "members": members})).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("too_many")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_body_is_answered_408_in_time() {
    let app = kefu_testkit::TestApp::start_with(
        kefu_testkit::TestDb::sqlite().await,
        kefu_api::ApiConfig {
            workers: Some(1),
            body_timeout_ms: 1_000,
            ..kefu_api::ApiConfig::default()
        },
    )
    .await;
    let address = app.base.trim_start_matches("http://").to_owned();
    let answer = tokio::task::spawn_blocking(move || {
        let mut socket = std::net::TcpStream::connect(address).unwrap();
        socket.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        socket.write_all(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{").unwrap();
        let started = Instant::now();
        let mut reply = String::new();
        let mut buffer = [0u8; 4096];
        let read = socket.read(&mut buffer).unwrap();
        reply.push_str(&String::from_utf8_lossy(&buffer[..read]));
        (started.elapsed(), reply)
    })
    .await
    .unwrap();
    assert!(answer.1.starts_with("HTTP/1.1 408"), "{}", answer.1);
    assert!(answer.1.contains("body_timeout"), "{}", answer.1);
    assert!(
        answer.0 < Duration::from_secs(5),
        "answered after {:?}",
        answer.0
    );
}
