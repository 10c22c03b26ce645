//! The store, on SQLite and on PostgreSQL: every test runs once on each.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod fixtures;
mod migrations;
mod node_index;
mod reports;
mod search;
mod sessions;
mod tickets;
