//! Satisfaction surveys over HTTP, on both backends: a solved ticket mails a single-use link;
//! the customer rates from it without signing in, once; a low rating reopens the ticket; the
//! portal rates a customer's own solved ticket; admins set how surveys run.

use kefu_domain::role::Role;
use kefu_testkit::test_both;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{desk, ticket};

/// The survey token in the mail the outbox holds for `ticket`.
async fn survey_token(app: &kefu_testkit::TestApp, ticket: &str) -> String {
    let ticket = ticket.to_owned();
    let payloads: Vec<String> = app
        .app()
        .store
        .read(move |conn| {
            use diesel::prelude::*;
            use kefu_store::schema::outbox;
            outbox::table
                .filter(outbox::ticket_id.eq(ticket))
                .select(outbox::payload)
                .load::<String>(conn)
                .map_err(kefu_store::StoreError::from)
        })
        .await
        .unwrap();
    let text = payloads
        .iter()
        .find(|p| p.contains("/rate/"))
        .expect("a survey mail");
    let at = text.find("/rate/").unwrap() + "/rate/".len();
    text[at..at + 43].to_owned()
}

test_both! {
    async fn a_customer_rates_a_solved_ticket_once_from_the_mailed_link(db: TestDb) {
        let desk = desk(db).await;
        let t = ticket(&desk.agent, json!({"subject": "Blender will not start", "channel": "email",
            "requester": {"name": "Lena Park", "email": "lena@example.com"}, "message": {"body": "It hums."}})).await;
        let id = t["id"].as_str().unwrap();
        let (status, _) = desk.agent.patch(&format!("/api/v1/tickets/{id}"), &json!({"status": "solved"})).await;
        assert_eq!(status, StatusCode::OK);
        let token = survey_token(&desk.app, id).await;
        let anyone = desk.app.anonymous();
        let (status, page) = anyone.get(&format!("/api/v1/surveys/{token}")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["state"], "open");
        assert_eq!(page["ask_expectation"], true);
        assert_eq!(page["subject"], "Blender will not start");

        let (status, problem) = anyone.post(&format!("/api/v1/surveys/{token}"), &json!({"score": 9})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let (status, rated) = anyone.post(&format!("/api/v1/surveys/{token}"),
            &json!({"score": 2, "expectation": "worse", "comment": "Still hums."})).await;
        assert_eq!(status, StatusCode::OK, "{rated}");
        assert_eq!(rated["source"], "email");
        // Single use.
        let (status, again) = anyone.post(&format!("/api/v1/surveys/{token}"), &json!({"score": 5})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{again}");
        assert_eq!(again["code"], "survey_used");
        let (_, page) = anyone.get(&format!("/api/v1/surveys/{token}")).await;
        assert_eq!(page["state"], "used");
        let (status, _) = anyone.get(&format!("/api/v1/surveys/{}", "x".repeat(43))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Low: the ticket is open again, and the timeline says why.
        let (_, shown) = desk.agent.get(&format!("/api/v1/tickets/{id}")).await;
        assert_eq!(shown["status"], "open");
        let (_, timeline) = desk.agent.get(&format!("/api/v1/tickets/{id}/messages")).await;
        assert!(timeline.to_string().contains("Rated 2/5 · worse than expected: “Still hums.”"), "{timeline}");
        let (_, list) = desk.agent.get(&format!("/api/v1/tickets/{id}/ratings")).await;
        assert_eq!(list["items"][0]["score"], 2);
        assert_eq!(list["items"][0]["expectation"], "worse");
    }
}

test_both! {
    async fn customers_rate_their_own_solved_tickets_in_the_portal(db: TestDb) {
        let desk = desk(db).await;
        let (_, customer) = desk.app.user(Role::Customer, "c@example.com").await;
        let (_, other) = desk.app.user(Role::Customer, "d@example.com").await;
        let mine = ticket(&customer, json!({"subject": "Warranty question", "channel": "web", "message": {"body": "Is it covered?"}})).await;
        let number = mine["number"].as_i64().unwrap();
        let (status, problem) = customer.post(&format!("/api/v1/tickets/{number}/rating"), &json!({"score": 5})).await;
        assert_eq!(status, StatusCode::CONFLICT, "not solved yet: {problem}");
        desk.agent.patch(&format!("/api/v1/tickets/{number}"), &json!({"status": "solved"})).await;
        let (status, rated) = customer.post(&format!("/api/v1/tickets/{number}/rating"), &json!({"score": 5, "expectation": "better", "comment": "很好，谢谢"})).await;
        assert_eq!(status, StatusCode::OK, "{rated}");
        assert_eq!(rated["source"], "portal");
        let (status, _) = other.post(&format!("/api/v1/tickets/{number}/rating"), &json!({"score": 1})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "not their ticket");
        let (status, _) = desk.agent.post(&format!("/api/v1/tickets/{number}/rating"), &json!({"score": 1})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "staff do not rate");
        let (_, shown) = desk.agent.get(&format!("/api/v1/tickets/{number}")).await;
        assert_eq!(shown["status"], "solved", "a good rating leaves it solved");

        // Admins set how surveys run; agents read it.
        let (status, settings) = desk.agent.get("/api/v1/survey-settings").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(settings["low_at"], 2);
        let body = json!({"enabled": false, "ask_expectation": false, "low_at": 1, "reopen_low": false, "link_days": 30});
        let (status, _) = desk.agent.put("/api/v1/survey-settings", &body).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, saved) = desk.admin.put("/api/v1/survey-settings", &body).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        let (status, _) = desk.admin.put("/api/v1/survey-settings", &json!({"enabled": true, "ask_expectation": true, "low_at": 5, "reopen_low": true, "link_days": 14})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        // Off: solving mails nothing.
        let t = ticket(&desk.agent, json!({"subject": "Manual", "channel": "email",
            "requester": {"name": "Lena Park", "email": "lena@example.com"}, "message": {"body": "Where?"}})).await;
        desk.agent.patch(&format!("/api/v1/tickets/{}", t["id"].as_str().unwrap()), &json!({"status": "solved"})).await;
        let (_, timeline) = desk.agent.get(&format!("/api/v1/tickets/{}/messages", t["id"].as_str().unwrap())).await;
        assert!(!timeline.to_string().contains("Satisfaction survey mailed"), "{timeline}");
    }
}
