//! The email channel's rows: mailboxes and their IMAP cursors, the email behind each message,
//! the mail of escalations to vendors who work by mail, the people copied on tickets, the outbox, bounced addresses, the quarantine and the
//! templates admins changed.

pub mod email_messages;
pub mod escalation_emails;
pub mod mailboxes;
pub mod outbox;
pub mod participants;
pub mod quarantine;
pub mod templates;
pub mod undeliverable;
