//! A visitor starting a chat from the widget's pre-chat form, or leaving a message with the
//! offline form when nobody of the team is online.

use chrono::{DateTime, Utc};
use kefu_domain::chat::{ConversationState, team_takes_chats};
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::{TicketId, VisitorId, WidgetId};
use kefu_domain::integration::IntegrationEvent::{ChatStarted, TicketCreated};
use kefu_domain::message::Message;
use kefu_domain::ticket::{Channel, Stage, Ticket, TicketNumber};
use kefu_domain::triggers::TriggerEvent;
use kefu_domain::{text, time};
use kefu_store::chat::conversations::{self, Chat, VisitorContext};
use kefu_store::chat::messages_left::{self, MessageLeft};
use kefu_store::chat::visitors::{self, Visitor};
use kefu_store::chat::{lines, team_settings, widgets};
use kefu_store::search::SearchEntry;
use kefu_store::search::index as search_index;
use kefu_store::{DbConnection, dialect, messages, tickets};

use crate::App;
use crate::changes::{Change, ChangeKind};
use crate::chat::events::ChatEvent;
use crate::chat::outcome::Outcome;
use crate::chat::{queue, routing};
use crate::customers::find_or_create::{self, RequesterSpec};
use crate::error::AppError;
use crate::integrations;
use crate::mail::outgoing::MailContext;
use crate::routing::arrival::{self, Facts};
use crate::sla::book::BookCache;
use crate::sla::clock;
use crate::triggers;

/// The longest chat line, in characters.
pub const LINE_MAX: usize = 5_000;
/// The longest page address or browser description kept, in characters.
const CONTEXT_MAX: usize = 1_000;

/// What the pre-chat or offline form says, checked.
#[derive(Clone, Debug)]
pub struct ChatForm {
    /// What it is about; picks the team.
    pub stage: Stage,
    /// The visitor's name.
    pub name: String,
    /// Their email address, for replies after they leave.
    pub email: Option<EmailAddress>,
    /// Their first line.
    pub text: Option<String>,
    /// Where they are.
    pub context: VisitorContext,
}

impl ChatForm {
    /// Reads the form's fields; `email_required` for the offline form.
    pub fn parse(
        stage: Stage,
        name: &str,
        email: Option<&str>,
        text_in: Option<&str>,
        context: VisitorContext,
        email_required: bool,
    ) -> Result<Self, AppError> {
        let email = email
            .filter(|e| !e.trim().is_empty())
            .map(EmailAddress::parse)
            .transpose()?;
        if email_required && email.is_none() {
            return Err(AppError::invalid(
                "email_required",
                "leave your email address so we can answer you",
            ));
        }
        let text_in = text::optional("text", text_in, LINE_MAX, true)?;
        if email_required && text_in.is_none() {
            return Err(AppError::invalid(
                "text_required",
                "write your message in `text`",
            ));
        }
        let keep = |v: Option<String>| v.map(|v| v.chars().take(CONTEXT_MAX).collect());
        Ok(Self {
            stage,
            name: text::name("name", name)?,
            email,
            text: text_in,
            context: VisitorContext {
                page_url: context
                    .page_url
                    .as_deref()
                    .and_then(kefu_domain::widget::page_address),
                language: keep(context.language).map(|l: String| l.chars().take(35).collect()),
                user_agent: keep(context.user_agent),
            },
        })
    }
}

/// The visitor's conversation that has not ended, if any.
pub fn current(conn: &mut DbConnection, visitor: VisitorId) -> Result<Option<TicketId>, AppError> {
    Ok(conversations::of_visitor(conn, visitor, 5)?
        .into_iter()
        .find(|c| c.conversation.state != ConversationState::Ended)
        .map(|c| c.ticket))
}

