//! Adding a public reply or an internal note to a ticket, optionally setting its status. A
//! requester's reply reopens a solved ticket and ends waiting on them; an agent's public reply
//! to an unassigned ticket makes them its assignee (unless the ticket's team turned that off),
//! and on an email ticket goes out by mail through the outbox, in the same transaction.

use kefu_api_types::tickets::{MessageResponse, PostMessageRequest};
use kefu_domain::account::Team;
use kefu_domain::ids::{MessageId, TicketId};
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::ticket::{Channel, Status};
use kefu_domain::triggers::TriggerEvent;
use kefu_domain::{DomainError, status, text, time};
use kefu_store::{DbConnection, messages, reads, teams, tickets};

use crate::changes::{ChangeKind, Changed};
use crate::error::AppError;
use crate::mail::outgoing::{ChosenRecipients, MailContext};
use crate::sla::book::BookCache;
use crate::sla::clock::{self, Activity};
use crate::tickets::history;
use crate::tickets::reference::{TicketRef, load_for_update};
use crate::triggers;
use crate::triggers::run::status_key;
use crate::{App, view};

/// A new entry on a ticket's timeline, parsed.
#[derive(Clone, Debug)]
pub struct PostMessage {
    /// What was written.
    pub body: String,
    /// Public reply or internal note.
    pub visibility: Visibility,
    /// The status to set with it.
    pub status: Option<Status>,
    /// The channel it came by; if not given, the web for customers and the ticket's own
    /// channel for agents.
    pub channel: Option<Channel>,
    /// Who a public reply is mailed to, when the agent chose.
    pub recipients: Option<ChosenRecipients>,
}

impl PostMessage {
    /// Reads a request body.
    pub fn parse(request: PostMessageRequest) -> Result<Self, AppError> {
        Ok(Self {
            body: text::body(&request.body)?,
            visibility: request.visibility.unwrap_or(Visibility::Public),
            status: request.status,
            channel: None,
            recipients: match (&request.mail_to, &request.mail_cc) {
                (None, None) => None,
                (to, cc) => Some(ChosenRecipients::parse(
                    to.as_deref().unwrap_or_default(),
                    cc.as_deref().unwrap_or_default(),
                )?),
            },
        })
    }
}

/// Adds the entry as `actor`, moves the status as the reply implies, and refreshes search. A
/// public reply on a chat ticket also joins the conversation's numbered lines, so it reaches
/// the visitor live, or when they come back.
pub async fn post(
    app: &App,
    actor: Actor,
    reference: TicketRef,
    command: PostMessage,
) -> Result<Changed<MessageResponse>, AppError> {
    check_recipients(&actor, &command)?;
    let region = app.phone_region().await?;
    let mail = app.mail_context().await?;
    let sla = app.sla_book.clone();
    let (ticket, entry) = app
        .store
        .write(move |conn| {
            let (ticket, message) = write(conn, &actor, reference, command, (&mail, &sla), None)?;
            let entry = view::messages(conn, vec![message], region)?
                .pop()
                .ok_or_else(|| AppError::internal("the new entry went missing"))?;
            Ok::<_, AppError>((ticket, entry))
        })
        .await?;
    Ok(Changed::ticket(entry, ticket, ChangeKind::MessagePosted))
}

/// Chosen recipients belong to an agent's public reply only.
pub(crate) fn check_recipients(actor: &Actor, command: &PostMessage) -> Result<(), AppError> {
    if command.recipients.is_some()
        && (!actor.is_staff() || command.visibility != Visibility::Public)
    {
        return Err(AppError::invalid(
            "recipients_not_allowed",
            "only an agent's public reply is mailed to chosen recipients",
        ));
    }
    Ok(())
}

/// Writes the entry in the caller's transaction (see [`post`]), with `data` attached; returns
/// the ticket's id and the entry.
pub(crate) fn write(
    conn: &mut DbConnection,
    actor: &Actor,
    reference: TicketRef,
    command: PostMessage,
    (mail, sla): (&MailContext, &BookCache),
    data: Option<serde_json::Value>,
) -> Result<(TicketId, Message), AppError> {
    let PostMessage {
        body,
        visibility,
        status: requested_status,
        channel,
        recipients,
    } = command;
    let now = time::now();
    let (before, access) = load_for_update(conn, actor, reference)?;
    actor.may_post(access, visibility)?;
    if before.status == Status::Closed {
        return Err(DomainError::TicketClosed.into());
    }
    let from_customer = actor.role == Role::Customer;
    let mut after = before.clone();
    if from_customer {
        after.status = status::after_customer_reply(before.status)?;
    }
    if let Some(to) = requested_status.filter(|to| *to != after.status) {
        status::check_transition(after.status, to, actor.role)?;
        after.status = to;
    }
    let staff_public_reply = !from_customer && visibility == Visibility::Public;
    if staff_public_reply && after.assignee.is_none() {
        let setting = after
            .team
            .map(|id| teams::assigns_on_reply(conn, id))
            .transpose()?;
        if Team::assigns_on_reply(setting) {
            after.assignee = Some(actor.user);
            if requested_status.is_none() {
                after.status = status::after_assignment(after.status);
            }
        }
    }
    after.stamp_milestones(before.status, staff_public_reply, now);
    let message = Message {
        id: MessageId::new(),
        ticket: before.id,
        kind: match visibility {
            Visibility::Public => MessageKind::Reply,
            Visibility::Internal => MessageKind::Note,
        },
        visibility,
        author_kind: if from_customer {
            AuthorKind::Customer
        } else {
            AuthorKind::Agent
        },
        author_user: (!from_customer).then_some(actor.user),
        author_customer: if from_customer { actor.customer } else { None },
        channel: channel.unwrap_or(if from_customer {
            Channel::Web
        } else {
            before.channel
        }),
        body,
        data,
        created_at: now,
    };
    messages::insert(conn, &message)?;
    if visibility == Visibility::Public {
        crate::chat::lines::number_reply(conn, &message)?;
    }
    after.updated_at = now;
    let activity = match (visibility, from_customer) {
        (Visibility::Internal, _) => Activity::Quiet,
        (Visibility::Public, true) => Activity::CustomerWrote,
        (Visibility::Public, false) => Activity::StaffAnswered,
    };
    clock::follow(conn, sla, &before, &mut after, activity, now)?;
    tickets::save(conn, &after)?;
    if staff_public_reply {
        crate::mail::outgoing::reply_by_mail(
            conn,
            mail,
            &after,
            &message,
            recipients.as_ref(),
            now,
        )?;
    }
    if actor.is_staff() {
        reads::mark_seen(conn, actor.user, after.id, now)?;
    }
    history::record(conn, actor, &before, &after, now)?;
    history::index_message(conn, &after, &message)?;
    crate::surveys::invite::on_solved(conn, mail, (&before, &after), now)?;
    crate::integrations::message_created(conn, sla, &after, &message, now)?;
    crate::integrations::updated(conn, sla, &before, &after, now)?;
    let (event, key) = if from_customer {
        (
            TriggerEvent::CustomerReplied,
            format!("reply:{}", message.id),
        )
    } else {
        (
            TriggerEvent::StatusChanged,
            status_key(&before, &after, now),
        )
    };
    if from_customer || after.status != before.status {
        triggers::run::on(conn, (mail, sla), after.clone(), event, &key, now)?;
    }
    Ok((after.id, message))
}
