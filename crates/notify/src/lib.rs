//! Kefu's notification role: a worker that delivers the outbox. It claims due mails (so
//! several nodes never send the same one at once), sends each through SMTP — or writes it as
//! an `.eml` file when no SMTP server is configured — and records how it went: sent, due
//! again with backoff, or failed for good (written on the ticket). Beside it, a second
//! worker calls vendors' webhooks the same way (see [`webhooks`]), and a sweep reminds vendors
//! of escalations due ([`reminders`]), and the report summary is folded ([`reports`]).

pub mod assignment;
pub mod automations;
pub mod config;
pub mod reminders;
pub mod reports;
pub mod sla;
pub mod smtp;
pub mod transport;
pub mod webhooks;
pub mod worker;

pub use config::{NotifyConfig, SmtpConfig, SmtpSecurity};
pub use transport::Transport;
pub use worker::run;
