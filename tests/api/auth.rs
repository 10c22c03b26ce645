//! Signing in: password hashing, tokens and cookies, CSRF, sessions ending, throttling.

use argon2::PasswordHash;
use chrono::Duration;
use diesel::prelude::*;
use kefu_domain::role::Role;
use kefu_store::{StoreError, schema, users};
use kefu_testkit::{TestApp, test_both};
use reqwest::StatusCode;
use serde_json::json;

const PASSWORD: &str = "correct-horse-9";

test_both! {
    async fn passwords_are_stored_as_argon2id_with_owasp_parameters(db: TestDb) {
        let app = TestApp::start(db).await;
        let user = app.create_user("li@example.com", "Li", Role::Agent, PASSWORD).await;
        let hash = app.db.store.read(move |conn| users::password_hash(conn, user.id)).await.unwrap().unwrap();
        let parsed = PasswordHash::new(&hash).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        let param = |name: &str| parsed.params.get_decimal(name).unwrap();
        assert!(param("m") >= 19_456, "memory {}", param("m"));
        assert!(param("t") >= 2, "iterations {}", param("t"));
        assert_eq!(param("p"), 1);
        assert!(!hash.contains(PASSWORD));
    }
}

test_both! {
    async fn login_sets_an_httponly_cookie_and_returns_a_strong_token(db: TestDb) {
        let app = TestApp::start(db).await;
        app.create_user("li@example.com", "Li", Role::Agent, PASSWORD).await;
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/auth/login", app.base))
            .json(&json!({"email": "LI@example.com", "password": PASSWORD, "token": true}))
            .send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let cookies: Vec<String> = response.headers().get_all("set-cookie").iter()
            .map(|v| v.to_str().unwrap().to_owned()).collect();
        let session = cookies.iter().find(|c| c.starts_with("kefu_session=")).expect("a session cookie");
        assert!(session.contains("HttpOnly"), "{session}");
        assert!(session.contains("SameSite=Lax"), "{session}");
        let body: serde_json::Value = response.json().await.unwrap();
        let token = body["token"].as_str().unwrap();
        assert!(token.len() >= 43, "at least 256 bits of base64: {token}");
        assert_eq!(body["user"]["email"], "li@example.com");
        // Only a hash of the token is stored.
        let token_owned = token.to_owned();
        let stored: Vec<String> = app.db.store.read(|conn| {
            schema::sessions::table.select(schema::sessions::token_hash).load::<String>(conn).map_err(StoreError::from)
        }).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0], token_owned);
        assert!(!stored[0].contains(&token_owned));
    }
}

