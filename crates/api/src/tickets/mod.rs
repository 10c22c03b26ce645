//! Tickets: the queue, one ticket, its changes, its timeline and its calls.

pub mod bulk;
pub mod calls;
pub mod create;
pub mod list;
pub mod mail;
pub mod messages;
pub mod seen;
pub mod show;
pub mod update;
pub mod views;

use actix_web::web;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/tickets", web::get().to(list::list))
        .route("/tickets", web::post().to(create::create))
        .route("/tickets/views", web::get().to(views::counts))
        .route("/tickets/bulk", web::post().to(bulk::update))
        .route("/tickets/{id}", web::get().to(show::show))
        .route("/tickets/{id}", web::patch().to(update::update))
        .route("/tickets/{id}/messages", web::get().to(messages::list))
        .route("/tickets/{id}/messages", web::post().to(messages::post))
        .route(
            "/tickets/{id}/messages/{message}/html",
            web::get().to(messages::html),
        )
        .route(
            "/tickets/{id}/messages/{message}/move",
            web::post().to(mail::rethread),
        )
        .route(
            "/tickets/{id}/mail-recipients",
            web::get().to(mail::recipients),
        )
        .route("/tickets/{id}/calls", web::post().to(calls::post))
        .route("/tickets/{id}/seen", web::post().to(seen::mark));
}
