//! User accounts: admins create and manage them; agents list their colleagues.

pub mod create;
pub mod list;
pub mod update;

use actix_web::web;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/users", web::get().to(list::list))
        .route("/users", web::post().to(create::create))
        .route("/users/{id}", web::get().to(list::show))
        .route("/users/{id}", web::patch().to(update::update));
}
