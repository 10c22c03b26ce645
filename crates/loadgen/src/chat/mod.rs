//! The live-chat benchmarks: visitors and agents on real WebSockets against the chat gateway,
//! and the same traffic against a bare tokio-tungstenite relay (built from the same crate
//! versions) as the baseline of the same run.
//!
//! Fixtures (a team, agents, a widget) are written straight into the server's database with
//! Kefu's own use cases; tokens are minted the same way, so the measured server does only what
//! it does for real clients: sockets, frames, commits and fan-out.

pub mod fixtures;
pub mod relay;
pub mod scenarios;
pub mod socket;

/// When a line was sent, written into its text: microseconds since the run began.
pub fn stamp(start: std::time::Instant) -> String {
    format!("t={}", start.elapsed().as_micros())
}

/// The send time written by [`stamp`], if the text carries one.
pub fn stamp_of(text: &str) -> Option<u128> {
    text.strip_prefix("t=")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
