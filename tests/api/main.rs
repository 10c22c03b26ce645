//! The HTTP API of a real server on port 0, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod access;
mod auth;
mod chat;
mod console;
mod errors;
mod escalations;
mod exposure;
mod macros;
mod mail;
mod mail_handling;
mod matrix;
mod openapi;
mod permissions;
mod phones;
mod probes;
mod reports;
mod routing;
mod search;
mod sla;
mod support;
mod surveys;
mod tickets;
mod visits;
