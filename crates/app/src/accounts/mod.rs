//! Accounts: creating and changing users, passwords, signing in and out, and sessions.

pub mod api_tokens;
pub mod authenticate;
pub mod change_password;
pub mod create_user;
pub mod list_users;
pub mod password_reset;
pub mod sign_in;
pub mod sign_out;
pub mod update_profile;
pub mod update_user;
