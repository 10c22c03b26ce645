//! The `kefu` binary's library: configuration, the CLI, and the wiring of Kefu's roles.

pub mod cli;
pub mod config;
pub mod demo;
pub mod mail;
pub mod serve;
pub mod telemetry;
pub mod users;
