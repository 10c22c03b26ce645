//! Bad input gets the exact 4xx problem its field gives, changes nothing, and never a 500.

use kefu_testkit::test_both;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{desk, email_ticket, ticket, ticket_count};

test_both! {
    async fn bad_requests_get_problems_and_change_nothing(db: TestDb) {
        let desk = desk(db).await;
        let existing = ticket(&desk.agent, email_ticket("Existing", "e@example.com")).await;
        let id = existing["id"].as_str().unwrap();
        let before = ticket_count(&desk).await;
        let raw = |body: &'static str, content_type: &'static str| {
            desk.agent
                .request(reqwest::Method::POST, "/api/v1/tickets")
                .header("content-type", content_type)
                .body(body)
        };
        let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode, &str)> = vec![
            ("malformed JSON", raw("{\"subject\": ", "application/json"), StatusCode::BAD_REQUEST, "invalid_body"),
            ("not JSON", raw("subject=x", "application/x-www-form-urlencoded"), StatusCode::BAD_REQUEST, "invalid_content_type"),
            ("an array, not an object", raw(r#"["x", "web", {"email": "a@example.com"}]"#, "application/json"), StatusCode::BAD_REQUEST, "invalid_body"),
            ("an array inside a body", desk.agent.request(reqwest::Method::POST, "/api/v1/tickets").json(&json!({"subject": "x", "channel": "web", "requester": ["Ann", "a@example.com"]})), StatusCode::BAD_REQUEST, "invalid_body"),
            ("an array as a bulk change", desk.agent.request(reqwest::Method::POST, "/api/v1/tickets/bulk").json(&json!({"ids": [id], "changes": ["solved"]})), StatusCode::BAD_REQUEST, "invalid_body"),
            ("an array to change a ticket", desk.agent.request(reqwest::Method::PATCH, &format!("/api/v1/tickets/{id}")).json(&json!(["solved"])), StatusCode::BAD_REQUEST, "invalid_body"),
            ("unknown field", desk.agent.request(reqwest::Method::POST, "/api/v1/tickets").json(&json!({"subject": "x", "channel": "web", "colour": "red"})), StatusCode::BAD_REQUEST, "invalid_body"),
            ("bad enum", desk.agent.request(reqwest::Method::POST, "/api/v1/tickets").json(&json!({"subject": "x", "channel": "fax"})), StatusCode::BAD_REQUEST, "invalid_body"),
            ("wrong type", desk.agent.request(reqwest::Method::POST, "/api/v1/tickets").json(&json!({"subject": 42, "channel": "web"})), StatusCode::BAD_REQUEST, "invalid_body"),
            ("empty subject", desk.agent.request(reqwest::Method::POST, "/api/v1/tickets").json(&json!({"subject": "  ", "channel": "web", "requester": {"email": "a@example.com"}})), StatusCode::UNPROCESSABLE_ENTITY, "invalid_text"),
            ("bad email", desk.agent.request(reqwest::Method::POST, "/api/v1/tickets").json(&json!({"subject": "x", "channel": "web", "requester": {"email": "not-an-address"}})), StatusCode::UNPROCESSABLE_ENTITY, "invalid_email"),
            ("bad tag", desk.agent.request(reqwest::Method::POST, "/api/v1/tickets").json(&json!({"subject": "x", "channel": "web", "tags": ["two words"], "requester": {"email": "a@example.com"}})), StatusCode::UNPROCESSABLE_ENTITY, "invalid_tag"),
            ("no such team", desk.agent.request(reqwest::Method::POST, "/api/v1/tickets").json(&json!({"subject": "x", "channel": "web", "team_id": "01900000-0000-7000-8000-000000000000", "requester": {"email": "a@example.com"}})), StatusCode::UNPROCESSABLE_ENTITY, "invalid_team"),
            ("oversize body", desk.agent.request(reqwest::Method::POST, "/api/v1/tickets").json(&json!({"subject": "x", "channel": "web", "message": {"body": "x".repeat(2 * 1024 * 1024)}})), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ("long body", desk.agent.request(reqwest::Method::POST, "/api/v1/tickets").json(&json!({"subject": "x", "channel": "web", "requester": {"email": "a@example.com"}, "message": {"body": "字".repeat(70_000)}})), StatusCode::UNPROCESSABLE_ENTITY, "invalid_text"),
            ("bad status value", desk.agent.request(reqwest::Method::PATCH, &format!("/api/v1/tickets/{id}")).json(&json!({"status": "done"})), StatusCode::BAD_REQUEST, "invalid_body"),
            ("bad filter", desk.agent.request(reqwest::Method::GET, "/api/v1/tickets?status=done"), StatusCode::BAD_REQUEST, "invalid_query"),
            ("unknown filter", desk.agent.request(reqwest::Method::GET, "/api/v1/tickets?colour=red"), StatusCode::BAD_REQUEST, "invalid_query"),
            ("bad cursor", desk.agent.request(reqwest::Method::GET, "/api/v1/tickets?cursor=garbage"), StatusCode::BAD_REQUEST, "invalid_query"),
            ("cursor of another sort", desk.agent.request(reqwest::Method::GET, "/api/v1/tickets?sort=priority&cursor=eyJzIjoidXBkYXRlZCIsInUiOiIyMDI2LTAxLTAxVDAwOjAwOjAwIiwibiI6MSwiciI6MSwiaSI6IngifQ"), StatusCode::BAD_REQUEST, "invalid_query"),
            ("ancient date", desk.agent.request(reqwest::Method::GET, "/api/v1/tickets?updated_since=-5000-01-01T00:00:00Z"), StatusCode::BAD_REQUEST, "invalid_query"),
            ("huge limit", desk.agent.request(reqwest::Method::GET, "/api/v1/tickets?limit=100000"), StatusCode::BAD_REQUEST, "invalid_query"),
            ("bad ticket id", desk.agent.request(reqwest::Method::GET, "/api/v1/tickets/..%2F..%2Fetc"), StatusCode::NOT_FOUND, "not_found"),
            ("unknown route", desk.agent.request(reqwest::Method::GET, "/api/v1/nothing-here"), StatusCode::NOT_FOUND, "not_found"),
        ];
        for (name, request, status, code) in cases {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), status, "{name}");
            let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(content_type.as_deref(), Some("application/problem+json"), "{name}");
            let problem: serde_json::Value = response.json().await.unwrap();
            assert_eq!(problem["code"], code, "{name}: {problem}");
            assert_eq!(problem["status"], status.as_u16(), "{name}");
            assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()), "{name}");
        }
        assert_eq!(ticket_count(&desk).await, before, "no bad request created a ticket");
        let (_, unchanged) = desk.agent.get(&format!("/api/v1/tickets/{id}")).await;
        assert_eq!(unchanged["status"], "new");
    }
}

