//! Replies by mail: an agent's public reply on an email ticket — or on a chat whose visitor
//! left an address and is gone — becomes an outbox row in the same transaction as the
//! message, carrying every header that threads it (`Message-ID`, `In-Reply-To`, `References`,
//! the signed reply address, the subject tag, `Thread-Topic` / `Thread-Index`).

use chrono::{DateTime, Utc};
use kefu_api_types::mail::EmailParty;
use kefu_api_types::tickets::MailRecipients;
use kefu_domain::chat::ConversationState;
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::{MessageId, OutboxId};
use kefu_domain::locale::Locale;
use kefu_domain::mail::{Mailbox, TemplateKind};
use kefu_domain::message::{Message, Visibility};
use kefu_domain::ticket::{Channel, Ticket, TicketNumber};
use kefu_mail::outbound::{self, Outbound, Party};
use kefu_mail::reply_address::ReplyAddresses;
use kefu_mail::templates::Rendered;
use kefu_store::chat::conversations;
use kefu_store::mail::email_messages::{self, EmailRecord};
use kefu_store::mail::outbox;
use kefu_store::mail::participants::{self, Participant};
use kefu_store::mail::undeliverable;
use kefu_store::{DbConnection, customers, mail::mailboxes as stored_mailboxes, messages, users};
use serde_json::json;

use crate::App;
use crate::error::AppError;
use crate::mail::{Recipients, mailboxes, templates};

/// The most Message-IDs a reply's `References` carries (the first and the newest).
const REFERENCES_MAX: usize = 20;

/// What composing mail needs that lives outside the transaction.
#[derive(Clone, Debug)]
pub struct MailContext {
    replies: ReplyAddresses,
    domain: String,
    fallback: String,
    console_url: String,
    max_bytes: u64,
}

impl MailContext {
    /// The console's address of ticket `number`.
    pub(crate) fn ticket_url(&self, number: TicketNumber) -> String {
        format!("{}/tickets/{}", self.console_url, number.get())
    }

    /// The console's public address.
    pub(crate) fn console_url(&self) -> &str {
        &self.console_url
    }

    /// The domain of Kefu's Message-IDs.
    pub(crate) fn domain(&self) -> &str {
        &self.domain
    }

    /// The address mail comes from while no mailbox is configured.
    pub(crate) fn fallback(&self) -> &str {
        &self.fallback
    }

    /// The signer of reply addresses.
    pub(crate) fn replies(&self) -> &ReplyAddresses {
        &self.replies
    }

    /// The largest mail taken, in whole megabytes.
    pub(crate) fn max_megabytes(&self) -> u64 {
        self.max_bytes.div_ceil(1024 * 1024)
    }
}

impl App {
    /// What composing mail needs, read before a transaction that may send mail.
    pub async fn mail_context(&self) -> Result<MailContext, AppError> {
        Ok(MailContext {
            replies: self.reply_addresses().await?,
            domain: self.mail().config.domain.clone(),
            fallback: self.mail().config.default_address.clone(),
            console_url: self.mail().console_url.clone(),
            max_bytes: self.mail().config.max_bytes,
        })
    }
}

/// Whether a public reply on `ticket` goes out by mail: email tickets always, chats once the
/// visitor is gone (the conversation ended), and messages left on the widget's offline form
/// (chat tickets without a conversation).
fn goes_by_mail(conn: &mut DbConnection, ticket: &Ticket) -> Result<bool, AppError> {
    Ok(match ticket.channel {
        Channel::Email => true,
        Channel::Chat => conversations::find(conn, ticket.id)?
            .is_none_or(|chat| chat.conversation.state == ConversationState::Ended),
        _ => false,
    })
}

/// The people a reply is mailed to, chosen by the agent instead of the ticket's defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChosenRecipients {
    /// Its recipients.
    pub to: Vec<EmailAddress>,
    /// Its copied recipients.
    pub cc: Vec<EmailAddress>,
}

