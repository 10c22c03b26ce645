//! The outgoing SMTP server set by an admin in the console: it wins over `[smtp]` in the
//! notify role's configuration file, and every notify node picks a change up within a second.
//! The password is stored for the worker and never shown again.

use chrono::{DateTime, Utc};
use kefu_api_types::mail::{SmtpRequest, SmtpResponse};
use kefu_domain::audit::AuditAction;
use kefu_domain::email::EmailAddress;
use kefu_domain::permissions::Actor;
use kefu_domain::time;
use kefu_store::settings;
use serde::{Deserialize, Serialize};

use crate::App;
use crate::audit::{self, Origin, Target};
use crate::error::AppError;
use crate::mail::notices;

/// The setting the console's SMTP server is stored under.
const KEY: &str = "mail_smtp";

/// The SMTP server set in the console, as the notify worker uses it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingSmtp {
    /// Its host name.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// `starttls`, `tls` or `none`.
    pub security: String,
    /// The login.
    pub username: Option<String>,
    /// The password.
    pub password: Option<String>,
    /// When it was set.
    pub updated_at: DateTime<Utc>,
}

const SECURITIES: [&str; 3] = ["starttls", "tls", "none"];

fn read(conn: &mut kefu_store::DbConnection) -> Result<Option<OutgoingSmtp>, AppError> {
    Ok(settings::get(conn, KEY)?.and_then(|stored| serde_json::from_str(&stored).ok()))
}

/// The SMTP server set in the console, if any (for the notify worker).
pub async fn current(app: &App) -> Result<Option<OutgoingSmtp>, AppError> {
    app.store.read(read).await
}

fn response(smtp: Option<OutgoingSmtp>) -> SmtpResponse {
    match smtp {
        Some(s) => SmtpResponse {
            set_in_console: true,
            host: Some(s.host),
            port: Some(s.port),
            security: Some(s.security),
            username: s.username,
            password_set: s.password.is_some(),
            updated_at: Some(s.updated_at),
        },
        None => SmtpResponse {
            set_in_console: false,
            host: None,
            port: None,
            security: None,
            username: None,
            password_set: false,
            updated_at: None,
        },
    }
}

/// The SMTP server as admins see it.
pub async fn show(app: &App, actor: Actor) -> Result<SmtpResponse, AppError> {
    actor.may_administer()?;
    Ok(response(current(app).await?))
}

/// Sets the SMTP server (admins; audited). A password left out keeps the saved one, but only
/// for the same server, login and security: a password is never sent to a server it was not
/// given for, nor in clear text.
pub async fn save(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: SmtpRequest,
) -> Result<SmtpResponse, AppError> {
    actor.may_administer()?;
    let host = request.host.trim().to_owned();
    if host.is_empty()
        || host.len() > 253
        || host
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '/' || c == '@')
    {
        return Err(AppError::invalid(
            "invalid_host",
            "give the SMTP server's host name, such as smtp.shop.example",
        ));
    }
    if request.port == 0 {
        return Err(AppError::invalid("invalid_port", "the port is 1 to 65535"));
    }
    let security = request.security.trim().to_ascii_lowercase();
    if !SECURITIES.contains(&security.as_str()) {
        return Err(AppError::invalid(
            "invalid_security",
            "security is `starttls`, `tls` or `none`",
        ));
    }
    let username = request
        .username
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    if username
        .as_deref()
        .is_some_and(|u| u.chars().any(char::is_control))
    {
        return Err(AppError::invalid(
            "invalid_username",
            "the login has control characters",
        ));
    }
    let given = request.password.filter(|p| !p.is_empty());
    app.store
        .write(move |conn| {
            let now = time::now();
            let before = read(conn)?;
            let password = match (given, &before) {
                (Some(p), _) => Some(p),
                // The same server, login and security only: never to another server, and never
                // in clear text after it was given for an encrypted one.
                (None, Some(b))
                    if b.host == host
                        && b.port == request.port
                        && b.username == username
                        && b.security == security =>
                {
                    b.password.clone()
                }
                (None, _) if username.is_some() => {
                    return Err(AppError::invalid(
                        "password_required",
                        "give the SMTP password (again, when the server or login changes)",
                    ));
                }
                (None, _) => None,
            };
            let smtp = OutgoingSmtp {
                host,
                port: request.port,
                security,
                username,
                password,
                updated_at: now,
            };
            let stored =
                serde_json::to_string(&smtp).map_err(|e| AppError::Internal(Box::new(e)))?;
            settings::set(conn, KEY, Some(&stored), now)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::SmtpChanged,
                &actor,
                Some(Target::new(
                    "smtp",
                    &smtp.host,
                    format!("{}:{}", smtp.host, smtp.port),
                )),
                Some(serde_json::json!({ "security": smtp.security, "username": smtp.username })),
                now,
            )?;
            Ok(response(Some(smtp)))
        })
        .await
}

/// Forgets the console's SMTP server: mail goes as the configuration file says (admins;
/// audited).
pub async fn clear(app: &App, actor: Actor, origin: Origin) -> Result<SmtpResponse, AppError> {
    actor.may_administer()?;
    app.store
        .write(move |conn| {
            let now = time::now();
            if read(conn)?.is_some() {
                settings::set(conn, KEY, None, now)?;
                audit::record_by(
                    conn,
                    &origin,
                    AuditAction::SmtpChanged,
                    &actor,
                    Some(Target::new("smtp", "console", "console")),
                    Some(serde_json::json!({ "cleared": true })),
                    now,
                )?;
            }
            Ok(response(None))
        })
        .await
}

/// Puts a test mail to `to` in the outbox (admins): it leaves the way every mail does.
pub async fn send_test(app: &App, actor: Actor, to: &str) -> Result<(), AppError> {
    actor.may_administer()?;
    let to = EmailAddress::parse(to)?;
    let context = app.mail_context().await?;
    app.store
        .write(move |conn| {
            let admin = kefu_store::users::find(conn, actor.user)?;
            notices::test_mail(conn, &context, &admin, &to, time::now())
        })
        .await
}
