//! Admins change an account: rename, change role, deactivate, set a password. Deactivating it
//! or setting its password ends its sessions.

use kefu_api_types::accounts::{UpdateUserRequest, UserResponse};
use kefu_domain::audit::AuditAction;
use kefu_domain::ids::UserId;
use kefu_domain::locale::Locale;
use kefu_domain::password::Password;
use kefu_domain::permissions::Actor;
use kefu_domain::{text, time};
use kefu_store::users::{self, UserChanges};
use kefu_store::{api_tokens, dialect, sessions};

use crate::audit::{self, Origin, Target};
use crate::changes::{Change, Changed};
use crate::error::AppError;
use crate::{App, view};

/// Applies the request to account `id` as `actor` (an admin).
pub async fn update(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: UserId,
    request: UpdateUserRequest,
) -> Result<Changed<UserResponse>, AppError> {
    actor.may_administer()?;
    let name = request
        .name
        .as_deref()
        .map(|n| text::name("name", n))
        .transpose()?;
    let locale = request
        .locale
        .map(|l| l.as_deref().map(Locale::normalise).transpose())
        .transpose()?;
    if request.password.is_some() && id == actor.user {
        return Err(AppError::forbidden(
            "change your own password with your current one (POST /api/v1/me/password)",
        ));
    }
    let hash = match request.password.as_deref() {
        Some(p) => Some(app.passwords.hash(Password::parse(p)?).await?),
        None => None,
    };
    let (role, active) = (request.role, request.active);
    let user = app
        .store
        .write(move |conn| {
            dialect::lock_admins(conn)?;
            let now = time::now();
            let current = users::find(conn, id).map_err(AppError::not_found_as("user"))?;
            current.check_role_change(role, active, || {
                users::count_active_admins(conn).map_err(AppError::from)
            })?;
            let changes = UserChanges {
                name,
                role: role.map(|r| r.as_str().to_owned()),
                active,
                locale,
                updated_at: None,
            };
            users::update(conn, id, changes, now)?;
            if let Some(hash) = &hash {
                super::replace_password(conn, id, hash, None, now)?;
            }
            if active == Some(false) {
                sessions::delete_for_user(conn, id, None)?;
            }
            let leaves_staff = role.is_some_and(|r| !r.is_staff());
            if active == Some(false) || leaves_staff {
                api_tokens::revoke_all_for_user(conn, id, now)?;
            }
            let after = users::find(conn, id)?;
            let admin = audit::actor_name(conn, &actor)?;
            let by = Some((actor.user, admin.as_str()));
            let target = || Some(Target::new("user", id, after.email.to_string()));
            if after.role != current.role {
                let detail = serde_json::json!({ "from": current.role, "to": after.role });
                audit::record(
                    conn,
                    &origin,
                    AuditAction::RoleChanged,
                    by,
                    target(),
                    Some(detail),
                    now,
                )?;
            }
            if after.active != current.active {
                let action = if after.active {
                    AuditAction::UserActivated
                } else {
                    AuditAction::UserDeactivated
                };
                audit::record(conn, &origin, action, by, target(), None, now)?;
            }
            if hash.is_some() {
                audit::record(
                    conn,
                    &origin,
                    AuditAction::PasswordSet,
                    by,
                    target(),
                    None,
                    now,
                )?;
            }
            Ok::<_, AppError>(after)
        })
        .await?;
    Ok(Changed::new(view::user(&user), vec![Change::User { id }]))
}
