//! `kefu serve`: migrate, then run the API until interrupted.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::web;
use anyhow::Context;
use chrono::Duration as Span;
use kefu_store::{Store, StoreError, devices, password_resets, sessions, throttle};

use crate::config::Config;

/// How often ended sessions, refilled throttle buckets, forgotten devices and dead reset links
/// are swept from the database.
const SESSION_SWEEP_INTERVAL: Duration = Duration::from_secs(15 * 60);
/// A throttle bucket untouched this long has refilled under every policy.
const THROTTLE_KEEP_HOURS: i64 = 24;
/// A known device unused this long is forgotten (its owner signs in as from a new one).
const DEVICE_KEEP_DAYS: i64 = 180;

/// A part of Kefu a node can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    /// The HTTP API and the web front ends (port 8080).
    Api,
    /// The chat gateway (port 8081).
    Gateway,
    /// The outbox worker: delivers mail (SMTP, or `.eml` files without a server).
    Notify,
    /// Fetches the IMAP mailboxes.
    Mail,
}

/// Every role: what `kefu serve` runs without `--roles`.
pub const ALL_ROLES: &str = "api,gateway,notify,mail";

/// Runs the `roles` of Kefu with `config` until Ctrl-C or SIGTERM.
pub async fn serve(config: Config, roles: &[Role]) -> anyhow::Result<()> {
    let store = Store::open(&config.database)
        .await
        .with_context(|| format!("opening the database {}", redact(&config.database.url)))?;
    let applied = store.migrate().await.context("migrating the database")?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), "applied migrations");
    }
    // Both listeners first: each role is told where the other really listens (port 0 picks
    // a free one, as the tests do).
    let gateway_listener = if roles.contains(&Role::Gateway) {
        Some(
            tokio::net::TcpListener::bind(&config.gateway.bind)
                .await
                .with_context(|| format!("listening on {}", config.gateway.bind))?,
        )
    } else {
        None
    };
    let api_listener = if roles.contains(&Role::Api) {
        Some(
            TcpListener::bind(&config.api.bind)
                .with_context(|| format!("listening on {}", config.api.bind))?,
        )
    } else {
        None
    };
    let gateway_address = match &gateway_listener {
        Some(listener) => listener.local_addr()?.to_string(),
        None => config.gateway.bind.clone(),
    };
    let socket_url = config
        .gateway
        .public_url
        .clone()
        .unwrap_or_else(|| format!("ws://{gateway_address}"));
    let mut api_state =
        kefu_api::state(config.api.clone(), store.clone()).map_err(anyhow::Error::msg)?;
    api_state.chat_socket_url = socket_url;
    let files = crate::mail::open_files(&config)?;
    api_state.app = api_state
        .app
        .with_files(files)
        .with_mail(config.mail.clone())
        .with_console_url(&config.api.public_url());
    if let Some(url) = &config.redis.url {
        api_state
            .app
            .join_bus(url, &config.redis.channel)
            .context("joining the bus (redis.url)")?;
        tracing::info!(channel = %config.redis.channel, "events go to the other nodes over Redis");
    }
    let state = web::Data::new(api_state);
    let app = state.app.clone();
    let index_dir = config.database.search_index_dir();
    let node_index = kefu_app::search::open_node_index(&app, &index_dir)
        .await
        .with_context(|| format!("opening the search index in {}", index_dir.display()))?;
    let indexer = tokio::spawn(keep_search_index(app.clone()));
    let chat_indexer = tokio::spawn(kefu_app::chat::indexing::keep_indexed(app.clone()));
    let follower = tokio::spawn(keep_node_index(app.clone(), node_index));
    let sweeper = tokio::spawn(sweep_sessions(
        store.clone(),
        config.api.session.idle_minutes,
    ));
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let signal = tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    });
    let until_stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stopped| *stopped).await;
    };
    let mut roles_running = tokio::task::JoinSet::new();
    if let Some(listener) = gateway_listener {
        let mut gateway = config.gateway.clone();
        gateway.console_origins.push(config.api.public_url());
        if let Some(api) = &api_listener {
            gateway
                .console_origins
                .push(format!("http://{}", api.local_addr()?));
        }
        tracing::info!("the chat gateway is listening on ws://{gateway_address}");
        let app = app.clone();
        let stopped = until_stopped(stopping.clone());
        roles_running.spawn(async move {
            kefu_chat_gateway::serve(app, gateway, listener, stopped)
                .await
                .context("serving the chat gateway")
        });
    }
    if let Some(listener) = api_listener {
        let address = listener.local_addr()?;
        tracing::info!(
            database = store.backend().name(),
            "Kefu is listening on http://{address}"
        );
        let stopped = until_stopped(stopping.clone());
        roles_running.spawn(async move {
            kefu_api::serve(state, listener, stopped)
                .await
                .context("serving HTTP")
        });
    }
    if roles.contains(&Role::Notify) {
        let transport = mail_transport(&config)?;
        let app = app.clone();
        let notify = config.notify.clone();
        let stopping = stopping.clone();
        roles_running.spawn(async move {
            kefu_notify::run(app, notify, transport, stopping).await;
            Ok(())
        });
    }
    if roles.contains(&Role::Mail) {
        let app = app.clone();
        let stopping = stopping.clone();
        roles_running.spawn(async move {
            kefu_app::mail::fetching::run(app, stopping).await;
            Ok(())
        });
    }
    let mut result = Ok(());
    while let Some(done) = roles_running.join_next().await {
        if let Ok(Err(error)) = done {
            result = Err(error);
        }
    }
    signal.abort();
    sweeper.abort();
    follower.abort();
    indexer.abort();
    chat_indexer.abort();
    if let Err(error) = kefu_app::chat::indexing::index_pending(&app).await {
        tracing::warn!(%error, "indexing the last chat lines failed; the next start does");
    }
    tracing::info!("Kefu stopped");
    result
}

