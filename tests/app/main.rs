//! The use cases every role shares, called as a role would (no HTTP), on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod changes;
mod escalation_mail;
mod imap;
mod integrations;
mod mail;
mod notify;
mod reminders;
mod sla;
mod triggers;
mod webhooks;
