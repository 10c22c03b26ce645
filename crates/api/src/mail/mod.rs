//! The email channel over HTTP: raw mail from MTAs and mail providers, mailboxes (admins),
//! the quarantine and mail templates (admins).

pub mod inbound;
pub mod mailboxes;
pub mod quarantine;
pub mod smtp;
pub mod templates;

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
        )
        .route("/mail/smtp", web::get().to(smtp::show))
        .route("/mail/smtp", web::put().to(smtp::save))
        .route("/mail/smtp", web::delete().to(smtp::clear))
        .route("/mail/smtp/test", web::post().to(smtp::test))
        .route("/mail/templates", web::get().to(templates::list))
        .route(
            "/mail/templates/{kind}/{locale}",
            web::get().to(templates::show),
        )
        .route(
            "/mail/templates/{kind}/{locale}",
            web::put().to(templates::save),
        )
        .route(
            "/mail/templates/{kind}/{locale}",
            web::delete().to(templates::reset),
        )
        .route(
            "/mail/templates/{kind}/{locale}/preview",
            web::post().to(templates::preview),
        )
        .route(
            "/mail/templates/{kind}/{locale}/preview.html",
            web::get().to(templates::frame),
        );
}
