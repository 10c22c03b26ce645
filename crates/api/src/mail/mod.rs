//! The email channel over HTTP: raw mail from MTAs and mail providers, mailboxes (admins),
//! and the quarantine (admins).

pub mod inbound;
pub mod mailboxes;
pub mod quarantine;

use actix_web::web;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route(inbound::PATH_IN_SCOPE, web::post().to(inbound::receive))
        .route("/mailboxes", web::get().to(mailboxes::list))
        .route("/mailboxes", web::post().to(mailboxes::create))
        .route("/mailboxes/{id}", web::get().to(mailboxes::show))
        .route("/mailboxes/{id}", web::put().to(mailboxes::update))
        .route("/mailboxes/{id}/check", web::post().to(mailboxes::check))
        .route("/mail/quarantine", web::get().to(quarantine::list))
        .route("/mail/quarantine/{id}/raw", web::get().to(quarantine::raw))
        .route(
            "/mail/quarantine/{id}/retry",
            web::post().to(quarantine::retry),
        )
        .route(
            "/mail/quarantine/{id}",
            web::delete().to(quarantine::delete),
        );
}
