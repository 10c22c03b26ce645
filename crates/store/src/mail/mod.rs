//! The email channel's rows: mailboxes and their IMAP cursors, the email behind each message,
//! the people copied on tickets, the outbox, bounced addresses and the quarantine.

pub mod email_messages;
pub mod mailboxes;
pub mod outbox;
pub mod participants;
pub mod quarantine;
pub mod undeliverable;