test_both! {
    async fn control_characters_and_odd_text_get_exactly_the_answer_their_field_gives(db: TestDb) {
        let desk = desk(db).await;
        let nasty = ["a\u{0}b", "\u{0}", "\u{202e}evil", "🦀".repeat(300).as_str(), "'; DROP TABLE tickets; --", "%00", "\\x00"]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>();
        // What each attempt answers, per kind of text: control characters are refused
        // everywhere, reordering characters in one-line fields, and ordinary punctuation
        // only where the field's own rules say so (tags, phone numbers, locales).
        let control: [(u16, Option<&str>); 16] = [(401, Some("invalid_credentials")), (401, Some("invalid_credentials")), (422, Some("invalid_text")), (422, Some("invalid_text")), (422, Some("invalid_text")), (422, Some("invalid_text")), (200, None), (400, Some("invalid_query")), (422, Some("invalid_text")), (422, Some("invalid_phone")), (404, Some("not_found")), (422, Some("invalid_text")), (422, Some("invalid_text")), (400, Some("invalid_query")), (400, Some("invalid_query")), (400, Some("invalid_query"))];
        let invisible: [(u16, Option<&str>); 16] = [(401, Some("invalid_credentials")), (401, Some("invalid_credentials")), (422, Some("invalid_text")), (422, Some("invalid_tag")), (201, None), (422, Some("invalid_text")), (200, None), (400, Some("invalid_query")), (422, Some("invalid_text")), (422, Some("invalid_phone")), (404, Some("not_found")), (422, Some("invalid_text")), (422, Some("invalid_text")), (400, Some("invalid_query")), (400, Some("invalid_query")), (200, None)];
        let punctuation: [(u16, Option<&str>); 16] = [(401, Some("invalid_credentials")), (401, Some("invalid_credentials")), (422, Some("invalid_phone")), (422, Some("invalid_tag")), (201, None), (422, Some("invalid_tag")), (200, None), (400, Some("invalid_query")), (200, None), (422, Some("invalid_phone")), (404, Some("not_found")), (201, None), (422, Some("invalid_locale")), (400, Some("invalid_query")), (400, Some("invalid_query")), (200, None)];
        let expected = [control, control, invisible, invisible, punctuation, punctuation, punctuation];
        let existing = ticket(&desk.agent, email_ticket("Existing", "e@example.com")).await;
        let id = existing["id"].as_str().unwrap();
        for (text, expected) in nasty.iter().zip(expected) {
            let attempts = [
                desk.app.anonymous().post("/api/v1/auth/login", &json!({"email": text, "password": text})).await,
                desk.app.anonymous().post("/api/v1/auth/login", &json!({"email": format!("{text}@example.com"), "password": "x"})).await,
                desk.agent.post("/api/v1/tickets", &json!({"subject": text, "channel": "web", "requester": {"name": text, "email": "n@example.com", "phone": text}})).await,
                desk.agent.post("/api/v1/tickets", &json!({"subject": "ok", "channel": "web", "tags": [text], "requester": {"email": "n@example.com", "organisation": text}, "message": {"body": text}})).await,
                desk.agent.post(&format!("/api/v1/tickets/{id}/messages"), &json!({"body": text})).await,
                desk.agent.patch(&format!("/api/v1/tickets/{id}"), &json!({"subject": text, "add_tags": [text]})).await,
                desk.agent.get(&format!("/api/v1/tickets?q={}", urlencode(text))).await,
                desk.agent.get(&format!("/api/v1/tickets?tag={}", urlencode(text))).await,
                desk.agent.get(&format!("/api/v1/customers?q={}", urlencode(text))).await,
                desk.agent.get(&format!("/api/v1/customers?phone={}", urlencode(text))).await,
                desk.agent.get(&format!("/api/v1/tickets/{}", urlencode(text))).await,
                desk.admin.post("/api/v1/teams", &json!({"name": text, "description": text})).await,
                desk.admin.patch("/api/v1/me", &json!({"name": text, "locale": text})).await,
                desk.agent.get(&format!("/api/v1/tickets?cursor={}", cursor(&json!({"s": "updated", "u": "2026-01-01T00:00:00", "n": 1, "r": 1, "i": text})))).await,
                desk.agent.get(&format!("/api/v1/tickets/{id}/messages?cursor={}", cursor(&json!({"c": "2026-01-01T00:00:00", "i": text})))).await,
                desk.agent.get(&format!("/api/v1/users?cursor={}", urlencode(&format!("{text}\u{1f}{}", desk.agent_user.id)))).await,
            ];
            for (i, ((status, body), (want, code))) in attempts.into_iter().zip(expected).enumerate() {
                assert_eq!((status.as_u16(), body["code"].as_str()), (want, code), "attempt {i} with {text:?}: {body}");
            }
        }
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A cursor as the server encodes them (base64url JSON), here with arbitrary content.
fn cursor(value: &serde_json::Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}
