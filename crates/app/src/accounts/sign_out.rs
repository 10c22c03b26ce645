//! Ending a session.

use kefu_domain::ids::SessionId;
use kefu_store::sessions;

use crate::App;
use crate::error::AppError;

/// Ends session `id`.
pub async fn sign_out(app: &App, id: SessionId) -> Result<(), AppError> {
    app.store
        .write(move |conn| sessions::delete(conn, id))
        .await?;
    Ok(())
}
