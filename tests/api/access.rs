//! Personal API tokens, the audit log, password-reset links, and who may read the metrics.

use kefu_api::ApiConfig;
use kefu_app::accounts::password_reset;
use kefu_app::audit::Origin;
use kefu_app::{App, SessionPolicy};
use kefu_domain::email::EmailAddress;
use kefu_domain::role::Role;
use kefu_testkit::{TestApp, test_both};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{desk, email_ticket};

const PASSWORD: &str = "correct-horse-9";

fn actions(log: &Value) -> Vec<String> {
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

test_both! {
    async fn browsers_get_only_the_cookie_and_programs_ask_for_the_token(db: TestDb) {
        let app = TestApp::start(db).await;
        app.create_user("li@example.com", "Li", Role::Agent, PASSWORD).await;
        let (status, body) = app.anonymous().post("/api/v1/auth/login", &json!({"email": "li@example.com", "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.get("token").is_none(), "no token in a browser's sign-in: {body}");
        assert!(body["csrf_token"].is_string());
        let (_, body) = app.anonymous().post("/api/v1/auth/login", &json!({"email": "li@example.com", "password": PASSWORD, "token": true})).await;
        let token = body["token"].as_str().unwrap();
        assert_eq!(app.anonymous().with_bearer(token).get("/api/v1/me").await.0, StatusCode::OK);
    }
}

test_both! {
    async fn api_tokens_work_as_bearer_until_revoked_and_read_tokens_only_read(db: TestDb) {
        let desk = desk(db).await;
        let (status, created) = desk.agent.post("/api/v1/me/tokens", &json!({"name": "CRM sync", "scope": "read_write", "expires_in_days": 30})).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let secret = created["token"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("kefu_pat_") && secret.len() > 50, "{secret}");
        let id = created["item"]["id"].as_str().unwrap().to_owned();
        let robot = desk.app.anonymous().with_bearer(&secret);
        let (status, me) = robot.get("/api/v1/me").await;
        assert_eq!(status, StatusCode::OK, "{me}");
        assert_eq!(me["user"]["email"], "agent@example.com");
        assert!(me["csrf_token"].is_null(), "tokens need no CSRF token");
        let (status, made) = robot.post("/api/v1/tickets", &email_ticket("From the CRM", "crm@example.com")).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        // A token cannot sign out or change the password: those belong to sessions.
        assert_eq!(robot.post("/api/v1/auth/logout", &json!({})).await.0, StatusCode::FORBIDDEN);
        let change = json!({"current_password": PASSWORD, "new_password": "another-long-1"});
        assert_eq!(robot.post("/api/v1/me/password", &change).await.0, StatusCode::FORBIDDEN);

        let (_, read) = desk.agent.post("/api/v1/me/tokens", &json!({"name": "Reports", "scope": "read"})).await;
        let reader = desk.app.anonymous().with_bearer(read["token"].as_str().unwrap());
        assert_eq!(reader.get("/api/v1/tickets").await.0, StatusCode::OK);
        let (status, problem) = reader.post("/api/v1/tickets", &email_ticket("Nope", "n@example.com")).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{problem}");

        // Listed without secrets; revoking stops it at once.
        let (_, list) = desk.agent.get("/api/v1/me/tokens").await;
        assert_eq!(list["items"].as_array().unwrap().len(), 2);
        assert!(!list.to_string().contains(&secret), "secrets are shown once only");
        let (status, revoked) = desk.agent.delete(&format!("/api/v1/me/tokens/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{revoked}");
        assert_eq!(revoked["live"], false);
        let (status, problem) = robot.get("/api/v1/me").await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));
        // Another user's token is not yours to revoke.
        let (_, other) = desk.admin.post("/api/v1/me/tokens", &json!({"name": "Admin script", "scope": "read"})).await;
        let other_id = other["item"]["id"].as_str().unwrap();
        assert_eq!(desk.agent.delete(&format!("/api/v1/me/tokens/{other_id}")).await.0, StatusCode::NOT_FOUND);
        // Bad lifetimes and customers are refused.
        let (status, problem) = desk.agent.post("/api/v1/me/tokens", &json!({"name": "x", "scope": "read", "expires_in_days": 400})).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_token_lifetime")));
        let (_, customer) = desk.app.user(Role::Customer, "c@example.com").await;
        assert_eq!(customer.post("/api/v1/me/tokens", &json!({"name": "x", "scope": "read"})).await.0, StatusCode::FORBIDDEN);
    }
}

test_both! {
    async fn the_audit_log_records_who_did_what_from_where_for_admins(db: TestDb) {
        let desk = desk(db).await;
        let failed = desk.app.anonymous().post("/api/v1/auth/login", &json!({"email": "agent@example.com", "password": "wrong-guess-1"})).await;
        assert_eq!(failed.0, StatusCode::UNAUTHORIZED);
        let (_, me) = desk.agent.get("/api/v1/me").await;
        let agent_id = me["user"]["id"].as_str().unwrap().to_owned();
        desk.admin.patch(&format!("/api/v1/users/{agent_id}"), &json!({"role": "admin"})).await;
        desk.admin.patch(&format!("/api/v1/users/{agent_id}"), &json!({"active": false})).await;
        desk.admin.patch(&format!("/api/v1/teams/{}", desk.team), &json!({"name": "Orders & delivery"})).await;
        let (status, log) = desk.admin.get("/api/v1/audit?limit=100").await;
        assert_eq!(status, StatusCode::OK, "{log}");
        let seen = actions(&log);
        for action in ["sign_in", "sign_in_failed", "team_created", "team_updated", "role_changed", "user_deactivated", "user_created"] {
            assert!(seen.iter().any(|a| a == action), "{action} in {seen:?}");
        }
        let entry = |action: &str| log["items"].as_array().unwrap().iter().find(|e| e["action"] == action).unwrap().clone();
        let role = entry("role_changed");
        assert_eq!(role["actor_name"], "admin@example.com");
        assert_eq!(role["target_label"], "agent@example.com");
        assert_eq!(role["detail"], json!({"from": "agent", "to": "admin"}));
        assert_eq!(role["ip"], "127.0.0.1");
        assert_eq!(entry("sign_in_failed")["detail"]["reason"], "wrong password");
        assert_eq!(entry("team_updated")["detail"]["name"]["to"], "Orders & delivery");
        // Newest first, paged by cursor without repeats.
        let (_, first) = desk.admin.get("/api/v1/audit?limit=2").await;
        let cursor = first["next_cursor"].as_str().unwrap();
        let (_, second) = desk.admin.get(&format!("/api/v1/audit?limit=2&cursor={cursor}")).await;
        let ids = |page: &Value| page["items"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
        assert!(ids(&first).iter().all(|id| !ids(&second).contains(id)));
        assert_eq!(ids(&first)[0], ids(&log)[0]);
        let (status, problem) = desk.admin.get("/api/v1/audit?cursor=nonsense").await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_query")));
        let (_, agent_two) = desk.app.user(Role::Agent, "two@example.com").await;
        assert_eq!(agent_two.get("/api/v1/audit").await.0, StatusCode::FORBIDDEN);
    }
}

test_both! {
    async fn a_reset_link_sets_a_password_once_and_ends_every_session(db: TestDb) {
        let desk = desk(db).await;
        let app = App::new(desk.app.db.store.clone(), None, SessionPolicy::default()).unwrap();
        let email = EmailAddress::parse("agent@example.com").unwrap();
        let link = app.published(password_reset::issue(&app, Origin::cli(), &email).await.unwrap());
        assert!(link.url("https://help.example.com/").starts_with("https://help.example.com/reset-password?token="));
        let body = json!({"token": link.token, "new_password": "brand-new-pass-1"});
        assert_eq!(desk.app.anonymous().post("/api/v1/auth/password-reset", &body).await.0, StatusCode::NO_CONTENT);
        let (status, problem) = desk.app.anonymous().post("/api/v1/auth/password-reset", &body).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_reset_token")), "single use");
        assert_eq!(desk.agent.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED, "sessions ended");
        let (status, _) = desk.app.anonymous().post("/api/v1/auth/login", &json!({"email": "agent@example.com", "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        desk.app.login("agent@example.com", "brand-new-pass-1").await;
        // A newer link replaces an older one.
        let older = app.published(password_reset::issue(&app, Origin::cli(), &email).await.unwrap());
        let newer = app.published(password_reset::issue(&app, Origin::cli(), &email).await.unwrap());
        let (status, _) = desk.app.anonymous().post("/api/v1/auth/password-reset", &json!({"token": older.token, "new_password": "another-pass-12"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = desk.app.anonymous().post("/api/v1/auth/password-reset", &json!({"token": newer.token, "new_password": "short"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the policy still applies");
        let (_, log) = desk.admin.get("/api/v1/audit").await;
        let seen = actions(&log);
        assert!(seen.contains(&"password_reset".to_owned()) && seen.contains(&"password_reset_issued".to_owned()), "{seen:?}");
    }
}

test_both! {
    async fn metrics_are_for_this_machine_a_scraper_token_and_admins(db: TestDb) {
        // Behind a trusted proxy on loopback, a forwarded client is someone else.
        let app = TestApp::start_with(db, ApiConfig {
            workers: Some(1),
            trusted_proxies: vec!["127.0.0.1".into()],
            metrics_token: Some("scrape-secret-123".into()),
            ..ApiConfig::default()
        }).await;
        app.create_user("boss@example.com", "Boss", Role::Admin, PASSWORD).await;
        app.create_user("li@example.com", "Li", Role::Agent, PASSWORD).await;
        let remote = |client: kefu_testkit::TestClient| async move {
            client.send(client.request(reqwest::Method::GET, "/metrics").header("x-forwarded-for", "203.0.113.7")).await.0
        };
        assert_eq!(remote(app.anonymous()).await, StatusCode::FORBIDDEN);
        assert_eq!(remote(app.login("li@example.com", PASSWORD).await).await, StatusCode::FORBIDDEN);
        assert_eq!(remote(app.login("boss@example.com", PASSWORD).await).await, StatusCode::OK);
        assert_eq!(remote(app.anonymous().with_bearer("scrape-secret-123")).await, StatusCode::OK);
        assert_eq!(remote(app.anonymous().with_bearer("wrong")).await, StatusCode::FORBIDDEN);
        assert_eq!(app.anonymous().get("/metrics").await.0, StatusCode::OK, "this machine reads them");
    }
}

test_both! {
    async fn every_spelling_of_an_address_counts_against_one_sign_in_allowance(db: TestDb) {
        let app = TestApp::start(db).await;
        app.create_user("li@example.com", "Li", Role::Agent, PASSWORD).await;
        let spellings = ["li@example.com", "LI@example.com", "\u{ff4c}i@example.com", "l\u{ff49}@example.com", "Li@EXAMPLE.com"];
        for i in 0..10 {
            let email = spellings[i % spellings.len()];
            let (status, _) = app.anonymous().post("/api/v1/auth/login", &json!({"email": email, "password": "wrong-guess-1"})).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
        }
        let (status, problem) = app.anonymous().post("/api/v1/auth/login", &json!({"email": "\u{ff4c}\u{ff49}@example.com", "password": "wrong-guess-1"})).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts")));
    }
}

test_both! {
    async fn tokens_cannot_mint_tokens_or_set_passwords_and_die_with_a_password_change(db: TestDb) {
        let desk = desk(db).await;
        let (_, created) = desk.admin.post("/api/v1/me/tokens", &json!({"name": "Ops", "scope": "read_write"})).await;
        let robot = desk.app.anonymous().with_bearer(created["token"].as_str().unwrap());
        assert_eq!(robot.post("/api/v1/me/tokens", &json!({"name": "Child", "scope": "read_write"})).await.0, StatusCode::FORBIDDEN);
        let agent_id = desk.agent_user.id;
        assert_eq!(robot.patch(&format!("/api/v1/users/{agent_id}"), &json!({"password": "set-by-script-1"})).await.0, StatusCode::FORBIDDEN);
        let (_, me) = desk.admin.get("/api/v1/me").await;
        let own = me["user"]["id"].as_str().unwrap().to_owned();
        let (status, problem) = desk.admin.patch(&format!("/api/v1/users/{own}"), &json!({"password": "skips-the-check-1"})).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{problem}");
        assert_eq!(robot.get("/api/v1/me").await.0, StatusCode::OK);
        let change = json!({"current_password": PASSWORD, "new_password": "another-horse-9"});
        assert_eq!(desk.admin.post("/api/v1/me/password", &change).await.0, StatusCode::NO_CONTENT);
        assert_eq!(robot.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED, "a password change revokes the tokens");
        // An agent who becomes a vendor loses their tokens too.
        let (_, agent_token) = desk.agent.post("/api/v1/me/tokens", &json!({"name": "Mine", "scope": "read"})).await;
        let agent_robot = desk.app.anonymous().with_bearer(agent_token["token"].as_str().unwrap());
        desk.admin.patch(&format!("/api/v1/users/{agent_id}"), &json!({"role": "vendor"})).await;
        assert_eq!(agent_robot.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    }
}

test_both! {
    async fn reset_links_refuse_deactivated_accounts_and_junk(db: TestDb) {
        let desk = desk(db).await;
        let app = App::new(desk.app.db.store.clone(), None, SessionPolicy::default()).unwrap();
        let email = EmailAddress::parse("agent@example.com").unwrap();
        let link = app.published(password_reset::issue(&app, Origin::cli(), &email).await.unwrap());
        desk.admin.patch(&format!("/api/v1/users/{}", desk.agent_user.id), &json!({"active": false})).await;
        let (status, problem) = desk.app.anonymous().post("/api/v1/auth/password-reset", &json!({"token": link.token, "new_password": "brand-new-pass-1"})).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_reset_token")));
        // Guessing links is throttled per address.
        let mut last = StatusCode::OK;
        for _ in 0..60 {
            last = desk.app.anonymous().post("/api/v1/auth/password-reset", &json!({"token": "guess", "new_password": "brand-new-pass-1"})).await.0;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    }
}

test_both! {
    async fn a_forwarded_request_is_not_local_even_from_a_proxy_on_this_machine(db: TestDb) {
        let app = TestApp::start(db).await;
        let anonymous = app.anonymous();
        let status = anonymous.send(anonymous.request(reqwest::Method::GET, "/metrics").header("x-forwarded-for", "198.51.100.4")).await.0;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}
