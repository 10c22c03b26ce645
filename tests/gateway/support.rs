//! A real chat gateway on port 0 over a test database, and WebSocket clients that talk to it
//! as the widget and the console do.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use kefu_api_types::accounts::CreateTeamRequest;
use kefu_api_types::chat::{ClientFrame, PROTOCOL, Resume, ServerFrame};
use kefu_api_types::widgets::{ChatSettingsBody, WidgetRequest};
use kefu_app::accounts::create_user::{NewAccount, create_account};
use kefu_app::audit::Origin;
use kefu_app::chat::{admin, identity};
use kefu_app::files::FileStore;
use kefu_app::{App, SessionPolicy};
use kefu_chat_gateway::GatewayConfig;
use kefu_domain::ids::{TeamId, UserId, WidgetId};
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_testkit::TestDb;
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The shop's website, where the widget runs.
pub const SHOP: &str = "https://shop.example.com";
/// The console's origin.
pub const CONSOLE: &str = "http://localhost:8080";

/// A gateway on its own database, with an admin, a team and a widget.
pub struct Harness {
    pub app: App,
    pub url: String,
    pub admin: Actor,
    pub team: TeamId,
    pub widget: WidgetId,
    _db: TestDb,
    stop: Option<oneshot::Sender<()>>,
    pub stopped: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Gateway settings for tests: quick limits, the console's origin.
pub fn config() -> GatewayConfig {
    GatewayConfig {
        bind: "127.0.0.1:0".into(),
        console_origins: vec![CONSOLE.into()],
        ..GatewayConfig::default()
    }
}

impl Harness {
    /// Starts a gateway with the default test settings.
    pub async fn start(db: TestDb) -> Self {
        Self::start_with(db, config()).await
    }

    /// Starts a gateway with `config` on `db`.
    pub async fn start_with(db: TestDb, config: GatewayConfig) -> Self {
        Self::start_node(db, config, None).await
    }

    /// Starts a gateway whose app joins the bus on `channel` of the test Redis.
    pub async fn start_on_bus(db: TestDb, channel: &str) -> Self {
        Self::start_node(db, config(), Some(channel)).await
    }

    async fn start_node(db: TestDb, config: GatewayConfig, channel: Option<&str>) -> Self {
        let files = FileStore::open(&db.files_dir(), kefu_domain::file::DEFAULT_MAX_BYTES).unwrap();
        let mut app = App::new(db.store.clone(), None, SessionPolicy::default())
            .unwrap()
            .with_files(files);
        if let Some(channel) = channel {
            app.join_bus(&redis_url(), channel).unwrap();
        }
        let (url, stop, handle) = spawn_gateway(app.clone(), config).await;
        let admin = user(&app, "admin@example.com", "Ada Admin", Role::Admin).await;
        let team = team(&app, admin, "After-sales support", &[]).await;
        let widget = admin::create_widget(
            &app,
            admin,
            Origin::cli(),
            WidgetRequest {
                name: "Shop".into(),
                origins: vec![SHOP.into()],
                colour: None,
                position: None,
                greeting_en: None,
                greeting_zh: None,
                pre_sale_team_id: Some(team),
                in_sale_team_id: Some(team),
                after_sale_team_id: Some(team),
            },
        )
        .await
        .unwrap()
        .id;
        Harness {
            app,
            url,
            admin,
            team,
            widget,
            _db: db,
            stop: Some(stop),
            stopped: Some(handle),
        }
    }

    /// A second node: its own app and gateway over the same database, on the bus's `channel`.
    /// Returns its app, its WebSocket address and what stops it.
    pub async fn second_node(&self, channel: &str) -> (App, String, oneshot::Sender<()>) {
        let mut app = App::new(self.app.store.clone(), None, SessionPolicy::default()).unwrap();
        app.join_bus(&redis_url(), channel).unwrap();
        let (url, stop, _) = spawn_gateway(app.clone(), config()).await;
        (app, url, stop)
    }

    /// Asks the gateway to stop (as SIGTERM does) and waits until it has.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(handle) = self.stopped.take() {
            handle.await.unwrap();
        }
    }

    /// A new agent in `teams`.
    pub async fn agent(&self, email: &str, name: &str, teams: &[TeamId]) -> Actor {
        let agent = user(&self.app, email, name, Role::Agent).await;
        for team in teams {
            let members = kefu_app::teams::list::list(&self.app, self.admin)
                .await
                .unwrap()
                .items
                .into_iter()
                .find(|t| t.id == *team)
                .unwrap()
                .members
                .into_iter()
                .map(|m| m.id)
                .chain([agent.user])
                .collect::<Vec<UserId>>();
            let request =
                serde_json::from_value(serde_json::json!({ "members": members })).unwrap();
            self.app.published(
                kefu_app::teams::update::update(
                    &self.app,
                    self.admin,
                    Origin::cli(),
                    *team,
                    request,
                )
                .await
                .unwrap(),
            );
        }
        agent
    }

    /// Sets the team's capacity and grace period.
    pub async fn chat_settings(&self, team: TeamId, open: bool, capacity: u32, grace_seconds: u32) {
        let body = ChatSettingsBody {
            open,
            capacity,
            grace_seconds,
            greeting_en: None,
            greeting_zh: None,
            offline_en: None,
            offline_zh: None,
        };
        self.app.published(
            admin::set_chat_settings(&self.app, self.admin, Origin::cli(), team, body)
                .await
                .unwrap(),
        );
    }

    /// The HTTP API beside the gateway, on the same use cases (as `kefu serve` runs both
    /// roles): its base address. It stops when the test ends.
    pub async fn api(&self) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let config = kefu_api::ApiConfig {
            workers: Some(1),
            ..kefu_api::ApiConfig::default()
        };
        let mut state = kefu_api::state(config, self.app.store.clone()).unwrap();
        state.app = self.app.clone();
        state.chat_socket_url = self.url.clone();
        tokio::spawn(kefu_api::serve(
            actix_web::web::Data::new(state),
            listener,
            std::future::pending(),
        ));
        base
    }

    /// A visitor's session token for a browser key.
    pub async fn visitor_token(&self, key: &str) -> String {
        identity::start_visitor_session(&self.app, self.widget, key, SHOP)
            .await
            .unwrap()
            .token
    }

    /// An agent's socket ticket.
    pub async fn socket_ticket(&self, agent: Actor) -> String {
        identity::issue_socket_ticket(&self.app, agent)
            .await
            .unwrap()
            .0
    }

    /// A visitor's socket, welcomed.
    pub async fn visitor(&self, key: &str, resume: Vec<Resume>) -> Client {
        let token = self.visitor_token(key).await;
        let mut client = Client::connect(&self.url, Some(SHOP)).await.unwrap();
        client.hello(&token, resume).await;
        client
    }

    /// An agent's socket, welcomed, with its queue snapshot read.
    pub async fn agent_socket(
        &self,
        agent: Actor,
    ) -> (Client, Vec<kefu_api_types::chat::QueuedChat>) {
        let token = self.socket_ticket(agent).await;
        let mut client = Client::connect(&self.url, Some(CONSOLE)).await.unwrap();
        client.hello(&token, Vec::new()).await;
        let ServerFrame::QueueSnapshot { chats } = client
            .next_where(|f| matches!(f, ServerFrame::QueueSnapshot { .. }))
            .await
        else {
            unreachable!()
        };
        (client, chats)
    }
}