impl ChosenRecipients {
    /// Reads the addresses an agent typed: each must be an address, at least one is needed,
    /// and no more than a ticket's participants in all.
    pub fn parse(to: &[String], cc: &[String]) -> Result<Self, AppError> {
        let read = |list: &[String]| -> Result<Vec<EmailAddress>, AppError> {
            let mut seen: Vec<EmailAddress> = Vec::new();
            for raw in list.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
                let address = EmailAddress::parse(raw).map_err(|_| {
                    AppError::invalid(
                        "invalid_recipient",
                        format!("`{raw}` is not an email address"),
                    )
                })?;
                if !seen.iter().any(|s| s.lookup_key() == address.lookup_key()) {
                    seen.push(address);
                }
            }
            Ok(seen)
        };
        let to = read(to)?;
        let cc: Vec<EmailAddress> = read(cc)?
            .into_iter()
            .filter(|c| !to.iter().any(|t| t.lookup_key() == c.lookup_key()))
            .collect();
        if to.is_empty() && cc.is_empty() {
            return Err(AppError::invalid(
                "no_recipient",
                "name at least one person to mail the reply to",
            ));
        }
        if to.len() + cc.len() > kefu_domain::mail::MAX_PARTICIPANTS {
            return Err(AppError::invalid(
                "too_many_recipients",
                format!(
                    "a reply goes to at most {} people",
                    kefu_domain::mail::MAX_PARTICIPANTS
                ),
            ));
        }
        Ok(Self { to, cc })
    }
}

/// A mail's recipients and copied recipients.
pub type ToAndCc = (Vec<Party>, Vec<Party>);

/// Who a public reply on `ticket` is mailed to by default: the requester where they last
/// wrote from (else at their first address), and everyone taking part; `None` when the
/// ticket takes no replies by mail.
pub fn default_recipients(
    conn: &mut DbConnection,
    ticket: &Ticket,
) -> Result<Option<ToAndCc>, AppError> {
    if !goes_by_mail(conn, ticket)? {
        return Ok(None);
    }
    let last = email_messages::last_received(conn, ticket.id)?;
    let requester = customers::summaries(conn, &[ticket.requester])?.pop();
    let to_address = last
        .as_ref()
        .filter(|l| {
            requester
                .as_ref()
                .and_then(|r| r.email.as_deref())
                .is_some_and(|e| e.eq_ignore_ascii_case(&l.from_address))
        })
        .map(|l| l.from_address.clone())
        .or_else(|| requester.as_ref().and_then(|r| r.email.clone()));
    let to: Vec<Party> = to_address
        .map(|address| Party {
            name: requester.as_ref().map(|r| r.name.clone()),
            address,
        })
        .into_iter()
        .collect();
    let cc: Vec<Party> = participants::of_ticket(conn, ticket.id)?
        .into_iter()
        .filter(|p| {
            !to.iter()
                .any(|t| t.address.eq_ignore_ascii_case(p.email.as_str()))
        })
        .map(|p| Party {
            name: p.name,
            address: p.email.as_str().to_owned(),
        })
        .collect();
    Ok(Some((to, cc)))
}

/// The agent's chosen recipients as parties, named where Kefu knows them; anyone new is
/// copied onto the ticket from now on.
fn chosen_parties(
    conn: &mut DbConnection,
    ticket: &Ticket,
    chosen: &ChosenRecipients,
    known: &[Party],
    now: DateTime<Utc>,
) -> Result<ToAndCc, AppError> {
    let party = |address: &EmailAddress| Party {
        name: known
            .iter()
            .find(|k| k.address.eq_ignore_ascii_case(address.as_str()))
            .and_then(|k| k.name.clone()),
        address: address.as_str().to_owned(),
    };
    let newcomers: Vec<Participant> = chosen
        .to
        .iter()
        .chain(&chosen.cc)
        .filter(|a| {
            !known
                .iter()
                .any(|k| k.address.eq_ignore_ascii_case(a.as_str()))
        })
        .map(|a| Participant {
            email: a.clone(),
            name: None,
        })
        .collect();
    participants::add(conn, ticket.id, &newcomers, now)?;
    Ok((
        chosen.to.iter().map(party).collect(),
        chosen.cc.iter().map(party).collect(),
    ))
}

