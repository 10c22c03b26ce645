//! Ending a session.

use kefu_domain::audit::AuditAction;
use kefu_domain::ids::SessionId;
use kefu_domain::permissions::Actor;
use kefu_store::sessions;

use crate::audit::{self, Origin};
use crate::error::AppError;
use crate::{App, Change, Changed};

/// Ends `actor`'s session `id`.
pub async fn sign_out(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: SessionId,
) -> Result<Changed<()>, AppError> {
    app.store
        .write(move |conn| {
            sessions::delete(conn, id)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::SignOut,
                &actor,
                None,
                None,
                kefu_domain::time::now(),
            )?;
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(Changed::new((), vec![Change::User { id: actor.user }]))
}
