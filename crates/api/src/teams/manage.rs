//! Listing, creating and changing teams.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::accounts::{CreateTeamRequest, TeamList, TeamResponse, UpdateTeamRequest};
use kefu_app::teams as use_case;
use kefu_domain::ids::TeamId;

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::extract::Object;
use crate::state::AppState;

fn team_id(path: &str) -> Result<TeamId, ApiError> {
    path.parse().map_err(|_| ApiError::NotFound("team"))
}

/// Every team with its members (agents and admins).
#[utoipa::path(
    get, path = "/api/v1/teams", operation_id = "list_teams", tag = "teams",
    responses((status = 200, body = TeamList), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(state: web::Data<AppState>, auth: Auth) -> Result<web::Json<TeamList>, ApiError> {
    Ok(web::Json(
        use_case::list::list(&state.app, auth.actor).await?,
    ))
}

/// One team.
#[utoipa::path(
    get, path = "/api/v1/teams/{id}", operation_id = "get_team", tag = "teams",
    params(("id" = String, Path)),
    responses((status = 200, body = TeamResponse), (status = 404, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> Result<web::Json<TeamResponse>, ApiError> {
    let id = team_id(&path)?;
    Ok(web::Json(
        use_case::list::show(&state.app, auth.actor, id).await?,
    ))
}

/// Create a team (admins).
#[utoipa::path(
    post, path = "/api/v1/teams", operation_id = "create_team", tag = "teams",
    request_body = CreateTeamRequest,
    responses(
        (status = 201, body = TeamResponse), (status = 403, body = Problem),
        (status = 409, description = "The name is taken", body = Problem), (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Object<CreateTeamRequest>,
) -> Result<HttpResponse, ApiError> {
    let changed =
        use_case::create::create(&state.app, auth.actor, auth.origin(), body.into_inner()).await?;
    let created = state.app.published(changed);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/teams/{}", created.id)))
        .json(created))
}

/// Rename a team, change its description, or replace its members (admins).
#[utoipa::path(
    patch, path = "/api/v1/teams/{id}", operation_id = "update_team", tag = "teams",
    params(("id" = String, Path)),
    request_body = UpdateTeamRequest,
    responses(
        (status = 200, body = TeamResponse), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem),
    ),
    security(("session" = []), ("bearer" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    body: Object<UpdateTeamRequest>,
) -> Result<web::Json<TeamResponse>, ApiError> {
    let id = team_id(&path)?;
    let changed =
        use_case::update::update(&state.app, auth.actor, auth.origin(), id, body.into_inner())
            .await?;
    Ok(web::Json(state.app.published(changed)))
}
