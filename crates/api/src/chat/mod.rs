//! Live chat over HTTP: widgets and teams' chat settings (admins), visitor sessions (the
//! widget, cross-origin from the business's websites), agents' socket tickets, and what a
//! chat ticket shows of its chat. The chat itself runs over the gateway's WebSocket.

pub mod files;
pub mod on_ticket;
pub mod settings;
pub mod sockets;
pub mod visitors;
pub mod widgets;

use actix_web::web;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/widgets", web::get().to(widgets::list))
        .route("/widgets", web::post().to(widgets::create))
        .route("/widgets/{id}", web::get().to(widgets::show))
        .route("/widgets/{id}", web::put().to(widgets::update))
        .route("/widgets/{id}", web::delete().to(widgets::delete))
        .route(
            "/widgets/{id}/visitor-sessions",
            web::post().to(visitors::start),
        )
        .route(
            "/widgets/{id}/visitor-sessions",
            web::method(actix_web::http::Method::OPTIONS).to(visitors::preflight),
        )
        .route("/teams/{id}/chat-settings", web::get().to(settings::show))
        .route("/teams/{id}/chat-settings", web::put().to(settings::update))
        .route("/tickets/{id}/chat", web::get().to(on_ticket::show))
        .route("/chat/socket-tickets", web::post().to(sockets::issue))
        .route("/chat/online-agents", web::get().to(sockets::online))
        .route("/chat/files", web::post().to(files::send))
        .route(
            "/chat/files",
            web::method(actix_web::http::Method::OPTIONS).to(files::preflight),
        )
        .route("/files/{id}", web::get().to(files::download))
        .route("/files/{id}/thumbnail", web::get().to(files::thumbnail));
}
