//! Searching the queue as agents and customers do: snippets with the words marked, ranking,
//! new messages and subjects found at once, and what customers may search.

use kefu_domain::role::Role;
use kefu_testkit::{TestClient, test_both};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{desk, ticket};

/// The snippet of a search result as text, the marked words in brackets.
fn snippet(item: &Value) -> String {
    item["snippet"]["parts"]
        .as_array()
        .unwrap_or_else(|| panic!("no snippet: {item}"))
        .iter()
        .map(|p| {
            let text = p["text"].as_str().unwrap();
            if p["highlight"] == true {
                format!("[{text}]")
            } else {
                text.to_owned()
            }
        })
        .collect()
}

async fn search(client: &TestClient, query: &str) -> Vec<Value> {
    let (status, list) = client.get(&format!("/api/v1/tickets?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{query}: {list}");
    list["items"].as_array().unwrap().clone()
}

test_both! {
    async fn results_show_where_the_words_are_and_rank_the_best_first(db: TestDb) {
        let desk = desk(db).await;
        let agent = &desk.agent;
        let weak = ticket(agent, json!({
            "subject": "Delivery question", "channel": "email", "requester": {"email": "a@example.com"},
            "message": {"body": "Hello,\n\nthe box came without the warranty card. Could you send one?"},
        })).await;
        let strong = ticket(agent, json!({
            "subject": "Warranty claim for X200", "channel": "chat", "requester": {"email": "b@example.com"},
            "message": {"body": "My X200 stopped charging; is it under warranty?"},
        })).await;
        for i in 0..12 {
            ticket(agent, json!({
                "subject": format!("Question {i}"), "channel": "web", "requester": {"email": "c@example.com"},
                "message": {"body": "How do I reset the router?"},
            })).await;
        }

        let newest = search(agent, "q=warranty&sort=created").await;
        assert_eq!(newest.len(), 2);
        assert_eq!(newest[0]["id"], strong["id"], "newest first");
        assert_eq!(snippet(&newest[1]), "Hello, the box came without the [warranty] card. Could you send one?");
        assert!(newest[1]["snippet"]["message_id"].is_string(), "{}", newest[1]);

        let ranked = search(agent, "q=warranty&sort=relevance").await;
        assert_eq!(ranked[0]["id"], strong["id"], "the subject and the message name it");
        assert_eq!(snippet(&ranked[0]), "My X200 stopped charging; is it under [warranty]?");

        let chinese = ticket(agent, json!({
            "subject": "退货申请", "channel": "chat", "requester": {"email": "d@example.com"},
            "message": {"body": "您好，我想申请退货，谢谢"},
        })).await;
        let found = search(agent, "q=%E7%94%B3%E8%AF%B7%E9%80%80%E8%B4%A7&sort=relevance").await;
        assert_eq!(found.iter().map(|t| t["id"].clone()).collect::<Vec<_>>(), [chinese["id"].clone()], "申请退货");
        assert_eq!(snippet(&found[0]), "您好，我想[申请退货]，谢谢");

        let (status, problem) = agent.get("/api/v1/tickets?sort=relevance").await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_query")));
        let plain = search(agent, "status=open").await;
        assert!(plain.iter().all(|t| t.get("snippet").is_none()), "no snippet without a search");
        let _ = weak;
    }
}

test_both! {
    async fn new_messages_calls_and_subjects_are_found_at_once(db: TestDb) {
        let desk = desk(db).await;
        let agent = &desk.agent;
        let created = ticket(agent, json!({
            "subject": "Printer jam", "channel": "email", "requester": {"email": "p@example.com"},
            "message": {"body": "It jams on page two"},
        })).await;
        let id = created["id"].as_str().unwrap();
        assert!(search(agent, "q=toner").await.is_empty());
        let (status, _) = agent.post(&format!("/api/v1/tickets/{id}/messages"), &json!({"body": "Please replace the toner cartridge"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let found = search(agent, "q=toner").await;
        assert_eq!(found.len(), 1);
        assert_eq!(snippet(&found[0]), "Please replace the [toner] cartridge");
        assert_eq!(search(agent, "q=printer+cartridge").await.len(), 1, "the subject's words with a message's");
        assert_eq!(search(agent, "q=page").await.len(), 1, "earlier messages stay found");

        let (status, _) = agent.patch(&format!("/api/v1/tickets/{id}"), &json!({"subject": "标签打印机卡纸"})).await;
        assert_eq!(status, StatusCode::OK);
        assert!(search(agent, "q=printer").await.is_empty(), "the old subject is gone");
        assert_eq!(search(agent, "q=%E5%8D%A1%E7%BA%B8+toner").await.len(), 1, "卡纸 with a message's word");
        assert_eq!(search(agent, "q=page").await.len(), 1, "messages stay found after the subject changed");
    }
}

test_both! {
    async fn customers_search_only_what_they_may_read(db: TestDb) {
        let desk = desk(db).await;
        let (_, requester) = desk.app.user(Role::Customer, "li@example.com").await;
        let created = ticket(&desk.agent, json!({
            "subject": "Refund request", "channel": "email", "requester": {"email": "li@example.com"},
            "message": {"body": "Please refund my order."},
        })).await;
        let id = created["id"].as_str().unwrap();
        desk.agent.post(&format!("/api/v1/tickets/{id}/messages"), &json!({"body": "Refund refund: finance flagged fraud", "visibility": "internal"})).await;
        let mine = search(&requester, "q=refund&sort=relevance").await;
        assert_eq!(mine.len(), 1);
        assert_eq!(snippet(&mine[0]), "Please [refund] my order.", "never the internal note");
        assert!(search(&requester, "q=fraud").await.is_empty());
        assert!(search(&requester, "q=refund+fraud").await.is_empty(), "subject words do not unlock a note");
        assert_eq!(search(&desk.agent, "q=fraud").await.len(), 1);
    }
}
