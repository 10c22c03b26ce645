//! Signing in and out, the signed-in user, and the `Auth` extractor.

pub mod forgot_password;
pub mod login;
pub mod logout;
pub mod me;
pub mod notifications;
pub mod password_reset;
pub mod session;
pub mod tokens;

use actix_web::web;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/auth/login", web::post().to(login::login))
        .route("/auth/logout", web::post().to(logout::logout))
        .route("/me", web::get().to(me::show))
        .route("/me", web::patch().to(me::update))
        .route("/me/password", web::post().to(me::change_password))
        .route("/me/notifications", web::get().to(notifications::show))
        .route("/me/notifications", web::put().to(notifications::save))
        .route("/me/tokens", web::get().to(tokens::list))
        .route("/me/tokens", web::post().to(tokens::create))
        .route("/me/tokens/{id}", web::delete().to(tokens::revoke))
        .route(
            "/auth/password-reset",
            web::post().to(password_reset::reset),
        )
        .route(
            "/auth/forgot-password",
            web::post().to(forgot_password::forgot),
        );
}
