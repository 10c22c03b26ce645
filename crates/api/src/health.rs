//! Liveness and readiness probes.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::state::AppState;

/// `GET /healthz`: the process answers.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// `GET /readyz`: the database answers too.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.app.store.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({
            "status": "ready",
            "database": state.app.store.backend().name(),
        })),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(json!({
                "status": "unavailable",
                "database": state.app.store.backend().name(),
            }))
        }
    }
}
