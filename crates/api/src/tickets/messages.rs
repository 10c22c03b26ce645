//! `GET|POST /api/v1/tickets/{id}/messages`: the timeline, and replies and notes on it.

use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::tickets::{MessageList, PostMessageRequest};
use kefu_domain::ids::MessageId;
use kefu_domain::message::{AuthorKind, Message, MessageKind, Visibility};
use kefu_domain::permissions::TicketAccess;
use kefu_domain::role::Role;
use kefu_domain::ticket::{Channel, Status};
use kefu_domain::{DomainError, status, text, time};
use kefu_store::messages::{self, MessageCursor};
use kefu_store::{reads, tickets};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tickets::reference::{TicketRef, load_for_update, load_visible};
use crate::tickets::{events, search_document};
use crate::view;

/// The most entries one page of a timeline holds.
const MAX_LIMIT: i64 = 200;

/// Paging through a timeline.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 100).
    pub limit: Option<i64>,
}

/// A ticket's timeline, oldest first; requesters see public entries only.
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}/messages", operation_id = "list_messages", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id, or number"), TimelineQuery),
    responses((status = 200, body = MessageList), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    query: web::Query<TimelineQuery>,
) -> Result<web::Json<MessageList>, ApiError> {
    let reference = TicketRef::parse(&path)?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::BadRequest {
            code: "invalid_query",
            message: format!("limit must be between 1 and {MAX_LIMIT}"),
        });
    }
    let cursor = query
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| {
            MessageCursor::decode(c).ok_or(ApiError::BadRequest {
                code: "invalid_query",
                message: "the cursor is not valid".into(),
            })
        })
        .transpose()?;
    let actor = auth.actor;
    let list = state
        .store
        .read(move |conn| {
            let (ticket, access) = load_visible(conn, &actor, reference)?;
            let internal = access == TicketAccess::Full;
            let (items, next) = messages::list(conn, ticket.id, internal, cursor.as_ref(), limit)?;
            Ok::<_, ApiError>(MessageList {
                items: view::messages(conn, items)?,
                next_cursor: next.map(|c| c.encode()),
            })
        })
        .await?;
    Ok(web::Json(list))
}

/// Add a public reply or an internal note, optionally setting the status with it. A
/// requester's reply reopens a solved ticket and ends waiting on them.
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/messages", operation_id = "post_message", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id, or number")),
    request_body = PostMessageRequest,
    responses(
        (status = 201, description = "The new entry", body = kefu_api_types::tickets::MessageResponse),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The ticket is closed, or the status move is invalid", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn post(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: web::Json<PostMessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let reference = TicketRef::parse(&path)?;
    let request = body.into_inner();
    let body = text::body(&request.body)?;
    let visibility = request.visibility.unwrap_or(Visibility::Public);
    let requested_status = request.status;
    let actor = auth.actor;
    let entry = state
        .store
        .write(move |conn| {
            let now = time::now();
            let (before, access) = load_for_update(conn, &actor, reference)?;
            actor.may_post(access, visibility)?;
            if before.status == Status::Closed {
                return Err(DomainError::TicketClosed.into());
            }
            let from_customer = actor.role == Role::Customer;
            let mut after = before.clone();
            if from_customer {
                after.status = status::after_customer_reply(before.status)?;
            } else if visibility == Visibility::Public && after.first_responded_at.is_none() {
                after.first_responded_at = Some(now);
            }
            if let Some(to) = requested_status.filter(|to| *to != after.status) {
                status::check_transition(after.status, to, actor.role)?;
                after.status = to;
                if to == Status::Solved {
                    after.solved_at = Some(now);
                }
            }
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
                channel: if from_customer {
                    Channel::Web
                } else {
                    before.channel
                },
                body,
                data: None,
                created_at: now,
            };
            messages::insert(conn, &message)?;
            after.updated_at = now;
            tickets::save(conn, &after)?;
            if actor.is_staff() {
                reads::mark_seen(conn, actor.user, after.id, now)?;
            }
            events::record(conn, &actor, &before, &after, now)?;
            search_document::refresh(conn, &after)?;
            Ok::<_, ApiError>(view::messages(conn, vec![message])?)
        })
        .await?;
    let entry = entry
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::Internal("the new entry went missing".into()))?;
    Ok(HttpResponse::Created().json(entry))
}
