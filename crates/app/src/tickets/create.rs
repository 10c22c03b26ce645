//! Opening a ticket: agents on any channel (phone tickets with their call), customers on the
//! web for themselves.

use kefu_api_types::tickets::{CreateTicketRequest, TicketResponse};
use kefu_domain::call::CallDetails;
use kefu_domain::ids::{MessageId, TeamId, TicketId, UserId};
use kefu_domain::integration::IntegrationEvent::TicketCreated;
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::permissions::{Actor, NewTicketFields};
use kefu_domain::phone::PhoneRegion;
use kefu_domain::role::Role;
use kefu_domain::tag::{self, Tag};
use kefu_domain::ticket::{Channel, Priority, Stage, Status, Ticket, TicketNumber};
use kefu_domain::triggers::TriggerEvent;
use kefu_domain::{text, time};
use kefu_store::search::SearchEntry;
use kefu_store::search::index as search_index;
use kefu_store::{customers, dialect, messages, reads, tickets};

use crate::changes::{ChangeKind, Changed};
use crate::customers::find_or_create::{self, RequesterSpec};
use crate::error::AppError;
use crate::integrations;
use crate::mail::notices;
use crate::routing::arrival::{self, Chosen, Facts};
use crate::sla::clock;
use crate::telephony::call_back;
use crate::tickets::{log_call, triage};
use crate::triggers;
use crate::{App, view};

/// The first entry of a new ticket.
#[derive(Clone, Debug)]
pub struct FirstEntry {
    /// What was written.
    pub body: String,
    /// Public reply or internal note.
    pub visibility: Visibility,
    /// Whether the customer or the agent wrote it.
    pub author: AuthorKind,
}

/// A new ticket, parsed and validated before any database work.
#[derive(Clone, Debug)]
pub struct CreateTicket {
    /// One line saying what it is about.
    pub subject: String,
    /// How it came in.
    pub channel: Channel,
    /// Where in the sale; pre-sale if not given.
    pub stage: Option<Stage>,
    /// How urgent; normal if not given.
    pub priority: Option<Priority>,
    /// Its team.
    pub team: Option<TeamId>,
    /// Its agent.
    pub assignee: Option<UserId>,
    /// Its tags.
    pub tags: Vec<Tag>,
    /// Whom it is for; a customer's own ticket, or the caller of a phone ticket, if not given.
    pub requester: Option<RequesterSpec>,
    /// The first message.
    pub first: Option<FirstEntry>,
    /// The call a phone ticket starts with.
    pub call: Option<CallDetails>,
}

impl CreateTicket {
    /// Reads a request: the subject, tags, requester, first message and call are checked here.
    pub fn parse(
        request: CreateTicketRequest,
        region: Option<PhoneRegion>,
    ) -> Result<Self, AppError> {
        let now = time::now();
        let call = match (request.channel, request.call) {
            (Channel::Phone, Some(call)) => Some(log_call::parse_call(call, region, now)?),
            (Channel::Phone, None) => {
                return Err(AppError::invalid(
                    "call_required",
                    "a phone ticket needs the call's details in `call`",
                ));
            }
            (_, Some(_)) => {
                return Err(AppError::invalid(
                    "call_not_allowed",
                    "only phone tickets carry a call; use channel `phone`",
                ));
            }
            (_, None) => None,
        };
        let first = request
            .message
            .map(|m| {
                Ok::<_, AppError>(FirstEntry {
                    body: text::body(&m.body)?,
                    visibility: m.visibility.unwrap_or(Visibility::Public),
                    author: m.author.unwrap_or(AuthorKind::Customer),
                })
            })
            .transpose()?;
        if let Some(first) = &first
            && !matches!(first.author, AuthorKind::Customer | AuthorKind::Agent)
        {
            return Err(AppError::invalid(
                "invalid_author",
                "the first message is the customer's or the agent's",
            ));
        }
        Ok(Self {
            subject: text::subject(&request.subject)?,
            channel: request.channel,
            stage: request.stage,
            priority: request.priority,
            team: request.team_id,
            assignee: request.assignee_id,
            tags: tag::parse_set(&request.tags)?,
            requester: request
                .requester
                .map(|r| RequesterSpec::parse(r, region))
                .transpose()?,
            first,
            call,
        })
    }

    fn fields(&self) -> NewTicketFields {
        NewTicketFields {
            requester: self.requester.is_some(),
            team: self.team.is_some(),
            assignee: self.assignee.is_some(),
            stage: self.stage.is_some(),
            priority: self.priority.is_some(),
            tags: !self.tags.is_empty(),
        }
    }
}

