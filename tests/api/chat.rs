//! Live chat over HTTP: admins set up widgets and chat settings, the widget gets a visitor
//! session cross-origin from its own websites only, agents get single-use socket tickets.

use kefu_testkit::test_both;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::desk;

const SHOP: &str = "https://shop.example.com";

test_both! {
    async fn admins_set_up_a_widget_and_its_websites_get_visitor_sessions(db: TestDb) {
        let desk = desk(db).await;
        let team = desk.team.clone();
        let (status, problem) = desk.admin.post("/api/v1/widgets", &json!({
            "name": "Shop", "origins": ["shop.example.com"], "after_sale_team_id": team,
        })).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_widget")));
        let (status, problem) = desk.admin.post("/api/v1/widgets", &json!({
            "name": "Shop", "origins": [SHOP], "after_sale_team_id": "0193b8c0-0000-7000-8000-000000000000",
        })).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_team")));
        let (status, widget) = desk.admin.post("/api/v1/widgets", &json!({
            "name": "Shop", "origins": ["https://Shop.Example.com/"], "colour": "#C2410C",
            "after_sale_team_id": team, "greeting_zh": "您好！",
        })).await;
        assert_eq!(status, StatusCode::CREATED, "{widget}");
        assert_eq!(widget["origins"], json!([SHOP]));
        assert_eq!(widget["colour"], "#c2410c");
        let id = widget["id"].as_str().unwrap().to_owned();
        assert!(widget["snippet"].as_str().unwrap().contains(&format!("data-kefu-widget=\"{id}\"")));

        let path = format!("/api/v1/widgets/{id}/visitor-sessions");
        let anonymous = desk.app.anonymous();
        let key = "k".repeat(43);
        let request = anonymous.request(Method::POST, &path).header("Origin", SHOP).json(&json!({"key": key}));
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()["access-control-allow-origin"], SHOP);
        let session: serde_json::Value = response.json().await.unwrap();
        assert!(session["token"].as_str().unwrap().starts_with("v1."));
        assert_eq!(session["widget"]["stages"], json!(["after_sale"]));
        assert_eq!(session["widget"]["open_stages"], json!([]), "no agent is connected");
        assert_eq!(session["widget"]["greeting_zh"], "您好！");
        assert!(session["socket_url"].as_str().unwrap().starts_with("ws"));

        let evil = anonymous.request(Method::POST, &path).header("Origin", "https://evil.example.net").json(&json!({"key": key}));
        let response = evil.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(response.headers().get("access-control-allow-origin").is_none());
        let preflight = anonymous.request(Method::OPTIONS, &path).header("Origin", SHOP).send().await.unwrap();
        assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
        assert_eq!(preflight.headers()["access-control-allow-origin"], SHOP);
        let preflight = anonymous.request(Method::OPTIONS, &path).header("Origin", "https://evil.example.net").send().await.unwrap();
        assert_eq!(preflight.status(), StatusCode::NOT_FOUND);
        let short = anonymous.request(Method::POST, &path).header("Origin", SHOP).json(&json!({"key": "short"}));
        let (status, problem) = anonymous.send(short).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_visitor_key")));

        let (_, audit) = desk.admin.get("/api/v1/audit").await;
        assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "widget_created"), "{audit}");
    }
}

test_both! {
    async fn chat_settings_are_checked_and_agents_get_single_use_socket_tickets(db: TestDb) {
        let desk = desk(db).await;
        let path = format!("/api/v1/teams/{}/chat-settings", desk.team);
        let (status, defaults) = desk.agent.get(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((defaults["open"].as_bool(), defaults["capacity"].as_u64(), defaults["grace_seconds"].as_u64()), (Some(true), Some(3), Some(60)));
        let put = |body: serde_json::Value| desk.admin.request(Method::PUT, &path).json(&body);
        let (status, problem) = desk.admin.send(put(json!({"open": true, "capacity": 0, "grace_seconds": 60}))).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_chat_setting")));
        let (status, saved) = desk.admin.send(put(json!({
            "open": false, "capacity": 5, "grace_seconds": 120, "offline_en": "Back at 9", "offline_zh": "九点回来",
        }))).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        let (_, read) = desk.agent.get(&path).await;
        assert_eq!(read, saved);
        assert_eq!(read["offline_zh"], "九点回来");

        let (status, ticket) = desk.agent.post("/api/v1/chat/socket-tickets", &json!(null)).await;
        assert_eq!(status, StatusCode::CREATED, "{ticket}");
        assert!(ticket["token"].as_str().unwrap().starts_with("a1."));
    }
}