/// The visitor's latest conversation, ended or not (shown again when they come back).
pub async fn latest(app: &App, visitor: VisitorId) -> Result<Option<TicketId>, AppError> {
    app.store
        .read(move |conn| {
            Ok::<_, AppError>(
                conversations::of_visitor(conn, visitor, 1)?
                    .pop()
                    .map(|c| c.ticket),
            )
        })
        .await
}

/// A new chat ticket for the form (a `live` chat, or a message left offline), routed, its
/// first line if any.
fn open_ticket(
    conn: &mut DbConnection,
    (mail, sla): (&MailContext, &BookCache),
    visitor: &Visitor,
    form: &ChatForm,
    (team, live): (kefu_domain::ids::TeamId, bool),
    now: DateTime<Utc>,
) -> Result<(Ticket, Option<Message>), AppError> {
    let spec = RequesterSpec::Contact {
        name: Some(form.name.clone()),
        email: form.email.clone(),
        phone: None,
        organisation: None,
    };
    let requester = find_or_create::resolve(conn, spec, now)?;
    visitors::set_customer(conn, visitor.id, requester.id)?;
    let number = dialect::next_ticket_numbers(conn, 1)?
        .pop()
        .ok_or_else(|| AppError::internal("no ticket number was reserved"))?;
    let subject = match &form.text {
        Some(t) => {
            let line = t.lines().next().unwrap_or_default();
            let short: String = line.chars().take(80).collect();
            text::subject(&short).unwrap_or_else(|_| format!("Chat: {}", form.name))
        }
        None => format!("Chat: {}", form.name),
    };
    let mut ticket = Ticket::opened_by_customer(
        TicketNumber::new(number)?,
        subject,
        form.stage,
        Channel::Chat,
        requester.id,
        Some(team),
        now,
    );
    let facts = Facts {
        body: form.text.as_deref().unwrap_or_default(),
        live_chat: live,
        ..Facts::default()
    };
    let routing = arrival::route(conn, sla, &mut ticket, facts, now)?;
    clock::start(conn, sla, &mut ticket, now)?;
    tickets::insert(conn, &ticket)?;
    routing.record(conn, mail, &ticket, now)?;
    let first = form.text.as_ref().map(|body| {
        Message::from_customer(
            ticket.id,
            requester.id,
            Channel::Chat,
            body.clone(),
            None,
            now,
        )
    });
    let mut texts = Vec::new();
    if let Some(m) = &first {
        messages::insert(conn, m)?;
        texts.push((m.id.to_string(), m.visibility, m.body.clone()));
    }
    search_index::write(conn, &SearchEntry::all_of(&ticket, &texts)?)?;
    let opening = first
        .as_ref()
        .map(|m| ("message", integrations::payload::message(m)));
    integrations::ticket_event(conn, sla, TicketCreated, &ticket, opening.clone(), now)?;
    if live {
        integrations::ticket_event(conn, sla, ChatStarted, &ticket, opening, now)?;
    }
    let ticket = triggers::run::on(
        conn,
        (mail, sla),
        ticket,
        TriggerEvent::TicketCreated,
        "created",
        now,
    )?;
    Ok((ticket, first))
}

/// The team a widget sends chats about `stage` to.
fn team_of(
    conn: &mut DbConnection,
    widget: WidgetId,
    stage: Stage,
) -> Result<kefu_domain::ids::TeamId, AppError> {
    widgets::find(conn, widget)?
        .teams
        .team_for(stage)
        .ok_or_else(|| AppError::invalid("stage_closed", "this website takes no chats about that"))
}

/// A chat started by the widget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Started {
    /// Its ticket.
    pub ticket: TicketId,
    /// The ticket's number.
    pub number: i64,
}

