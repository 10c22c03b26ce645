//! The bodies of Kefu's HTTP API: what clients send and receive under `/api/v1`.
//!
//! Shared by the server (which derives the OpenAPI document from them), the tests and the load
//! generator. Requests refuse unknown fields, so a typo is an error rather than a silent no-op.

pub mod accounts;
pub mod auth;
pub mod chat;
pub mod customers;
pub mod escalations;
pub mod files;
pub mod integrations;
pub mod macros;
pub mod mail;
pub mod nullable;
pub mod object;
pub mod problem;
pub mod queries;
pub mod reports;
pub mod routing;
pub mod schema;
pub mod sla;
pub mod surveys;
pub mod telephony;
pub mod tickets;
pub mod triggers;
pub mod vendors;
pub mod visits;
pub mod whole;
pub mod widgets;

pub use problem::Problem;
