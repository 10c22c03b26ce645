//! Every team, and one team, with their members.

use kefu_api_types::accounts::{TeamList, TeamResponse};
use kefu_domain::ids::TeamId;
use kefu_domain::permissions::Actor;
use kefu_store::teams;

use crate::error::AppError;
use crate::{App, view};

/// Every team with its members (agents and admins).
pub async fn list(app: &App, actor: Actor) -> Result<TeamList, AppError> {
    actor.may_work_tickets()?;
    let region = app.phone_region().await?;
    let items = app
        .store
        .read(move |conn| {
            let all = teams::list(conn)?;
            Ok::<_, AppError>(view::teams(conn, &all, region)?)
        })
        .await?;
    Ok(TeamList { items })
}

/// Team `id`.
pub async fn show(app: &App, actor: Actor, id: TeamId) -> Result<TeamResponse, AppError> {
    actor.may_work_tickets()?;
    let region = app.phone_region().await?;
    app.store
        .read(move |conn| super::one(conn, id, region))
        .await
}