test_both! {
    async fn wrong_passwords_and_unknown_accounts_get_the_same_answer(db: TestDb) {
        let app = TestApp::start(db).await;
        app.create_user("li@example.com", "Li", Role::Agent, PASSWORD).await;
        let client = app.anonymous();
        let (s1, wrong) = client.post("/api/v1/auth/login", &json!({"email": "li@example.com", "password": "wrong-password"})).await;
        let (s2, unknown) = client.post("/api/v1/auth/login", &json!({"email": "nobody@example.com", "password": "wrong-password"})).await;
        assert_eq!((s1, s2), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
        assert_eq!(wrong, unknown);
        assert_eq!(wrong["code"], "invalid_credentials");
    }
}

test_both! {
    async fn cookie_writes_need_the_csrf_token_and_bearer_writes_do_not(db: TestDb) {
        let app = TestApp::start(db).await;
        app.create_user("admin@example.com", "Admin", Role::Admin, PASSWORD).await;
        let browser = app.browser_login("admin@example.com", PASSWORD).await;
        let (status, me) = browser.get("/api/v1/me").await;
        assert_eq!(status, StatusCode::OK, "reads work with the cookie alone");
        assert_eq!(me["csrf_token"], browser.csrf.clone().unwrap().as_str());
        let (status, problem) = browser.without_csrf().post("/api/v1/teams", &json!({"name": "Orders"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(problem["code"], "csrf_failed");
        let (status, _) = browser.post("/api/v1/teams", &json!({"name": "Orders"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let bearer = app.login("admin@example.com", PASSWORD).await;
        let (status, _) = bearer.post("/api/v1/teams", &json!({"name": "Returns"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, teams) = bearer.get("/api/v1/teams").await;
        assert_eq!(teams["items"].as_array().unwrap().len(), 2, "the forged write changed nothing");
    }
}

test_both! {
    async fn logout_ends_the_session(db: TestDb) {
        let app = TestApp::start(db).await;
        app.create_user("li@example.com", "Li", Role::Agent, PASSWORD).await;
        let client = app.login("li@example.com", PASSWORD).await;
        let (status, _) = client.post("/api/v1/auth/logout", &json!({})).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, problem) = client.get("/api/v1/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(problem["code"], "unauthenticated");
    }
}

test_both! {
    async fn changing_the_password_ends_other_sessions(db: TestDb) {
        let app = TestApp::start(db).await;
        app.create_user("li@example.com", "Li", Role::Agent, PASSWORD).await;
        let here = app.login("li@example.com", PASSWORD).await;
        let elsewhere = app.login("li@example.com", PASSWORD).await;
        let (status, problem) = here.post("/api/v1/me/password", &json!({"current_password": "nope-nope", "new_password": "a-new-password"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
        let (status, problem) = here.post("/api/v1/me/password", &json!({"current_password": PASSWORD, "new_password": "short"})).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("weak_password")));
        let (status, _) = here.post("/api/v1/me/password", &json!({"current_password": PASSWORD, "new_password": "a-new-password"})).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(here.get("/api/v1/me").await.0, StatusCode::OK);
        assert_eq!(elsewhere.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
        let (status, _) = app.anonymous().post("/api/v1/auth/login", &json!({"email": "li@example.com", "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password no longer works");
        app.login("li@example.com", "a-new-password").await;
    }
}

test_both! {
    async fn idle_and_old_sessions_end(db: TestDb) {
        let app = TestApp::start(db).await;
        app.create_user("li@example.com", "Li", Role::Agent, PASSWORD).await;
        let idle = app.login("li@example.com", PASSWORD).await;
        let old = app.login("li@example.com", PASSWORD).await;
        let idle_hash = kefu_app::tokens::hash(idle.token.as_deref().unwrap());
        let old_hash = kefu_app::tokens::hash(old.token.as_deref().unwrap());
        app.db.store.write(move |conn| {
            use schema::sessions::dsl::*;
            let long_ago = (kefu_domain::time::now() - Duration::days(2)).naive_utc();
            diesel::update(sessions.filter(token_hash.eq(idle_hash))).set(last_seen_at.eq(long_ago)).execute(conn)?;
            diesel::update(sessions.filter(token_hash.eq(old_hash))).set(expires_at.eq(long_ago)).execute(conn)?;
            Ok::<_, StoreError>(())
        }).await.unwrap();
        for client in [idle, old] {
            let (status, problem) = client.get("/api/v1/me").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            assert_eq!(problem["code"], "session_expired");
        }
    }
}

test_both! {
    async fn deactivated_users_cannot_sign_in_and_lose_their_sessions(db: TestDb) {
        let app = TestApp::start(db).await;
        let (_, admin) = app.user(Role::Admin, "admin@example.com").await;
        let (agent, client) = app.user(Role::Agent, "agent@example.com").await;
        let (status, body) = admin.patch(&format!("/api/v1/users/{}", agent.id), &json!({"active": false})).await;
        assert_eq!((status, body["active"].as_bool()), (StatusCode::OK, Some(false)));
        assert_eq!(client.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
        let (status, _) = app.anonymous().post("/api/v1/auth/login", &json!({"email": "agent@example.com", "password": "correct-horse-9"})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

test_both! {
    async fn failed_sign_ins_are_throttled_but_the_owner_keeps_a_way_in(db: TestDb) {
        let app = TestApp::start(db).await;
        app.create_user("li@example.com", "Li", Role::Agent, PASSWORD).await;
        // The owner's browser signed in before and holds a device cookie.
        let owner = app.browser_login("li@example.com", PASSWORD).await;
        let attacker = app.anonymous();
        let wrong = json!({"email": "li@example.com", "password": "guess-guess"});
        let mut throttled = None;
        for attempt in 1..=12 {
            let (status, problem) = attacker.post("/api/v1/auth/login", &wrong).await;
            if status == StatusCode::TOO_MANY_REQUESTS {
                throttled = Some((attempt, problem));
                break;
            }
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (attempt, problem) = throttled.expect("the account is throttled after 10 failures");
        assert_eq!(attempt, 11);
        assert_eq!(problem["code"], "too_many_attempts");
        // The right password from a new client is refused too while throttled…
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/auth/login", app.base))
            .json(&json!({"email": "li@example.com", "password": PASSWORD}))
            .send().await.unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry), "Retry-After {retry}");
        // …but the owner's known browser still gets in.
        let (status, body) = owner.post("/api/v1/auth/login", &json!({"email": "li@example.com", "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

test_both! {
    async fn parallel_guesses_get_no_more_tries_than_a_sequence(db: TestDb) {
        let app = TestApp::start(db).await;
        app.create_user("li@example.com", "Li", Role::Agent, PASSWORD).await;
        let wrong = json!({"email": "li@example.com", "password": "guess-guess"});
        let attempts = (0..30).map(|_| {
            let client = app.anonymous();
            let body = wrong.clone();
            tokio::spawn(async move { client.post("/api/v1/auth/login", &body).await.0 })
        });
        let mut statuses = Vec::new();
        for attempt in attempts {
            statuses.push(attempt.await.unwrap());
        }
        let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
        let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
        assert_eq!(checked, 10, "only the account's ten tokens were spent on password checks: {statuses:?}");
        assert_eq!(refused, 20, "{statuses:?}");
    }
}

test_both! {
    async fn an_attack_from_one_address_does_not_lock_out_known_browsers(db: TestDb) {
        let app = TestApp::start(db).await;
        app.create_user("li@example.com", "Li", Role::Agent, PASSWORD).await;
        let owner = app.browser_login("li@example.com", PASSWORD).await;
        // Fifty failures on fifty different accounts from this address empty its bucket…
        let attacker = app.anonymous();
        for i in 0..50 {
            let (status, _) = attacker.post("/api/v1/auth/login", &json!({"email": format!("user{i}@example.com"), "password": "guess-guess"})).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
        }
        let (status, _) = attacker.post("/api/v1/auth/login", &json!({"email": "li@example.com", "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the address is throttled");
        // …but a browser that signed in to the account before still gets in.
        let (status, body) = owner.post("/api/v1/auth/login", &json!({"email": "li@example.com", "password": PASSWORD})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

test_both! {
    async fn behind_a_trusted_proxy_each_client_has_its_own_allowance(db: TestDb) {
        let app = TestApp::start_with(db, kefu_api::ApiConfig {
            workers: Some(1),
            trusted_proxies: vec!["127.0.0.1".into()],
            ..kefu_api::ApiConfig::default()
        }).await;
        app.create_user("li@example.com", "Li", Role::Agent, PASSWORD).await;
        let client = app.anonymous();
        let from = |ip: &str, email: String| {
            client
                .request(reqwest::Method::POST, "/api/v1/auth/login")
                .header("x-forwarded-for", ip)
                .json(&json!({"email": email, "password": "guess-guess"}))
        };
        for i in 0..50 {
            let (status, _) = client.send(from("198.51.100.1", format!("u{i}@example.com"))).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        let (status, _) = client.send(from("198.51.100.1", "x@example.com".into())).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "this client is throttled");
        let (status, _) = client.send(from("198.51.100.2", "x@example.com".into())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "another client behind the proxy is not");
        // A client cannot pick its address by sending the header itself past the proxy.
        let (status, _) = client.send(from("198.51.100.1, 198.51.100.3", "x@example.com".into())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the proxy-added (last) address counts");
    }
}
