//! Macros and canned replies over HTTP, on both backends: personal and shared, found by `/`,
//! applied with their changes and their reply in the customer's language.

use kefu_domain::role::Role;
use kefu_testkit::test_both;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{desk, ticket};

test_both! {
    async fn agents_keep_macros_and_apply_them_in_the_customers_language(db: TestDb) {
        let desk = desk(db).await;
        let (_, other) = desk.app.user(Role::Agent, "other@example.com").await;
        let refund = json!({
            "title": "Refund sent", "shortcut": "/Refund",
            "text_en": "Hello {{customer.name}}, the refund for {{ticket.number}} is on its way. — {{agent.name}}",
            "text_zh": "{{customer.name}}您好，工单 {{ticket.number}} 的退款已发出。——{{agent.name}}",
            "changes": {"status": "pending", "assign": "me", "add_tags": ["refund"]},
        });
        let (status, mine) = desk.agent.post("/api/v1/macros", &refund).await;
        assert_eq!(status, StatusCode::CREATED, "{mine}");
        assert_eq!(mine["shortcut"], "refund");
        assert_eq!(mine["shared"], false);
        let id = mine["id"].as_str().unwrap();

        // Personal macros are their owner's alone.
        let (_, theirs) = other.get("/api/v1/macros").await;
        assert!(theirs["items"].as_array().unwrap().is_empty(), "{theirs}");
        let (status, _) = other.get(&format!("/api/v1/macros/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // Sharing is for admins.
        let mut shared = refund.clone();
        shared["shared"] = json!(true);
        let (status, _) = desk.agent.post("/api/v1/macros", &shared).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let greeting = json!({"title": "Greeting", "shortcut": "hi", "shared": true,
            "text_en": "Hi {{customer.name}}, thanks for writing.", "text_zh": "{{customer.name}}您好，感谢来信。"});
        let (status, greeting) = desk.admin.post("/api/v1/macros", &greeting).await;
        assert_eq!(status, StatusCode::CREATED, "{greeting}");
        let (_, theirs) = other.get("/api/v1/macros").await;
        assert_eq!(theirs["items"][0]["title"], "Greeting");
        assert_eq!(theirs["items"][0]["editable"], false);
        let (status, _) = other.put(&format!("/api/v1/macros/{}", greeting["id"].as_str().unwrap()), &json!({"title": "Mine now", "text_en": "x"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "agents cannot change shared macros");

        // A bad placeholder is refused, naming the good ones.
        let (status, problem) = desk.agent.post("/api/v1/macros", &json!({"title": "Bad", "text_en": "Hi {{customer.phone}}"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["code"], "invalid_macro");
        assert!(problem["detail"].as_str().unwrap().contains("{{customer.name}}"), "{problem}");

        // Typing `/ref` finds it.
        let (_, found) = desk.agent.get("/api/v1/macros?q=/ref").await;
        assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");

        // Applied to a Chinese customer's ticket: changes made, the reply in Chinese.
        let t = ticket(&desk.agent, json!({"subject": "退款申请", "channel": "email",
            "requester": {"name": "王芳", "email": "wang.fang@example.com"}, "message": {"body": "请退款"}})).await;
        let (status, applied) = desk.agent.post(&format!("/api/v1/tickets/{}/macros/{id}", t["number"]), &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{applied}");
        assert_eq!(applied["locale"], "zh-CN");
        assert_eq!(applied["text"], format!("王芳您好，工单 #{} 的退款已发出。——{}", t["number"], desk.agent_user.name));
        assert_eq!(applied["ticket"]["status"], "pending");
        assert_eq!(applied["ticket"]["tags"], json!(["refund"]));
        assert_eq!(applied["ticket"]["assignee"]["id"], desk.agent_user.id.to_string());
        let (_, timeline) = desk.agent.get(&format!("/api/v1/tickets/{}/messages", t["id"].as_str().unwrap())).await;
        assert!(timeline["items"].as_array().unwrap().iter().any(|m| m["kind"] == "event"), "the changes are on the timeline");

        // An English one gets the English text; the most used macro comes first.
        let t = ticket(&desk.agent, json!({"subject": "Refund please", "channel": "email",
            "requester": {"name": "Ana Lima", "email": "ana@example.com"}, "message": {"body": "Refund"}})).await;
        let (_, applied) = desk.agent.post(&format!("/api/v1/tickets/{}/macros/{id}", t["id"].as_str().unwrap()), &json!({})).await;
        assert_eq!(applied["locale"], "en");
        assert!(applied["text"].as_str().unwrap().starts_with("Hello Ana Lima, the refund for #"), "{applied}");
        let (_, list) = desk.agent.get("/api/v1/macros").await;
        assert_eq!(list["items"][0]["id"], id, "{list}");
        assert_eq!(list["items"][0]["uses"], 2);

        // Nobody else applies someone's personal macro; the owner removes it.
        let (status, _) = other.post(&format!("/api/v1/tickets/{}/macros/{id}", t["id"].as_str().unwrap()), &json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = desk.agent.delete(&format!("/api/v1/macros/{id}")).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, audit) = desk.admin.get("/api/v1/audit").await;
        assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "macro_created"), "shared macros are audited");
    }
}
