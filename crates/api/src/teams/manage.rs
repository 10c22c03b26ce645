//! Listing, creating and changing teams.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kefu_api_types::Problem;
use kefu_api_types::accounts::{CreateTeamRequest, TeamList, TeamResponse, UpdateTeamRequest};
use kefu_domain::account::Team;
use kefu_domain::ids::{TeamId, UserId};
use kefu_domain::{text, time};
use kefu_store::{DbConnection, StoreError, teams, users};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::view;

/// The longest team description, in characters.
const DESCRIPTION_MAX: usize = 1000;

fn check_members(conn: &mut DbConnection, members: &[UserId]) -> Result<(), ApiError> {
    let found = users::find_many(conn, members)?;
    for id in members {
        match found.iter().find(|u| u.id == *id) {
            Some(user) if user.role.is_staff() => {}
            Some(_) => {
                return Err(ApiError::invalid(
                    "invalid_member",
                    format!("{id} is not an agent or admin"),
                ));
            }
            None => {
                return Err(ApiError::invalid(
                    "invalid_member",
                    format!("there is no user {id}"),
                ));
            }
        }
    }
    Ok(())
}

fn name_taken(name: &str) -> impl Fn(StoreError) -> ApiError + '_ {
    move |e| match e {
        StoreError::Conflict(_) => ApiError::Conflict {
            code: "team_name_taken",
            message: format!("a team named {name} already exists"),
        },
        other => other.into(),
    }
}

fn one(conn: &mut DbConnection, id: TeamId) -> Result<TeamResponse, ApiError> {
    let team = teams::find(conn, id).map_err(|e| match e {
        StoreError::NotFound => ApiError::NotFound("team"),
        other => other.into(),
    })?;
    view::teams(conn, &[team])?
        .pop()
        .ok_or(ApiError::NotFound("team"))
}

/// Every team with its members (agents and admins).
#[utoipa::path(
    get, path = "/api/v1/teams", operation_id = "list_teams", tag = "teams",
    responses((status = 200, body = TeamList), (status = 403, body = Problem)),
    security(("session" = []), ("bearer" = []))
)]
pub async fn list(state: web::Data<AppState>, auth: Auth) -> Result<web::Json<TeamList>, ApiError> {
    auth.actor.may_work_tickets()?;
    let items = state
        .store
        .read(|conn| {
            let all = teams::list(conn)?;
            Ok::<_, ApiError>(view::teams(conn, &all)?)
        })
        .await?;
    Ok(web::Json(TeamList { items }))
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
    auth.actor.may_work_tickets()?;
    let id: TeamId = path.parse().map_err(|_| ApiError::NotFound("team"))?;
    Ok(web::Json(
        state.store.read(move |conn| one(conn, id)).await?,
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
    body: web::Json<CreateTeamRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.actor.may_administer()?;
    let request = body.into_inner();
    let team = Team {
        id: TeamId::new(),
        name: text::name("name", &request.name)?,
        description: text::optional(
            "description",
            request.description.as_deref(),
            DESCRIPTION_MAX,
            true,
        )?,
        members: request.members,
        created_at: time::now(),
    };
    let created = state
        .store
        .write(move |conn| {
            check_members(conn, &team.members)?;
            teams::insert(conn, &team).map_err(name_taken(&team.name))?;
            one(conn, team.id)
        })
        .await?;
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
    body: web::Json<UpdateTeamRequest>,
) -> Result<web::Json<TeamResponse>, ApiError> {
    auth.actor.may_administer()?;
    let id: TeamId = path.parse().map_err(|_| ApiError::NotFound("team"))?;
    let request = body.into_inner();
    let name = request
        .name
        .as_deref()
        .map(|n| text::name("name", n))
        .transpose()?;
    let description = request
        .description
        .map(|d| text::optional("description", d.as_deref(), DESCRIPTION_MAX, true))
        .transpose()?;
    let members = request.members;
    let updated = state
        .store
        .write(move |conn| {
            let now = time::now();
            if !teams::exists(conn, id)? {
                return Err(ApiError::NotFound("team"));
            }
            let label = name.clone().unwrap_or_default();
            teams::update(
                conn,
                id,
                name.as_deref(),
                description.as_ref().map(|d| d.as_deref()),
                now,
            )
            .map_err(name_taken(&label))?;
            if let Some(members) = &members {
                check_members(conn, members)?;
                teams::set_members(conn, id, members, now)?;
            }
            one(conn, id)
        })
        .await?;
    Ok(web::Json(updated))
}
