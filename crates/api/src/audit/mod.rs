//! `GET /api/v1/audit`: the audit log (admins).

use actix_web::web;
use kefu_api_types::Problem;
use kefu_api_types::auth::AuditList;
use kefu_api_types::queries::AuditQuery;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config.route("/audit", web::get().to(list));
}

/// Security-relevant actions, newest first: sign-ins (failed ones too), sign-outs, password
/// changes and resets, role changes, (de)activations, API tokens, teams.
#[utoipa::path(
    get, path = "/api/v1/audit", operation_id = "list_audit_events", tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, body = AuditList),
        (status = 400, description = "The cursor or page size is not valid", body = Problem),
        (status = 403, description = "Admins only", body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<AuditList>, ApiError> {
    let page = kefu_app::audit::list(&state.app, auth.actor, query.into_inner()).await?;
    Ok(web::Json(page))
}
