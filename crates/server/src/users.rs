//! `kefu users …`: creating accounts and setting passwords from the command line.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use kefu_api_types::accounts::UserResponse;
use kefu_app::accounts::create_user::{NewAccount, create_account};
use kefu_app::accounts::{change_password, password_reset};
use kefu_app::audit::Origin;
use kefu_app::{App, AppError, SessionPolicy};
use kefu_domain::email::EmailAddress;
use kefu_domain::password::Password;
use kefu_domain::role::Role;
use kefu_store::Store;

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

/// The use cases for an operator's command (no HTTP, no session lifetimes needed).
pub fn use_cases(store: &Store) -> anyhow::Result<App> {
    App::new(store.clone(), None, SessionPolicy::default()).map_err(anyhow::Error::new)
}

/// Creates an account with a password.
pub async fn create(
    store: &Store,
    email: &str,
    name: &str,
    role: Role,
    locale: Option<&str>,
    password: Password,
) -> anyhow::Result<UserResponse> {
    let app = use_cases(store)?;
    let account = NewAccount::parse(email, name, role, locale)?;
    let created = create_account(&app, None, Origin::cli(), account, Some(password)).await?;
    Ok(app.published(created))
}

/// Sets a user's password and ends their sessions.
pub async fn set_password(store: &Store, email: &str, password: Password) -> anyhow::Result<()> {
    let app = use_cases(store)?;
    let email = EmailAddress::parse(email)?;
    match change_password::set_password(&app, &email, password).await {
        Ok(changed) => {
            app.published(changed);
            Ok(())
        }
        Err(AppError::NotFound(_)) => bail!("there is no account with {email}"),
        Err(other) => Err(other.into()),
    }
}

/// Issues a single-use password-reset link (30 minutes) for the account; returns the link.
pub async fn reset_link(store: &Store, email: &str, public_url: &str) -> anyhow::Result<String> {
    let app = use_cases(store)?;
    let email = EmailAddress::parse(email)?;
    match password_reset::issue(&app, Origin::cli(), &email).await {
        Ok(changed) => Ok(app.published(changed).url(public_url)),
        Err(AppError::NotFound(_)) => bail!("there is no account with {email}"),
        Err(other) => Err(other.into()),
    }
}
