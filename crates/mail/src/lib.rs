//! Kefu's email channel rules, without IO: read an inbound RFC 5322 message (any charset),
//! tell automatic mail and bounces from people's mail, strip quoted history, sanitise HTML,
//! decide which ticket a message joins and why, and build outbound replies whose headers no
//! input can break.

pub mod automatic;
pub mod headers;
pub mod html;
pub mod ical;
pub mod inbound;
pub mod outbound;
pub mod quotes;
pub mod reply_address;
pub mod templates;
pub mod threading;

pub use inbound::{Attachment, InboundMail, Mailbox};
pub use threading::{ThreadDecision, ThreadRule};

/// Why a message could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MailError {
    /// The bytes are not an RFC 5322 message.
    #[error("this is not an email message (no headers could be read)")]
    NotAMessage,
    /// The message has no usable sender.
    #[error("the message has no sender address in From, Reply-To or Sender")]
    NoSender,
    /// The message is bigger than the configured limit.
    #[error("the message is {size} bytes, more than the {max} bytes taken")]
    TooBig {
        /// Its size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The message could not be read (a fault in reading it, or its files could not be kept).
    #[error("the message could not be read: {0}")]
    Unreadable(String),
    /// An outbound message could not be built.
    #[error("the reply could not be built: {0}")]
    Build(String),
}
