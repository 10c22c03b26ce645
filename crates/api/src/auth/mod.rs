//! Signing in and out, the signed-in user, and the `Auth` extractor.

pub mod login;
pub mod logout;
pub mod me;
pub mod session;

use actix_web::web;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/auth/login", web::post().to(login::login))
        .route("/auth/logout", web::post().to(logout::logout))
        .route("/me", web::get().to(me::show))
        .route("/me", web::patch().to(me::update))
        .route("/me/password", web::post().to(me::change_password));
}
