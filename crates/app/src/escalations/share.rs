//! What an escalation shares with its vendor: the brief, chosen messages and files, and the
//! customer's details, redacted as the agent chose. The preview and the escalation itself are
//! built by the same code, so the vendor sees exactly what the agent previewed.

use kefu_api_types::escalations::{MaskCounts, ShareChoice, SharedContactBody, SharedEntry};
use kefu_domain::escalation::SharedContact;
use kefu_domain::ids::{FileId, MessageId};
use kefu_domain::message::{Message, MessageKind};
use kefu_domain::redact::{self, Redacted, Sharing};
use kefu_domain::text;
use kefu_domain::ticket::Ticket;
use kefu_domain::vendor::Vendor;
use kefu_store::chat::files::{self as stored_files, StoredFile};
use kefu_store::{DbConnection, customers, messages};

use crate::error::AppError;

/// The most ticket messages one escalation shares.
pub const MESSAGES_MAX: usize = 50;
/// The most files one escalation shares.
pub const FILES_MAX: usize = 20;

/// Everything an escalation will show its vendor.
#[derive(Clone, Debug)]
pub struct Shared {
    /// The title: the ticket's subject, redacted.
    pub subject: String,
    /// The brief, redacted.
    pub brief: String,
    /// The customer's details, when shared.
    pub contact: Option<SharedContact>,
    /// The shared messages with their redacted text.
    pub entries: Vec<(Message, String)>,
    /// The shared files.
    pub files: Vec<StoredFile>,
    /// How much was masked.
    pub masked: MaskCounts,
    /// What the agent chose to share.
    pub sharing: Sharing,
    /// The customer's name, for redacting what is added later (file names).
    customer_name: String,
}

fn count(masked: &mut MaskCounts, r: &Redacted) {
    masked.emails += r.emails;
    masked.phones += r.phones;
    masked.order_numbers += r.order_numbers;
    masked.names += r.names;
}

fn unique<T: PartialEq + Copy>(list: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(list.len());
    for item in list {
        if !out.contains(item) {
            out.push(*item);
        }
    }
    out
}

/// Builds what `vendor` will see of `ticket` given the agent's `brief` and `choice`.
pub fn prepare(
    conn: &mut DbConnection,
    ticket: &Ticket,
    vendor: &Vendor,
    brief: &str,
    choice: &ShareChoice,
) -> Result<Shared, AppError> {
    let brief = text::body(brief).map_err(|_| {
        AppError::invalid(
            "invalid_text",
            "the brief must say what the customer needs and what is asked of the vendor",
        )
    })?;
    if choice.messages.len() > 2 * MESSAGES_MAX || choice.files.len() > 2 * FILES_MAX {
        return Err(AppError::invalid(
            "too_many",
            format!("share at most {MESSAGES_MAX} messages and {FILES_MAX} files"),
        ));
    }
    let message_ids: Vec<MessageId> = unique(&choice.messages);
    let file_ids: Vec<FileId> = unique(&choice.files);
    if message_ids.len() > MESSAGES_MAX {
        return Err(kefu_domain::DomainError::TooMany {
            what: "shared messages",
            max: MESSAGES_MAX,
        }
        .into());
    }
    if file_ids.len() > FILES_MAX {
        return Err(kefu_domain::DomainError::TooMany {
            what: "shared files",
            max: FILES_MAX,
        }
        .into());
    }
    let sharing = Sharing {
        contact: choice.contact.unwrap_or(vendor.share_contact_by_default),
        order_numbers: choice.order_numbers,
    };
    let customer = customers::find(conn, ticket.requester)?;
    let name = Some(customer.name.as_str());
    let mut masked = MaskCounts::default();
    let mut redact = |text: &str| {
        let r = redact::redact(text, sharing, name);
        count(&mut masked, &r);
        r.text
    };
    let subject = redact(&ticket.subject);
    let brief = redact(&brief);
    let mut entries = Vec::with_capacity(message_ids.len());
    for id in message_ids {
        let message = messages::find_on(conn, ticket.id, id)?
            .filter(|m| m.kind != MessageKind::Event)
            .ok_or_else(|| {
                AppError::invalid(
                    "invalid_share",
                    format!("message {id} is not a reply, note or call on this ticket"),
                )
            })?;
        let body = redact(&message.body);
        entries.push((message, body));
    }
    let mut files = Vec::with_capacity(file_ids.len());
    for id in file_ids {
        let file = stored_files::find(conn, id)?
            .filter(|f| f.ticket == ticket.id)
            .ok_or_else(|| {
                AppError::invalid("invalid_share", format!("file {id} is not on this ticket"))
            })?;
        files.push(file);
    }
    let contact = sharing.contact.then(|| SharedContact {
        name: Some(customer.name.clone()),
        email: customer.emails.first().map(ToString::to_string),
        phone: customer.phones.first().map(|p| p.as_str().to_owned()),
    });
    Ok(Shared {
        subject,
        brief,
        contact,
        entries,
        files,
        masked,
        sharing,
        customer_name: customer.name,
    })
}

impl Shared {
    /// A shared file's name as the vendor sees it (`13800138000_receipt.jpg` is a phone
    /// number, too).
    pub fn file_name(&self, file: &StoredFile) -> String {
        redact::redact(&file.name, self.sharing, Some(&self.customer_name)).text
    }

    /// The shared messages as the vendor sees them.
    pub fn shared_entries(&self) -> Vec<SharedEntry> {
        self.entries
            .iter()
            .map(|(m, body)| SharedEntry {
                message: m.id,
                body: body.clone(),
                written_at: m.created_at,
            })
            .collect()
    }

    /// The customer's details as the vendor sees them.
    pub fn contact_body(&self) -> Option<SharedContactBody> {
        self.contact.as_ref().map(|c| SharedContactBody {
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
        })
    }
}
