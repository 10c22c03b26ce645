//! What users change about themselves: their name and language.

use kefu_api_types::accounts::UserResponse;
use kefu_api_types::auth::UpdateMeRequest;
use kefu_domain::locale::Locale;
use kefu_domain::permissions::Actor;
use kefu_domain::{text, time};
use kefu_store::users::{self, UserChanges};

use crate::changes::{Change, Changed};
use crate::error::AppError;
use crate::{App, view};

/// Applies the request to `actor`'s own account.
pub async fn update(
    app: &App,
    actor: Actor,
    request: UpdateMeRequest,
) -> Result<Changed<UserResponse>, AppError> {
    let changes = UserChanges {
        name: request
            .name
            .as_deref()
            .map(|n| text::name("name", n))
            .transpose()?,
        locale: request
            .locale
            .map(|l| l.map(|l| Locale::normalise(&l)).transpose())
            .transpose()?,
        ..UserChanges::default()
    };
    let id = actor.user;
    let user = app
        .store
        .write(move |conn| {
            users::update(conn, id, changes, time::now())?;
            Ok::<_, AppError>(users::find(conn, id)?)
        })
        .await?;
    Ok(Changed::new(view::user(&user), vec![Change::User { id }]))
}