/// Writes the mail of an agent's public reply to the outbox, if the ticket takes replies by
/// mail and someone can receive it — to the people the agent chose, else to the ticket's
/// defaults. Returns whether a mail was written.
pub fn reply_by_mail(
    conn: &mut DbConnection,
    context: &MailContext,
    ticket: &Ticket,
    message: &Message,
    chosen: Option<&ChosenRecipients>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    if message.visibility != Visibility::Public {
        return Ok(false);
    }
    let Some((default_to, default_cc)) = default_recipients(conn, ticket)? else {
        if chosen.is_some() {
            return Err(AppError::invalid(
                "not_by_mail",
                "replies on this ticket do not go by mail",
            ));
        }
        return Ok(false);
    };
    let (mut to, mut cc) = match chosen {
        Some(chosen) => {
            let known: Vec<Party> = default_to.iter().chain(&default_cc).cloned().collect();
            chosen_parties(conn, ticket, chosen, &known, now)?
        }
        None => (default_to, default_cc),
    };
    let mailbox = ticket_mailbox(conn, context, ticket, now)?;
    let requester = customers::summaries(conn, &[ticket.requester])?.pop();
    let everyone: Vec<EmailAddress> = to
        .iter()
        .chain(&cc)
        .map(|p| EmailAddress::from_stored(p.address.clone()))
        .collect();
    let bounced = undeliverable::among(conn, &everyone)?;
    let reachable = |p: &Party| {
        !bounced
            .iter()
            .any(|b| b.email.eq_ignore_ascii_case(&p.address))
    };
    to.retain(reachable);
    cc.retain(reachable);
    if to.is_empty() && cc.is_empty() {
        if !bounced.is_empty() {
            // Said on the ticket, so nobody believes the customer was answered.
            let addresses: Vec<&str> = bounced.iter().map(|b| b.email.as_str()).collect();
            let list = addresses.join(", ");
            messages::insert(
                conn,
                &crate::mail::ingest::system_event(
                    ticket,
                    format!(
                        "This reply was not mailed: {list} bounced before. / 此回复未发送邮件：{list} 此前已退信。"
                    ),
                    serde_json::json!({ "not_mailed": addresses }),
                    now,
                ),
            )?;
        }
        return Ok(false);
    }
    if to.is_empty() {
        to = std::mem::take(&mut cc);
    }
    let locale = customer_locale(conn, ticket)?;
    let agent = match message.author_user {
        Some(user) => users::find(conn, user)?.name,
        None => mailbox.name.clone(),
    };
    let rendered = templates::render(
        conn,
        TemplateKind::Reply,
        locale,
        &json!({
            "customer": { "name": requester.as_ref().map(|r| r.name.clone()).unwrap_or_default() },
            "ticket": { "number": ticket.number.get(), "subject": ticket.subject },
            "message": { "body": message.body },
            "agent": { "name": agent },
            "mailbox": { "name": mailbox.name },
        }),
    )?;
    to_customer(
        conn,
        context,
        CustomerMail {
            ticket,
            mailbox: &mailbox,
            to,
            cc,
            rendered,
            automatic: false,
            message: Some(message.id),
            record: true,
            attachments: Vec::new(),
        },
        now,
    )?;
    Ok(true)
}

/// The language mail to a ticket's requester is written in: theirs if known, else the one
/// the ticket's subject is written in.
pub(crate) fn customer_locale(
    conn: &mut DbConnection,
    ticket: &Ticket,
) -> Result<Locale, AppError> {
    Ok(customers::locale_of(conn, ticket.requester)?
        .and_then(|tag| Locale::parse(&tag).ok())
        .unwrap_or_else(|| Locale::guess(&ticket.subject)))
}

/// A mail to a ticket's customers, written from a template.
pub(crate) struct CustomerMail<'a> {
    /// The ticket it is about.
    pub ticket: &'a Ticket,
    /// The mailbox it comes from.
    pub mailbox: &'a Mailbox,
    /// Its recipients.
    pub to: Vec<Party>,
    /// Its copied recipients.
    pub cc: Vec<Party>,
    /// What it says.
    pub rendered: Rendered,
    /// Whether a machine sends it (acknowledgements).
    pub automatic: bool,
    /// The timeline entry it carries, if any.
    pub message: Option<MessageId>,
    /// Whether it is kept as the email of that entry (replies are; notices are not).
    pub record: bool,
    /// Files sent with it (a calendar invitation).
    pub attachments: Vec<kefu_mail::outbound::OutboundFile>,
}

/// The mailbox a ticket's mail comes from: the one its first mail came in on, else the
/// default.
pub(crate) fn ticket_mailbox(
    conn: &mut DbConnection,
    context: &MailContext,
    ticket: &Ticket,
    now: DateTime<Utc>,
) -> Result<Mailbox, AppError> {
    let first = email_messages::first_of(conn, ticket.id)?;
    Ok(
        match first
            .as_ref()
            .map(|f| stored_mailboxes::find(conn, f.mailbox))
            .transpose()?
            .flatten()
        {
            Some(mailbox) => mailbox,
            None => mailboxes::default_mailbox(conn, &context.fallback, now)?,
        },
    )
}

