//! `kefu users …`: creating accounts and setting passwords from the command line.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use kefu_api::users::create::{NewAccount, insert};
use kefu_domain::account::User;
use kefu_domain::email::EmailAddress;
use kefu_domain::password::Password;
use kefu_domain::role::Role;
use kefu_store::{Store, devices, sessions, users};

/// Reads a password from standard input (one line) or, on a terminal, from a prompt typed
/// twice.
pub fn read_password(from_stdin: bool) -> anyhow::Result<Password> {
    let text = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        if first != second {
            bail!("the passwords do not match");
        }
        first
    } else {
        bail!("no terminal to ask for a password on; pass --password-stdin and pipe it in");
    };
    Password::parse(&text).map_err(anyhow::Error::msg)
}

/// Creates an account with a password.
pub async fn create(
    store: &Store,
    email: &str,
    name: &str,
    role: Role,
    locale: Option<&str>,
    password: Password,
) -> anyhow::Result<User> {
    let account = NewAccount::parse(email, name, role, locale).map_err(anyhow::Error::msg)?;
    let hash =
        tokio::task::spawn_blocking(move || kefu_api::auth::password::hash_blocking(&password))
            .await?
            .map_err(anyhow::Error::msg)?;
    store
        .write(move |conn| insert(conn, account, Some(&hash)))
        .await
        .map_err(anyhow::Error::msg)
}

/// Sets a user's password and ends their sessions.
pub async fn set_password(store: &Store, email: &str, password: Password) -> anyhow::Result<()> {
    let email = EmailAddress::parse(email).map_err(anyhow::Error::msg)?;
    let hash =
        tokio::task::spawn_blocking(move || kefu_api::auth::password::hash_blocking(&password))
            .await?
            .map_err(anyhow::Error::msg)?;
    store
        .write(move |conn| {
            let Some(found) = users::credentials(conn, &email)? else {
                bail!("there is no account with {email}");
            };
            let id = found.user.id;
            let now = kefu_domain::time::now();
            users::set_password(conn, id, &hash, now)?;
            sessions::delete_for_user(conn, id, None)?;
            devices::forget_all(conn, id)?;
            Ok(())
        })
        .await
}
