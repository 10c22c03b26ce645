//! Shared set-up: a server with an admin, an agent and a team.

use kefu_api_types::accounts::UserResponse;
use kefu_domain::role::Role;
use kefu_testkit::{TestApp, TestClient, TestDb};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A server with an admin, an agent and the Orders team (the agent a member).
pub struct Desk {
    pub app: TestApp,
    pub admin: TestClient,
    pub agent: TestClient,
    pub agent_user: UserResponse,
    pub team: String,
}

pub async fn desk(db: TestDb) -> Desk {
    let app = TestApp::start(db).await;
    let (_, admin) = app.user(Role::Admin, "admin@example.com").await;
    let (agent_user, agent) = app.user(Role::Agent, "agent@example.com").await;
    let (status, team) = admin
        .post(
            "/api/v1/teams",
            &json!({"name": "Orders", "members": [agent_user.id]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{team}");
    Desk {
        team: team["id"].as_str().unwrap().to_owned(),
        app,
        admin,
        agent,
        agent_user,
    }
}

/// Creates a ticket as `client`, expecting success.
pub async fn ticket(client: &TestClient, body: Value) -> Value {
    let (status, created) = client.post("/api/v1/tickets", &body).await;
    assert_eq!(status, StatusCode::CREATED, "creating {body}: {created}");
    created
}

/// An email ticket for `email` with a first message from the customer.
pub fn email_ticket(subject: &str, email: &str) -> Value {
    json!({
        "subject": subject,
        "channel": "email",
        "stage": "in_sale",
        "requester": {"name": "Li Wei", "email": email},
        "message": {"body": "Where is my order? 我的订单在哪里？"},
    })
}

/// How many tickets the admin sees.
pub async fn ticket_count(desk: &Desk) -> usize {
    let (status, list) = desk.admin.get("/api/v1/tickets?limit=100").await;
    assert_eq!(status, StatusCode::OK);
    list["items"].as_array().unwrap().len()
}
