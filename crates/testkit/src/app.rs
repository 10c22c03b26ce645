//! A real Kefu server on port 0, and HTTP clients that talk to it as users' programs and
//! browsers would.

use std::net::TcpListener;

use actix_web::web;
use kefu_api::ApiConfig;
use kefu_api_types::accounts::UserResponse;
use kefu_app::App;
use kefu_app::accounts::create_user::{NewAccount, create_account};
use kefu_app::audit::Origin;
use kefu_domain::password::Password;
use kefu_domain::role::Role;
use reqwest::StatusCode;
use serde_json::Value;
use tokio::sync::oneshot;

use crate::TestDb;

/// A running server on its own database.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The database behind it.
    pub db: TestDb,
    /// The server's own use cases, for fixtures made as the CLI would make them.
    app: App,
    stop: Option<oneshot::Sender<()>>,
}

/// The secret the test server takes raw mail over HTTP with (`[mail] inbound_secret`).
pub const INBOUND_SECRET: &str = "test-inbound-secret";

impl TestApp {
    /// Starts the API with the default configuration (one worker) on `db`.
    pub async fn start(db: TestDb) -> TestApp {
        Self::start_with(
            db,
            ApiConfig {
                workers: Some(1),
                ..ApiConfig::default()
            },
        )
        .await
    }

    /// Starts the API with `config` on `db`, listening on a free port.
    pub async fn start_with(db: TestDb, config: ApiConfig) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let mut state = kefu_api::state(config, db.store.clone()).expect("state");
        let files =
            kefu_app::files::FileStore::open(&db.files_dir(), kefu_domain::file::DEFAULT_MAX_BYTES)
                .expect("open the files directory");
        state.app = state
            .app
            .with_files(files)
            .with_mail(kefu_app::mail::MailConfig {
                inbound_secret: Some(INBOUND_SECRET.to_owned()),
                ..kefu_app::mail::MailConfig::default()
            });
        let state = web::Data::new(state);
        let app = state.app.clone();
        if app.store.node_index().is_none() {
            // The server's own search index, as `kefu serve` keeps one, in the database's
            // temporary directory.
            let index = kefu_app::search::open_node_index(&app, &db.search_index_dir())
                .await
                .expect("open the search index");
            kefu_app::search::build_node_index(&app, &index, |_, _| {})
                .await
                .expect("build the search index");
        }
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async {
                // Dropping the sender (the app going out of scope) also stops the server.
                let _ = stopped.await;
            };
            if let Err(error) = kefu_api::serve(state, listener, shutdown).await {
                eprintln!("test server failed: {error}");
            }
        });
        TestApp {
            base,
            db,
            app,
            stop: Some(stop),
        }
    }

    /// The server's own use cases (for workers a test or benchmark runs beside it).
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Creates an account directly in the store (as `kefu users create` does).
    pub async fn create_user(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> UserResponse {
        let account = NewAccount::parse(email, name, role, None).expect("valid account");
        let password = Password::parse(password).expect("valid password");
        let created = create_account(&self.app, None, Origin::cli(), account, Some(password))
            .await
            .expect("create the user");
        self.app.published(created)
    }

    /// A client without credentials.
    pub fn anonymous(&self) -> TestClient {
        TestClient {
            http: http_client(false),
            base: self.base.clone(),
            token: None,
            csrf: None,
        }
    }

    /// Signs in and returns a client using the bearer token.
    pub async fn login(&self, email: &str, password: &str) -> TestClient {
        let mut client = self.anonymous();
        let (status, body) = client
            .post(
                "/api/v1/auth/login",
                &serde_json::json!({"email": email, "password": password, "token": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "signing in as {email}: {body}");
        client.token = Some(body["token"].as_str().expect("token").to_owned());
        client
    }

    /// Signs in like a browser: a cookie jar, no bearer token, and the CSRF token kept aside.
    pub async fn browser_login(&self, email: &str, password: &str) -> TestClient {
        let mut client = TestClient {
            http: http_client(true),
            base: self.base.clone(),
            token: None,
            csrf: None,
        };
        let (status, body) = client
            .post(
                "/api/v1/auth/login",
                &serde_json::json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "signing in as {email}: {body}");
        assert!(
            body.get("token").is_none(),
            "a browser's sign-in returns no token: {body}"
        );
        client.csrf = Some(body["csrf_token"].as_str().expect("csrf").to_owned());
        client
    }

    /// A user of `role` with a password, signed in with a bearer token.
    pub async fn user(&self, role: Role, email: &str) -> (UserResponse, TestClient) {
        let user = self
            .create_user(email, email, role, "correct-horse-9")
            .await;
        let client = self.login(email, "correct-horse-9").await;
        (user, client)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// An HTTP client for one test server.
#[derive(Clone)]
pub struct TestClient {
    http: reqwest::Client,
    base: String,
    /// The bearer token, for programs.
    pub token: Option<String>,
    /// The CSRF token, for browser-like clients.
    pub csrf: Option<String>,
}

impl TestClient {
    /// Builds a request with this client's credentials.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut builder = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            builder = builder.bearer_auth(token);
        }
        if let Some(csrf) = &self.csrf {
            builder = builder.header("X-CSRF-Token", csrf);
        }
        builder
    }

    /// Sends a request and returns the status and the body as JSON (`Null` when empty,
    /// a string when not JSON).
    pub async fn send(&self, builder: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = builder.send().await.expect("the server answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, body)
    }

    /// GET.
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::POST, path).json(body))
            .await
    }

    /// PATCH with a JSON body.
    pub async fn patch(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::PATCH, path).json(body))
            .await
    }

    /// PUT with a JSON body.
    pub async fn put(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::PUT, path).json(body))
            .await
    }

    /// DELETE.
    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::DELETE, path)).await
    }

    /// A copy of this client that presents `token` as its bearer token instead.
    pub fn with_bearer(&self, token: &str) -> TestClient {
        TestClient {
            token: Some(token.to_owned()),
            csrf: None,
            ..self.clone()
        }
    }

    /// A copy of this client without its CSRF token (to test CSRF protection).
    pub fn without_csrf(&self) -> TestClient {
        TestClient {
            csrf: None,
            ..self.clone()
        }
    }
}

/// An HTTP client for the test server; its idle connections are dropped after 2 s, below the
/// server's keep-alive (5 s), so a connection the server is closing is never reused.
fn http_client(cookies: bool) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(cookies)
        .pool_idle_timeout(std::time::Duration::from_secs(2))
        .build()
        .expect("client")
}
