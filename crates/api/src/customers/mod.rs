//! Customers: finding a caller by number, a customer's record and their tickets.

pub mod manage;

use actix_web::web;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/customers", web::get().to(manage::search))
        .route("/customers/{id}", web::get().to(manage::show))
        .route("/customers/{id}", web::patch().to(manage::update));
}
