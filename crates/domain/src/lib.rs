//! Kefu's domain: the words of the helpdesk as types, and the rules between them.
//!
//! Everything here is pure: no database, no network, no clock except [`time::now`].
//! Values are parsed once at the edge (`EmailAddress::parse`, `PhoneNumber::parse`, …) so that
//! the rest of the code can rely on their validity.

mod string_enum;

pub mod access_token;
pub mod account;
pub mod audit;
pub mod browser;
pub mod calendar;
pub mod call;
pub mod chat;
pub mod email;
pub mod error;
pub mod escalation;
pub mod file;
pub mod ids;
pub mod integration;
pub mod locale;
pub mod macros;
pub mod mail;
pub mod message;
pub mod password;
pub mod permissions;
pub mod phone;
pub mod redact;
pub mod role;
pub mod routing;
pub mod sla;
pub mod status;
pub mod survey;
pub mod tag;
pub mod telephony;
pub mod text;
pub mod throttle;
pub mod ticket;
pub mod time;
pub mod triggers;
pub mod vendor;
pub mod visit;
pub mod webhook;
pub mod widget;

pub use error::DomainError;
