//! Agents' socket tickets (the console trades its session for a single-use ticket, sent in
//! the socket's first frame, never in a URL), and who is online to pass a chat to.

use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::widgets::{OnlineAgentList, SocketTicketResponse};
use kefu_app::chat::{identity, presence};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;

/// A ticket for the caller's next chat socket (agents and admins; valid 60 seconds, once).
#[utoipa::path(
    post, path = "/api/v1/chat/socket-tickets", operation_id = "issue_socket_ticket", tag = "chat",
    responses((status = 201, body = SocketTicketResponse), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn issue(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let (token, expires_at) = identity::issue_socket_ticket(&state.app, auth.actor).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(SocketTicketResponse {
            token,
            expires_at,
            socket_url: state.chat_socket_url.clone(),
        }))
}

/// Every agent online now, by name, with their teams and chats: whom a chat can be passed on
/// to (agents and admins).
#[utoipa::path(
    get, path = "/api/v1/chat/online-agents", operation_id = "list_online_agents", tag = "chat",
    responses((status = 200, body = OnlineAgentList), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn online(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let items = presence::online_agents(&state.app, auth.actor).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(OnlineAgentList { items }))
}
