//! What the agent console needs from the API: view counts, bulk changes, read marks, and the
//! console itself.

use kefu_testkit::{TestApp, TestDb, test_both};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{desk, email_ticket, ticket};

test_both! {
    async fn views_count_their_tickets_and_say_how_to_list_them(db: TestDb) {
        let desk = desk(db).await;
        for i in 0..3 {
            ticket(&desk.agent, email_ticket(&format!("Unassigned {i}"), "u@example.com")).await;
        }
        let mine = ticket(&desk.agent, email_ticket("Mine", "m@example.com")).await;
        desk.agent.patch(&format!("/api/v1/tickets/{}", mine["id"].as_str().unwrap()), &json!({"assignee_id": desk.agent_user.id, "team_id": desk.team})).await;
        let waiting = ticket(&desk.agent, email_ticket("Waiting", "w@example.com")).await;
        desk.agent.patch(&format!("/api/v1/tickets/{}", waiting["id"].as_str().unwrap()), &json!({"status": "pending"})).await;
        let (status, views) = desk.agent.get("/api/v1/tickets/views").await;
        assert_eq!(status, StatusCode::OK, "{views}");
        assert_eq!(views["cap"], 1000);
        let count = |key: &str| {
            views["items"].as_array().unwrap().iter().find(|v| v["view"] == key).map(|v| (v["count"].as_i64().unwrap(), v["query"].as_str().unwrap().to_owned()))
        };
        assert_eq!(count("mine").unwrap().0, 1);
        assert_eq!(count("unassigned").unwrap().0, 4);
        assert_eq!(count("pending").unwrap().0, 1);
        assert_eq!(count("stage:in_sale").unwrap().0, 5);
        let (team_count, team_query) = count(&format!("team:{}", desk.team)).unwrap();
        assert_eq!(team_count, 1);
        // Each view's query lists exactly the tickets it counts.
        for key in ["mine", "unassigned", "pending", "stage:in_sale"] {
            let (n, query) = count(key).unwrap();
            let (_, list) = desk.agent.get(&format!("/api/v1/tickets?{query}")).await;
            assert_eq!(list["items"].as_array().unwrap().len() as i64, n, "{key}");
        }
        let (_, list) = desk.agent.get(&format!("/api/v1/tickets?{team_query}")).await;
        assert_eq!(list["items"][0]["subject"], "Mine");
        let (_, customer) = desk.app.user(kefu_domain::role::Role::Customer, "c@example.com").await;
        assert_eq!(customer.get("/api/v1/tickets/views").await.0, StatusCode::FORBIDDEN);
    }
}

test_both! {
    async fn bulk_changes_apply_to_each_ticket_and_report_failures(db: TestDb) {
        let desk = desk(db).await;
        let a = ticket(&desk.agent, email_ticket("A", "a@example.com")).await;
        let b = ticket(&desk.agent, email_ticket("B", "b@example.com")).await;
        let c = ticket(&desk.agent, email_ticket("C", "c@example.com")).await;
        let id = |t: &serde_json::Value| t["id"].as_str().unwrap().to_owned();
        // C is closed, so it cannot change.
        for step in ["solved", "closed"] {
            desk.agent.patch(&format!("/api/v1/tickets/{}", id(&c)), &json!({"status": step})).await;
        }
        let (status, result) = desk.agent.post("/api/v1/tickets/bulk", &json!({
            "ids": [id(&a), id(&b), id(&c)],
            "changes": {"assignee_id": desk.agent_user.id, "add_tags": ["VIP"], "status": "pending"},
        })).await;
        assert_eq!(status, StatusCode::OK, "{result}");
        assert_eq!(result["updated"].as_array().unwrap().len(), 2);
        assert_eq!(result["failed"][0]["id"], id(&c));
        assert_eq!(result["failed"][0]["code"], "ticket_closed");
        for t in [&a, &b] {
            let (_, shown) = desk.agent.get(&format!("/api/v1/tickets/{}", id(t))).await;
            assert_eq!((shown["status"].as_str(), shown["tags"].clone()), (Some("pending"), json!(["vip"])));
            assert_eq!(shown["assignee"]["id"], desk.agent_user.id.to_string());
        }
        let (status, problem) = desk.agent.post("/api/v1/tickets/bulk", &json!({"ids": [], "changes": {}})).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_bulk")));
    }
}

test_both! {
    async fn tickets_are_unread_until_opened_and_again_after_others_change_them(db: TestDb) {
        let desk = desk(db).await;
        let created = ticket(&desk.admin, email_ticket("Read marks", "r@example.com")).await;
        let id = created["id"].as_str().unwrap();
        let unread = |list: &serde_json::Value| list["items"][0]["unread"].clone();
        let (_, list) = desk.agent.get("/api/v1/tickets").await;
        assert_eq!(unread(&list), json!(true), "new to the agent");
        let (_, list) = desk.admin.get("/api/v1/tickets").await;
        assert_eq!(unread(&list), json!(false), "the admin made it");
        assert_eq!(desk.agent.post(&format!("/api/v1/tickets/{id}/seen"), &json!({})).await.0, StatusCode::NO_CONTENT);
        let (_, list) = desk.agent.get("/api/v1/tickets").await;
        assert_eq!(unread(&list), json!(false));
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        desk.admin.post(&format!("/api/v1/tickets/{id}/messages"), &json!({"body": "Update"})).await;
        let (_, list) = desk.agent.get("/api/v1/tickets").await;
        assert_eq!(unread(&list), json!(true), "changed by someone else since");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_is_served_at_its_routes_with_a_strict_policy() {
    if kefu_testkit::opted_out("KEFU_TEST_SKIP_CONSOLE", "the served console's test is") {
        return;
    }
    let built = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../web/dist/index.html")
        .exists();
    assert!(
        built,
        "web/dist is not built, so the binary embeds no console: run scripts/build-web first, \
         or opt out with KEFU_TEST_SKIP_CONSOLE=1"
    );
    let app = TestApp::start(TestDb::sqlite().await).await;
    for path in ["/", "/queue?status=open", "/tickets/12", "/admin/users"] {
        let response = reqwest::get(format!("{}{path}", app.base)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache");
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"),
            "{policy}"
        );
        assert!(
            response.text().await.unwrap().contains("<div id=\"app\">"),
            "{path}"
        );
    }
    // API paths never fall through to the console.
    let (status, problem) = app.anonymous().get("/api/v1/nothing").await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, _) = app
        .anonymous()
        .send(app.anonymous().request(reqwest::Method::POST, "/queue"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