/// The Redis the tests of several nodes use.
pub fn redis_url() -> String {
    std::env::var("KEFU_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// Runs a gateway for `app` on a free port until the returned sender is used or dropped.
async fn spawn_gateway(
    app: App,
    config: GatewayConfig,
) -> (String, oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        kefu_chat_gateway::serve(app, config, listener, shutdown)
            .await
            .unwrap();
    });
    (url, stop, handle)
}

async fn user(app: &App, email: &str, name: &str, role: Role) -> Actor {
    let account = NewAccount::parse(email, name, role, None).unwrap();
    let user = app.published(
        create_account(app, None, Origin::cli(), account, None)
            .await
            .unwrap(),
    );
    Actor {
        user: user.id,
        role,
        customer: None,
    }
}

/// A new team.
pub async fn team(app: &App, admin: Actor, name: &str, members: &[UserId]) -> TeamId {
    let request: CreateTeamRequest =
        serde_json::from_value(serde_json::json!({ "name": name, "members": members })).unwrap();
    app.published(
        kefu_app::teams::create::create(app, admin, Origin::cli(), request)
            .await
            .unwrap(),
    )
    .id
}

/// A WebSocket client speaking the chat protocol.
pub struct Client {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// How long a test waits for a frame before it fails.
pub const WAIT: Duration = Duration::from_secs(10);

impl Client {
    /// Opens a socket from `origin`.
    pub async fn connect(
        url: &str,
        origin: Option<&str>,
    ) -> Result<Self, tokio_tungstenite::tungstenite::Error> {
        let mut request = url.into_client_request()?;
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", origin.parse().unwrap());
        }
        let (ws, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(Self { ws })
    }

    /// Sends a frame.
    pub async fn send(&mut self, frame: &ClientFrame) {
        self.send_text(&serde_json::to_string(frame).unwrap()).await;
    }

    /// Sends raw text.
    pub async fn send_text(&mut self, text: &str) {
        self.ws.send(Message::text(text.to_owned())).await.unwrap();
    }

    /// `hello`, then `welcome`.
    pub async fn hello(&mut self, token: &str, resume: Vec<Resume>) {
        self.send(&ClientFrame::Hello {
            protocol: PROTOCOL,
            token: token.into(),
            resume,
        })
        .await;
        let welcome = self.next().await;
        assert!(
            matches!(welcome, ServerFrame::Welcome { protocol: 1, .. }),
            "{welcome:?}"
        );
    }

    /// The next frame; fails the test if none comes in time or the socket closes.
    pub async fn next(&mut self) -> ServerFrame {
        loop {
            let message = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("a frame in time")
                .expect("the socket is open")
                .expect("a readable frame");
            match message {
                Message::Text(text) => {
                    return serde_json::from_str(text.as_str())
                        .unwrap_or_else(|e| panic!("{e}: {text}"));
                }
                Message::Close(frame) => panic!("the socket closed: {frame:?}"),
                _ => {}
            }
        }
    }

    /// Skips frames until one matches.
    /// Waits until the gateway has handled everything this client sent before, a console's
    /// `hello` included (a ping is answered in turn), dropping what came meanwhile: a test
    /// that then asserts an offer never comes is not fooled by one the `hello` sent late.
    pub async fn settled(&mut self) {
        self.send(&ClientFrame::Ping {
            nonce: Some(u64::MAX),
        })
        .await;
        self.next_where(|f| {
            matches!(
                f,
                ServerFrame::Pong {
                    nonce: Some(u64::MAX)
                }
            )
        })
        .await;
    }

    pub async fn next_where(&mut self, wanted: impl Fn(&ServerFrame) -> bool) -> ServerFrame {
        loop {
            let frame = self.next().await;
            if wanted(&frame) {
                return frame;
            }
        }
    }

    /// Reads until the socket closes; returns the close frame's code.
    pub async fn closed(&mut self) -> Option<u16> {
        loop {
            match tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("closed in time")
            {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return None,
            }
        }
    }
}