/// Writes a mail to a ticket's customers to the outbox, threaded like every mail of the
/// ticket: its Message-ID, `In-Reply-To` the customer's last mail, `References`, the signed
/// reply address, the subject tag and Outlook's thread headers.
pub(crate) fn to_customer(
    conn: &mut DbConnection,
    context: &MailContext,
    mail: CustomerMail<'_>,
    now: DateTime<Utc>,
) -> Result<OutboxId, AppError> {
    let CustomerMail {
        ticket,
        mailbox,
        to,
        cc,
        rendered,
        automatic,
        message,
        record,
        attachments,
    } = mail;
    let last = email_messages::last_received(conn, ticket.id)?;
    let mut references = email_messages::thread_of(conn, ticket.id)?;
    if references.len() > REFERENCES_MAX {
        let first = references[0].clone();
        let keep = references.split_off(references.len() - (REFERENCES_MAX - 1));
        references = std::iter::once(first).chain(keep).collect();
    }
    let header_id = format!("{}@{}", message.unwrap_or_default(), context.domain);
    let recipient = to
        .first()
        .map(|p| EmailAddress::from_stored(p.address.clone()).lookup_key());
    let outbound = Outbound {
        message_id: header_id.clone(),
        from: Party {
            name: Some(mailbox.name.clone()),
            address: mailbox.address.as_str().to_owned(),
        },
        reply_to: Some(
            context
                .replies
                .address(mailbox.address.as_str(), ticket.number),
        ),
        to: to.clone(),
        cc: cc.clone(),
        subject: outbound::tagged_subject(ticket.number, &rendered.subject),
        in_reply_to: last.as_ref().map(|l| l.header_id.clone()),
        references,
        thread_topic: kefu_mail::threading::clean_subject(&ticket.subject),
        thread_index: outbound::thread_index(ticket.id.as_uuid(), ticket.created_at, now),
        automatic,
        text: rendered.text,
        html: Some(rendered.html),
        date: now,
        attachments,
    };
    let payload = serde_json::to_string(&outbound).map_err(|e| AppError::Internal(Box::new(e)))?;
    if record && let Some(message) = message {
        let list = |parties: &[Party]| {
            parties
                .iter()
                .map(|p| EmailParty {
                    name: p.name.clone(),
                    address: p.address.clone(),
                })
                .collect()
        };
        email_messages::insert(
            conn,
            &EmailRecord {
                message,
                ticket: ticket.id,
                mailbox: mailbox.id,
                inbound: false,
                header_id,
                from_address: mailbox.address.as_str().to_owned(),
                from_name: Some(mailbox.name.clone()),
                recipients: Recipients {
                    to: list(&to),
                    cc: list(&cc),
                }
                .to_json(),
                subject: outbound.subject.clone(),
                thread_rule: "sent".to_owned(),
                html: outbound.html.clone(),
                quoted: None,
                raw_sha256: None,
                automatic: None,
                created_at: now,
            },
        )?;
    }
    Ok(outbox::enqueue(
        conn,
        Some(ticket.id),
        message,
        recipient.as_deref(),
        &payload,
        automatic,
        now,
    )?)
}

/// Who a public reply on the ticket would be mailed to, for the reply box (agents).
pub async fn reply_recipients(
    app: &App,
    actor: kefu_domain::permissions::Actor,
    reference: crate::tickets::TicketRef,
) -> Result<MailRecipients, AppError> {
    actor.may_work_tickets()?;
    app.store
        .read(move |conn| {
            let (ticket, _) = crate::tickets::reference::load_visible(conn, &actor, reference)?;
            let Some((to, cc)) = default_recipients(conn, &ticket)? else {
                return Ok(MailRecipients {
                    by_mail: false,
                    to: Vec::new(),
                    cc: Vec::new(),
                    undeliverable: Vec::new(),
                });
            };
            let everyone: Vec<EmailAddress> = to
                .iter()
                .chain(&cc)
                .map(|p| EmailAddress::from_stored(p.address.clone()))
                .collect();
            let undeliverable = undeliverable::among(conn, &everyone)?
                .into_iter()
                .map(|b| b.email.as_str().to_owned())
                .collect();
            let shown = |parties: Vec<Party>| {
                parties
                    .into_iter()
                    .map(|p| EmailParty {
                        name: p.name,
                        address: p.address,
                    })
                    .collect()
            };
            Ok::<_, AppError>(MailRecipients {
                by_mail: true,
                to: shown(to),
                cc: shown(cc),
                undeliverable,
            })
        })
        .await
}
