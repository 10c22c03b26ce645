//! One ticket, as the caller sees it.

use kefu_api_types::tickets::TicketResponse;
use kefu_domain::permissions::Actor;

use crate::error::AppError;
use crate::tickets::reference::{TicketRef, load_visible};
use crate::{App, view};

/// The ticket `reference` names, if `actor` may see it.
pub async fn show(
    app: &App,
    actor: Actor,
    reference: TicketRef,
) -> Result<TicketResponse, AppError> {
    let region = app.phone_region().await?;
    app.store
        .read(move |conn| {
            let (ticket, _) = load_visible(conn, &actor, reference)?;
            Ok(view::ticket(conn, ticket, &actor, region)?)
        })
        .await
}