/// Where mail goes: the configured SMTP server, else `.eml` files.
fn mail_transport(config: &Config) -> anyhow::Result<kefu_notify::Transport> {
    if let Some(smtp) = &config.smtp {
        tracing::info!(host = %smtp.host, "mail goes out through SMTP");
        return kefu_notify::Transport::smtp(smtp).context("setting up SMTP ([smtp])");
    }
    let dir = config.notify.eml_dir.clone().unwrap_or_else(|| {
        config
            .database
            .beside_database("mail-out", "./data/mail-out")
    });
    tracing::info!(dir = %dir.display(), "no SMTP server is configured: mail is written as .eml files");
    kefu_notify::Transport::files(&dir)
        .with_context(|| format!("opening the mail directory {}", dir.display()))
}

/// How often a little of the search index is merged.
const SEARCH_TIDY_INTERVAL: Duration = Duration::from_secs(60);

/// Looks after the search index while serving: rebuilds it if an upgrade asked for it, then
/// merges a little of it every minute.
async fn keep_search_index(app: kefu_app::App) {
    rebuild_search_if_marked(&app).await;
    let mut ticks = tokio::time::interval(SEARCH_TIDY_INTERVAL);
    loop {
        ticks.tick().await;
        if let Err(error) = kefu_app::search::tidy(&app).await {
            tracing::warn!(error = %error, "merging the search index failed");
        }
    }
}

/// How often this node's own search index reads the journal of changes.
const NODE_INDEX_FOLLOW_INTERVAL: Duration = Duration::from_secs(1);
/// How often a long rebuild logs how far it is.
const PROGRESS_LOG_INTERVAL: Duration = Duration::from_secs(5);

/// Keeps this node's own search index: builds it when it has none (searches use the
/// database's index meanwhile), then applies the journal's changes every second, and builds
/// it again if it ever falls too far behind.
async fn keep_node_index(app: kefu_app::App, index: std::sync::Arc<kefu_store::search::NodeIndex>) {
    if index.is_built() {
        tracing::info!(
            dir = %index.dir().display(),
            entries = index.entries(),
            "this node's search index is ready"
        );
    }
    let mut ticks = tokio::time::interval(NODE_INDEX_FOLLOW_INTERVAL);
    loop {
        ticks.tick().await;
        if !index.is_built() {
            build_node_index(&app, &index).await;
            continue;
        }
        if let Err(error) = kefu_app::search::follow_node_index(&app, &index).await {
            tracing::warn!(error = %error, "reading the search journal failed; retrying");
        }
    }
}

