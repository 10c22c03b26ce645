//! Teams: queues of work with their agents.

pub mod manage;

use actix_web::web;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/teams", web::get().to(manage::list))
        .route("/teams", web::post().to(manage::create))
        .route("/teams/{id}", web::get().to(manage::show))
        .route("/teams/{id}", web::patch().to(manage::update));
}
