//! Routing rules and each team's automatic assignment: admins set them, agents read them.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::routing::{
    AssignmentBody, AssignmentList, AssignmentResponse, RouteTestRequest, RouteTestResponse,
    RuleList, RuleRequest, RuleResponse,
};
use kefu_app::routing::{rules, teams};
use kefu_domain::ids::{RoutingRuleId, TeamId};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/routing-rules", web::get().to(list))
        .route("/routing-rules", web::post().to(create))
        .route("/routing-rules/test", web::post().to(test))
        .route("/routing-rules/{id}", web::get().to(show))
        .route("/routing-rules/{id}", web::put().to(update))
        .route("/routing-rules/{id}", web::delete().to(delete))
        .route("/team-assignment", web::get().to(assignments))
        .route("/teams/{id}/assignment", web::put().to(set_assignment));
}

fn rule_id(path: &str) -> Result<RoutingRuleId, ApiError> {
    path.parse().map_err(|_| ApiError::NotFound("routing rule"))
}

/// Every routing rule, in the order they are tried (agents).
#[utoipa::path(
    get, path = "/api/v1/routing-rules", operation_id = "list_routing_rules", tag = "routing",
    responses((status = 200, body = RuleList), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(state: web::Data<AppState>, auth: Auth) -> Result<web::Json<RuleList>, ApiError> {
    Ok(web::Json(rules::list(&state.app, auth.actor).await?))
}

/// One routing rule (agents).
#[utoipa::path(
    get, path = "/api/v1/routing-rules/{id}", operation_id = "get_routing_rule", tag = "routing",
    params(("id" = String, Path)),
    responses((status = 200, body = RuleResponse), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<RuleResponse>, ApiError> {
    let id = rule_id(&path)?;
    Ok(web::Json(rules::show(&state.app, auth.actor, id).await?))
}

/// Add a routing rule (admins, audited); last in the order unless `position` says otherwise.
#[utoipa::path(
    post, path = "/api/v1/routing-rules", operation_id = "create_routing_rule", tag = "routing",
    request_body = RuleRequest,
    responses((status = 201, body = RuleResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<RuleRequest>,
) -> Result<HttpResponse, ApiError> {
    let created = rules::create(&state.app, auth.actor, auth.origin(), body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/routing-rules/{}", created.id),
        ))
        .json(created))
}

/// Change a routing rule (admins, audited).
#[utoipa::path(
    put, path = "/api/v1/routing-rules/{id}", operation_id = "update_routing_rule", tag = "routing",
    params(("id" = String, Path)),
    request_body = RuleRequest,
    responses((status = 200, body = RuleResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<RuleRequest>,
) -> Result<web::Json<RuleResponse>, ApiError> {
    let id = rule_id(&path)?;
    Ok(web::Json(
        rules::update(&state.app, auth.actor, auth.origin(), id, body.into_inner()).await?,
    ))
}

/// Remove a routing rule (admins, audited); tickets it routed keep what it set.
#[utoipa::path(
    delete, path = "/api/v1/routing-rules/{id}", operation_id = "delete_routing_rule", tag = "routing",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = rule_id(&path)?;
    rules::delete(&state.app, auth.actor, auth.origin(), id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Which rules would match a ticket arriving as described, and what they would set (agents).
#[utoipa::path(
    post, path = "/api/v1/routing-rules/test", operation_id = "test_routing_rules", tag = "routing",
    request_body = RouteTestRequest,
    responses((status = 200, body = RouteTestResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn test(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<RouteTestRequest>,
) -> Result<web::Json<RouteTestResponse>, ApiError> {
    Ok(web::Json(
        rules::test(&state.app, auth.actor, body.into_inner()).await?,
    ))
}

/// Every team's automatic assignment, with its unassigned tickets waiting (agents).
#[utoipa::path(
    get, path = "/api/v1/team-assignment", operation_id = "list_team_assignment", tag = "routing",
    responses((status = 200, body = AssignmentList), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn assignments(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<AssignmentList>, ApiError> {
    Ok(web::Json(teams::list(&state.app, auth.actor).await?))
}

/// Set how a team hands out its tickets: off, round robin or least busy, with each agent's
/// capacity per channel (admins, audited).
#[utoipa::path(
    put, path = "/api/v1/teams/{id}/assignment", operation_id = "set_team_assignment", tag = "routing",
    params(("id" = String, Path)),
    request_body = AssignmentBody,
    responses((status = 200, body = AssignmentResponse), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn set_assignment(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<AssignmentBody>,
) -> Result<web::Json<AssignmentResponse>, ApiError> {
    let team: TeamId = path.parse().map_err(|_| ApiError::NotFound("team"))?;
    Ok(web::Json(
        teams::update(
            &state.app,
            auth.actor,
            auth.origin(),
            team,
            body.into_inner(),
        )
        .await?,
    ))
}
