//! `kefu serve`: migrate, then run the API until interrupted.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::web;
use anyhow::Context;
use chrono::Duration as Span;
use kefu_store::{Store, sessions};

use crate::config::Config;

/// How often ended sessions are swept from the database.
const SESSION_SWEEP_INTERVAL: Duration = Duration::from_secs(15 * 60);

/// Runs Kefu with `config` until Ctrl-C or SIGTERM.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let store = Store::open(&config.database)
        .await
        .with_context(|| format!("opening the database {}", redact(&config.database.url)))?;
    let applied = store.migrate().await.context("migrating the database")?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), "applied migrations");
    }
    let state = web::Data::new(
        kefu_api::state(config.api.clone(), store.clone()).map_err(anyhow::Error::msg)?,
    );
    let listener = TcpListener::bind(&config.api.bind)
        .with_context(|| format!("listening on {}", config.api.bind))?;
    let address = listener.local_addr()?;
    tracing::info!(
        database = store.backend().name(),
        "Kefu is listening on http://{address}"
    );
    let sweeper = tokio::spawn(sweep_sessions(store, config.api.session.idle_minutes));
    let result = kefu_api::serve(state, listener, shutdown_signal()).await;
    sweeper.abort();
    tracing::info!("Kefu stopped");
    result.context("serving HTTP")
}

/// Removes ended sessions now and then, so the table does not grow without bound.
async fn sweep_sessions(store: Store, idle_minutes: i64) {
    let mut ticks = tokio::time::interval(SESSION_SWEEP_INTERVAL);
    loop {
        ticks.tick().await;
        let now = kefu_domain::time::now();
        let cutoff = now - Span::minutes(idle_minutes);
        match store
            .write(move |conn| sessions::delete_expired(conn, now, cutoff))
            .await
        {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "removed ended sessions"),
            Err(error) => tracing::warn!(%error, "removing ended sessions failed"),
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