async fn build_node_index(
    app: &kefu_app::App,
    index: &std::sync::Arc<kefu_store::search::NodeIndex>,
) {
    tracing::info!(
        dir = %index.dir().display(),
        "building this node's search index; searches use the database's until it is done"
    );
    let started = std::time::Instant::now();
    let progress = logged_now_and_then(|done, total| {
        tracing::info!(done, total, "building this node's search index (tickets)");
    });
    let result = kefu_app::search::build_node_index(app, index, progress).await;
    match result {
        Ok(entries) => tracing::info!(
            entries,
            seconds = started.elapsed().as_secs(),
            "this node's search index is built"
        ),
        Err(error) => {
            tracing::error!(error = %error, "building this node's search index failed; retrying")
        }
    }
}

/// A progress callback that passes `(done, total)` to `log` at most every
/// [`PROGRESS_LOG_INTERVAL`].
fn logged_now_and_then(log: impl Fn(u64, u64)) -> impl Fn(u64, u64) {
    let last_line = std::sync::Mutex::new(std::time::Instant::now());
    move |done, total| {
        let mut last = last_line.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() >= PROGRESS_LOG_INTERVAL {
            *last = std::time::Instant::now();
            log(done, total);
        }
    }
}

/// Rebuilds the search index while serving when an upgrade marked it for a rebuild; until it
/// is done, searches find only the tickets indexed so far. Several nodes starting at once
/// each rebuild it, batch by batch, to the same result.
async fn rebuild_search_if_marked(app: &kefu_app::App) {
    match kefu_app::search::rebuild_pending(app).await {
        Ok(false) => return,
        Ok(true) => tracing::warn!(
            "the search index is being rebuilt; searches are incomplete until it is done"
        ),
        Err(error) => {
            tracing::error!(error = %error, "could not tell whether the search index needs a rebuild");
            return;
        }
    }
    let progress = logged_now_and_then(|done, total| {
        tracing::info!(done, total, "rebuilding the search index");
    });
    let result = kefu_app::search::reindex(app, progress).await;
    match result {
        Ok(count) => tracing::info!(tickets = count, "the search index is rebuilt"),
        Err(error) => {
            tracing::error!(error = %error, "rebuilding the search index failed; run `kefu search reindex`")
        }
    }
}

/// Removes what can no longer be used now and then, so the tables do not grow without bound.
async fn sweep_sessions(store: Store, idle_minutes: i64) {
    let mut ticks = tokio::time::interval(SESSION_SWEEP_INTERVAL);
    loop {
        ticks.tick().await;
        let now = kefu_domain::time::now();
        let idle_cutoff = now - Span::minutes(idle_minutes);
        let swept = store
            .write(move |conn| {
                Ok::<_, StoreError>([
                    (
                        "sessions",
                        sessions::delete_expired(conn, now, idle_cutoff)?,
                    ),
                    (
                        "throttle buckets",
                        throttle::prune(conn, now - Span::hours(THROTTLE_KEEP_HOURS))?,
                    ),
                    (
                        "devices",
                        devices::prune(conn, now - Span::days(DEVICE_KEEP_DAYS))?,
                    ),
                    ("reset links", password_resets::prune(conn, now)?),
                ])
            })
            .await;
        match swept {
            Ok(counts) => {
                for (what, count) in counts.into_iter().filter(|(_, n)| *n > 0) {
                    tracing::info!(count, "removed ended {what}");
                }
            }
            Err(error) => tracing::warn!(%error, "sweeping ended sessions and buckets failed"),
        }
    }
}

/// Completes on Ctrl-C, or on SIGTERM where there is one.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_hidden_in_urls() {
        assert_eq!(
            redact("postgres://kefu:s3cret@db/kefu"),
            "postgres://kefu:***@db/kefu"
        );
        assert_eq!(redact("postgres://kefu@db/kefu"), "postgres://kefu@db/kefu");
        assert_eq!(
            redact("sqlite://./data/kefu.sqlite3"),
            "sqlite://./data/kefu.sqlite3"
        );
    }
}