/// Opens a ticket for `actor`: writes the ticket, its first message, its call and its search
/// document in one transaction.
pub async fn create(
    app: &App,
    actor: Actor,
    command: CreateTicket,
) -> Result<Changed<TicketResponse>, AppError> {
    actor.may_create_ticket(command.channel)?;
    let region = app.phone_region().await?;
    let mail = app.mail_context().await?;
    let sla = app.sla_book.clone();
    actor.may_set_on_new_ticket(command.fields())?;
    let is_customer = actor.role == Role::Customer;
    if let Some(first) = &command.first {
        if is_customer
            && (first.visibility == Visibility::Internal || first.author == AuthorKind::Agent)
        {
            return Err(AppError::forbidden(
                "customers write public messages as themselves",
            ));
        }
    } else if is_customer {
        return Err(AppError::invalid(
            "message_required",
            "describe your request in `message`",
        ));
    }
    let spec = match (command.requester, &command.call) {
        (Some(spec), _) => Some(spec),
        (None, Some(call)) => Some(RequesterSpec::caller(call.customer_number().clone())),
        (None, None) if is_customer => None,
        (None, None) => {
            return Err(AppError::invalid(
                "requester_required",
                "say who the ticket is for in `requester`",
            ));
        }
    };
    let CreateTicket {
        subject,
        channel,
        stage,
        priority,
        team,
        assignee,
        tags,
        first,
        call,
        ..
    } = command;

    let created = app
        .store
        .write(move |conn| {
            // Stamped inside the transaction, so times follow the order of commits.
            let now = time::now();
            let requester = match spec {
                Some(spec) => find_or_create::resolve(conn, spec, now)?,
                None => {
                    let own = actor
                        .customer
                        .ok_or_else(|| AppError::forbidden("this login has no customer record"))?;
                    customers::summaries(conn, &[own])?
                        .pop()
                        .ok_or(AppError::NotFound("customer"))?
                }
            };
            let team_name = team
                .map(|id| Ok::<_, AppError>((id, triage::check_team(conn, id)?)))
                .transpose()?;
            let assignee_user = assignee
                .map(|id| triage::check_assignee(conn, id))
                .transpose()?;
            let number = dialect::next_ticket_numbers(conn, 1)?
                .pop()
                .ok_or_else(|| AppError::internal("no ticket number was reserved"))?;
            let mut ticket = Ticket {
                id: TicketId::new(),
                number: TicketNumber::new(number)?,
                subject,
                stage: stage.unwrap_or(Stage::PreSale),
                channel,
                status: Status::New,
                priority: priority.unwrap_or(Priority::Normal),
                requester: requester.id,
                assignee,
                team,
                tags,
                created_by: Some(actor.user),
                created_at: now,
                updated_at: now,
                first_responded_at: None,
                solved_at: None,
                sla_due_at: None,
            };
            let chosen = Chosen {
                team: team.is_some(),
                priority: priority.is_some(),
                assignee: assignee.is_some(),
            };
            let facts = Facts {
                body: first.as_ref().map_or("", |f| f.body.as_str()),
                chosen,
                ..Facts::default()
            };
            let routing = arrival::route(conn, &sla, &mut ticket, facts, now)?;
            clock::start(conn, &sla, &mut ticket, now)?;
            tickets::insert(conn, &ticket)?;
            if let Some(assignee) = assignee {
                notices::assigned(conn, &mail, &ticket, assignee, Some(actor.user), now)?;
            }
            routing.record(conn, &mail, &ticket, now)?;
            let mut texts = Vec::new();
            let mut opening = None;
            if let Some(first) = first {
                let from_customer = first.author == AuthorKind::Customer;
                let message = Message {
                    id: MessageId::new(),
                    ticket: ticket.id,
                    kind: match first.visibility {
                        Visibility::Public => MessageKind::Reply,
                        Visibility::Internal => MessageKind::Note,
                    },
                    visibility: first.visibility,
                    author_kind: first.author,
                    author_user: (!from_customer).then_some(actor.user),
                    author_customer: from_customer.then_some(requester.id),
                    channel,
                    body: first.body,
                    data: None,
                    created_at: now,
                };
                messages::insert(conn, &message)?;
                opening = Some(integrations::payload::message(&message));
                texts.push((message.id.to_string(), message.visibility, message.body));
            }
            let opening = opening.map(|m| ("message", m));
            integrations::ticket_event(conn, &sla, TicketCreated, &ticket, opening, now)?;
            if let Some(details) = call {
                let (message, log) = log_call::entries(&ticket, details, Some(actor.user), now);
                log_call::insert(conn, &sla, &ticket, (&message, &log), now)?;
                texts.push((message.id.to_string(), message.visibility, message.body));
                let context = (&mail, &*sla);
                let call = (&log.details, actor.user);
                ticket = call_back::after_logged(conn, context, ticket, call, now)?;
            }
            search_index::write(conn, &SearchEntry::all_of(&ticket, &texts)?)?;
            if actor.is_staff() {
                reads::mark_seen(conn, actor.user, ticket.id, now)?;
            }
            let ticket = triggers::run::on(
                conn,
                (&mail, &sla),
                ticket,
                TriggerEvent::TicketCreated,
                "created",
                now,
            )?;
            let team_name = match ticket.team {
                Some(id) if ticket.team != team => Some((id, triage::check_team(conn, id)?)),
                _ => team_name,
            };
            let assignee_user = match ticket.assignee {
                Some(id) if ticket.assignee != assignee => Some(triage::check_assignee(conn, id)?),
                _ => assignee_user,
            };
            let names = view::Names::known(requester, assignee_user, team_name, &actor, region);
            Ok::<_, AppError>(names.render(ticket)?)
        })
        .await?;
    let id = created.id;
    Ok(Changed::ticket(created, id, ChangeKind::Created))
}
