//! Logging with `tracing`.

use tracing_subscriber::EnvFilter;

/// Sends logs to standard error, filtered by `RUST_LOG` or else `filter`.
pub fn init(filter: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(filter));
    // A second initialisation (tests calling in twice) keeps the first subscriber.
    if tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init()
        .is_err()
    {
        tracing::debug!("logging was already initialised");
    }
}