/// Starts a chat for `visitor` (or returns the one they have going): a `chat` ticket in the
/// stage's team, waiting in its queue, then routed.
pub async fn start(
    app: &App,
    visitor: &Visitor,
    form: ChatForm,
) -> Result<Outcome<Started>, AppError> {
    let visitor = visitor.clone();
    let widget = visitor.widget.ok_or(AppError::NotFound("widget"))?;
    let sla = app.sla_book.clone();
    let mail = app.mail_context().await?;
    let started = app
        .store
        .write(move |conn| {
            if let Some(ticket) = current(conn, visitor.id)? {
                let number = tickets::find(conn, ticket)?.number.get();
                return Ok::<_, AppError>((Started { ticket, number }, None, Vec::new()));
            }
            let now = time::now();
            let team = team_of(conn, widget, form.stage)?;
            let settings = team_settings::get(conn, team)?;
            let agents = conversations::loads(conn, team, now)?;
            if !team_takes_chats(&settings, &agents) {
                return Err(AppError::conflict(
                    "chat_offline",
                    "nobody can chat now; leave a message instead",
                ));
            }
            let (ticket, first) =
                open_ticket(conn, (&mail, &sla), &visitor, &form, (team, true), now)?;
            // A rule may have sent it to another team that takes chats now.
            let team = ticket.team.unwrap_or(team);
            let chat = Chat::new(ticket.id, visitor.id, team, form.context.clone(), now);
            conversations::insert(conn, &chat)?;
            let mut events = Vec::new();
            if let Some(message) = &first {
                let seq = conversations::reserve_seqs(conn, ticket.id, 1)?;
                lines::insert_many(
                    conn,
                    &[lines::Line {
                        ticket: ticket.id,
                        seq,
                        message: message.id,
                        client_id: None,
                    }],
                )?;
                // Indexed with the ticket, below; a new ticket's entries are its own.
                conversations::set_indexed(conn, &[(ticket.id, seq)])?;
                events.extend(ChatEvent::both_sides(
                    ticket.id,
                    None,
                    crate::chat::lines::message_frame(
                        ticket.id,
                        seq,
                        message,
                        kefu_api_types::chat::AuthorKind::Visitor,
                        &form.name,
                    ),
                ));
            }
            let started = Started {
                ticket: ticket.id,
                number: ticket.number.get(),
            };
            Ok((started, Some(team), events))
        })
        .await?;
    let (value, team, mut events) = started;
    let mut changes = Vec::new();
    if let Some(team) = team {
        changes.push(Change::Ticket {
            id: value.ticket,
            kind: ChangeKind::Created,
        });
        let routed = routing::route_team(app, team).await?;
        events.extend(routed.events);
    } else {
        let ticket = value.ticket;
        if let Some(frame) = app
            .store
            .read(move |conn| queue::standing(conn, ticket, None))
            .await?
        {
            events.push(ChatEvent::new(
                crate::chat::events::Audience::Visitor(ticket),
                frame,
            ));
        }
    }
    Ok(Outcome::new(value, events, changes))
}

/// The offline form: the message becomes a ticket in the stage's team, answered later; where
/// the visitor was is kept with it.
pub async fn leave_message(
    app: &App,
    visitor: &Visitor,
    form: ChatForm,
) -> Result<Outcome<Started>, AppError> {
    let visitor = visitor.clone();
    let widget = visitor.widget.ok_or(AppError::NotFound("widget"))?;
    let sla = app.sla_book.clone();
    let mail = app.mail_context().await?;
    let started = app
        .store
        .write(move |conn| {
            let now = time::now();
            let team = team_of(conn, widget, form.stage)?;
            let (ticket, _) =
                open_ticket(conn, (&mail, &sla), &visitor, &form, (team, false), now)?;
            messages_left::insert(
                conn,
                &MessageLeft {
                    ticket: ticket.id,
                    visitor: visitor.id,
                    context: form.context.clone(),
                    created_at: now,
                },
            )?;
            Ok::<_, AppError>(Started {
                ticket: ticket.id,
                number: ticket.number.get(),
            })
        })
        .await?;
    let change = Change::Ticket {
        id: started.ticket,
        kind: ChangeKind::Created,
    };
    Ok(Outcome::new(started, Vec::new(), vec![change]))
}
