//! Accounts: creating and changing users, passwords, signing in and out, and sessions.

pub mod api_tokens;
pub mod authenticate;
pub mod change_password;
pub mod create_user;
pub mod credential_cache;
pub mod list_users;
pub mod notifications;
pub mod password_reset;
pub mod sign_in;
pub mod sign_out;
pub mod update_profile;
pub mod update_user;

use chrono::{DateTime, Utc};
use kefu_domain::ids::{SessionId, UserId};
use kefu_store::{DbConnection, StoreError, devices, sessions, users};

/// Sets `user`'s new password hash and closes every way in the old password opened: their
/// sessions (but `keep`, the one that made the change), known devices and API tokens.
fn replace_password(
    conn: &mut DbConnection,
    user: UserId,
    hash: &str,
    keep: Option<SessionId>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    users::set_password(conn, user, hash, now)?;
    sessions::delete_for_user(conn, user, keep)?;
    devices::forget_all(conn, user)?;
    kefu_store::api_tokens::revoke_all_for_user(conn, user, now)?;
    Ok(())
}
