//! `POST /api/v1/tickets`: agents open tickets on any channel (phone tickets with their call);
//! customers open web tickets for themselves.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::tickets::{CreateTicketRequest, TicketResponse};
use kefu_domain::ids::{MessageId, TicketId};
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::status;
use kefu_domain::ticket::{Channel, Priority, Stage, Status, Ticket, TicketNumber};
use kefu_domain::{text, time};
use kefu_store::search::SearchDocument;
use kefu_store::{customers, dialect, messages, reads, tickets};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tickets::requester::{self, RequesterSpec};
use crate::tickets::{calls, triage};
use crate::view;

/// Open a ticket.
#[utoipa::path(
    post, path = "/api/v1/tickets", operation_id = "create_ticket", tag = "tickets",
    request_body = CreateTicketRequest,
    responses(
        (status = 201, description = "Created; `Location` names it", body = TicketResponse),
        (status = 400, description = "Unreadable body", body = Problem),
        (status = 403, description = "Not allowed for this role or channel", body = Problem),
        (status = 422, description = "A value is not acceptable", body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<CreateTicketRequest>,
) -> Result<HttpResponse, ApiError> {
    let ticket = create_ticket(&state, auth.actor, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/tickets/{}", ticket.id)))
        .json(ticket))
}

/// Opens a ticket for `actor`: validates everything first, then writes the ticket, its first
/// message, its call and its search document in one transaction.
pub async fn create_ticket(
    state: &AppState,
    actor: Actor,
    request: CreateTicketRequest,
) -> Result<TicketResponse, ApiError> {
    actor.may_create_ticket(request.channel)?;
    let is_customer = actor.role == Role::Customer;
    if is_customer
        && (request.team_id.is_some()
            || request.assignee_id.is_some()
            || request.priority.is_some()
            || request.stage.is_some()
            || !request.tags.is_empty()
            || request.requester.is_some())
    {
        return Err(ApiError::Forbidden(
            "customers cannot set the requester, team, assignee, stage, priority or tags".into(),
        ));
    }
    let now = time::now();
    let subject = text::subject(&request.subject)?;
    let tags = triage::parse_tags(&request.tags)?;
    let call = match (request.channel, request.call) {
        (Channel::Phone, Some(call)) => Some(calls::parse(call, state.phone_region, now)?),
        (Channel::Phone, None) => {
            return Err(ApiError::invalid(
                "call_required",
                "a phone ticket needs the call's details in `call`",
            ));
        }
        (_, Some(_)) => {
            return Err(ApiError::invalid(
                "call_not_allowed",
                "only phone tickets carry a call; use channel `phone`",
            ));
        }
        (_, None) => None,
    };
    let first = match request.message {
        Some(message) => Some((
            text::body(&message.body)?,
            message.visibility.unwrap_or(Visibility::Public),
            message.author.unwrap_or(AuthorKind::Customer),
        )),
        None if is_customer => {
            return Err(ApiError::invalid(
                "message_required",
                "describe your request in `message`",
            ));
        }
        None => None,
    };
    if let Some((_, visibility, author)) = &first {
        if !matches!(author, AuthorKind::Customer | AuthorKind::Agent) {
            return Err(ApiError::invalid(
                "invalid_author",
                "the first message is the customer's or the agent's",
            ));
        }
        if is_customer && (*visibility == Visibility::Internal || *author == AuthorKind::Agent) {
            return Err(ApiError::Forbidden(
                "customers write public messages as themselves".into(),
            ));
        }
    }
    let spec = match (request.requester, &call) {
        (Some(input), _) => Some(RequesterSpec::parse(input, state.phone_region)?),
        (None, Some(call)) => Some(RequesterSpec::caller(call.customer_number().clone())),
        (None, None) if is_customer => None,
        (None, None) => {
            return Err(ApiError::invalid(
                "requester_required",
                "say who the ticket is for in `requester`",
            ));
        }
    };
    let (team, assignee) = (request.team_id, request.assignee_id);
    let channel = request.channel;
    let stage = request.stage.unwrap_or(Stage::PreSale);
    let priority = request.priority.unwrap_or(Priority::Normal);

    state
        .store
        .write(move |conn| {
            // Stamped inside the transaction, so times follow the order of commits.
            let now = time::now();
            let requester = match spec {
                Some(spec) => requester::resolve(conn, spec, now)?,
                None => {
                    let own = actor.customer.ok_or_else(|| {
                        ApiError::Forbidden("this login has no customer record".into())
                    })?;
                    customers::summaries(conn, &[own])?
                        .pop()
                        .ok_or(ApiError::NotFound("customer"))?
                }
            };
            let team_name = team
                .map(|id| Ok::<_, ApiError>((id, triage::check_team(conn, id)?)))
                .transpose()?;
            let assignee_user = assignee
                .map(|id| triage::check_assignee(conn, id))
                .transpose()?;
            let number = dialect::next_ticket_numbers(conn, 1)?
                .pop()
                .ok_or_else(|| ApiError::Internal("no ticket number was reserved".into()))?;
            let mut ticket = Ticket {
                id: TicketId::new(),
                number: TicketNumber::new(number)?,
                subject,
                stage,
                channel,
                status: Status::New,
                priority,
                requester: requester.id,
                assignee,
                team,
                tags,
                created_by: Some(actor.user),
                created_at: now,
                updated_at: now,
                first_responded_at: None,
                solved_at: None,
            };
            if assignee.is_some() {
                ticket.status = status::after_assignment(ticket.status);
            }
            tickets::insert(conn, &ticket)?;
            let mut texts = Vec::new();
            if let Some((body, visibility, author)) = first {
                let from_customer = author == AuthorKind::Customer;
                let message = Message {
                    id: MessageId::new(),
                    ticket: ticket.id,
                    kind: match visibility {
                        Visibility::Public => MessageKind::Reply,
                        Visibility::Internal => MessageKind::Note,
                    },
                    visibility,
                    author_kind: author,
                    author_user: (!from_customer).then_some(actor.user),
                    author_customer: from_customer.then_some(requester.id),
                    channel,
                    body,
                    data: None,
                    created_at: now,
                };
                messages::insert(conn, &message)?;
                texts.push((message.visibility, message.body));
            }
            if let Some(details) = call {
                let (message, log) = calls::entries(&ticket, details, &actor, now);
                calls::insert(conn, &message, &log)?;
                texts.push((message.visibility, message.body));
            }
            let borrowed: Vec<(Visibility, &str)> =
                texts.iter().map(|(v, t)| (*v, t.as_str())).collect();
            dialect::write_search_documents(conn, &[SearchDocument::new(&ticket, &borrowed)])?;
            if actor.is_staff() {
                reads::mark_seen(conn, actor.user, ticket.id, now)?;
            }
            let names = view::Names::known(requester, assignee_user, team_name);
            Ok::<_, ApiError>(names.render(ticket)?)
        })
        .await
}
