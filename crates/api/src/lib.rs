//! Kefu's HTTP API (actix-web): REST under `/api/v1`, sessions, the OpenAPI document, probes,
//! metrics and the web front ends.
//!
//! Handlers are thin: they extract and authorise, call one use case, and map the result.
//! Rules live in `kefu-domain`; storage in `kefu-store`.

pub mod assets;
pub mod audit;
pub mod auth;
pub mod chat;
pub mod client;
pub mod config;
pub mod customers;
pub mod deadline;
pub mod error;
pub mod escalations;
pub mod extract;
pub mod health;
pub mod integrations;
pub mod macros;
pub mod mail;
pub mod metrics;
pub mod openapi;
pub mod reports;
pub mod routing;
pub mod settings;
pub mod sla;
pub mod state;
pub mod surveys;
pub mod teams;
pub mod telephony;
pub mod tickets;
pub mod triggers;
pub mod users;
pub mod vendors;
pub mod visits;

use std::future::Future;
use std::net::TcpListener;

use actix_web::middleware::{Compress, DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use chrono::Duration;
use kefu_app::SessionPolicy;
use kefu_domain::phone::PhoneRegion;
use kefu_store::Store;

pub use config::ApiConfig;
pub use error::ApiError;
pub use state::AppState;

/// Builds the shared state; fails on configuration that cannot work.
pub fn state(config: ApiConfig, store: Store) -> Result<AppState, String> {
    let phone_region = config
        .phone_region
        .as_deref()
        .map(PhoneRegion::parse)
        .transpose()
        .map_err(|e| format!("api.phone_region: {e}"))?;
    let trusted_proxies = config
        .trusted_proxies
        .iter()
        .map(|p| {
            p.trim()
                .parse()
                .map_err(|_| format!("api.trusted_proxies: `{p}` is not an IP address"))
        })
        .collect::<Result<_, _>>()?;
    if config.listens_beyond_loopback() && !config.secure_cookies() {
        tracing::warn!(
            bind = %config.bind,
            "serving session cookies without `Secure` beyond this machine: serve Kefu over \
             HTTPS and set api.public_url = \"https://…\" (or api.session.secure_cookies)"
        );
    }
    let sessions = SessionPolicy {
        idle: Duration::minutes(config.session.idle_minutes),
        absolute: Duration::hours(config.session.absolute_hours),
    };
    Ok(AppState {
        app: kefu_app::App::new(store, phone_region, sessions).map_err(|e| e.to_string())?,
        trusted_proxies,
        metrics: metrics::Metrics::new().map_err(|e| e.to_string())?,
        chat_socket_url: "ws://localhost:8081".into(),
        config,
    })
}

/// Every route of the application.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(metrics::export))
        .service(
            web::scope("/api/v1")
                .route("/openapi.json", web::get().to(openapi::document))
                .configure(auth::routes)
                .configure(audit::routes)
                .configure(settings::routes)
                .configure(users::routes)
                .configure(teams::routes)
                .configure(chat::routes)
                .configure(mail::routes)
                .configure(customers::routes)
                .configure(tickets::routes)
                .configure(vendors::routes)
                .configure(escalations::routes)
                .configure(visits::routes)
                .configure(sla::routes)
                .configure(macros::routes)
                .configure(routing::routes)
                .configure(triggers::routes)
                .configure(integrations::routes)
                .configure(telephony::routes)
                .configure(surveys::routes)
                .configure(reports::routes)
                .default_service(web::to(extract::no_route))
                .wrap(from_fn(deadline::read_body_in_time)),
        );
}

/// Serves the API on `listener` until `shutdown` completes, then drains open requests.
pub async fn serve(
    state: web::Data<AppState>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let limit = state.config.max_body_bytes;
    let header_timeout = state.config.header_timeout_ms.max(1);
    let workers = state
        .config
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let app_state = state.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(app_state.clone())
            .app_data(extract::json(limit))
            .app_data(extract::query())
            .app_data(extract::path())
            .app_data(web::PayloadConfig::new(limit))
            .wrap(
                DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("X-Frame-Options", "DENY"))
                    .add(("Referrer-Policy", "same-origin")),
            )
            .wrap(from_fn(metrics::record))
            .configure(routes)
            .default_service(web::to(assets::serve).wrap(Compress::default()))
    })
    .workers(workers)
    .client_request_timeout(std::time::Duration::from_millis(header_timeout))
    .disable_signals()
    .shutdown_timeout(10)
    .listen(listener)?
    .run();
    let handle = server.handle();
    tokio::select! {
        result = server => result,
        () = shutdown => {
            handle.stop(true).await;
            Ok(())
        }
    }
}
