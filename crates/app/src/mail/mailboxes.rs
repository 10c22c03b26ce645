//! Mailboxes: which one a mail is for, and their setup by admins (address, team, stage, IMAP
//! fetching; the password is never shown).

use chrono::{DateTime, Utc};
use kefu_api_types::mail::{ImapResponse, MailboxRequest, MailboxResponse};
use kefu_domain::audit::AuditAction;
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::MailboxId;
use kefu_domain::mail::{AfterFetch, ImapSettings, Mailbox};
use kefu_domain::permissions::Actor;
use kefu_domain::ticket::Stage;
use kefu_domain::{text, time};
use kefu_mail::InboundMail;
use kefu_mail::reply_address::base_address;
use kefu_store::mail::mailboxes as stored;
use kefu_store::{DbConnection, StoreError, teams};

use crate::App;
use crate::audit::{self, Origin, Target};
use crate::error::AppError;

/// The mailbox a mail is for: the one it was fetched from or named for, else the first
/// mailbox among its recipients, else the first mailbox there is, else the default mailbox
/// (made from `[mail] default_address` the first time it is needed).
pub(crate) fn resolve(
    conn: &mut DbConnection,
    hint: Option<MailboxId>,
    mail: &InboundMail,
    fallback: &str,
    now: DateTime<Utc>,
) -> Result<Mailbox, AppError> {
    if let Some(id) = hint
        && let Some(found) = stored::find(conn, id)?
    {
        return Ok(found);
    }
    let keys: Vec<String> = mail.recipients().map(base_address).collect();
    let found = stored::by_address_keys(conn, &keys)?;
    if let Some(first) = keys
        .iter()
        .find_map(|k| found.iter().find(|m| &m.address.lookup_key() == k))
    {
        return Ok(first.clone());
    }
    default_mailbox(conn, fallback, now)
}

/// The mailbox mail goes out from when a ticket has none of its own: the first mailbox, or
/// one made from `[mail] default_address`.
pub(crate) fn default_mailbox(
    conn: &mut DbConnection,
    fallback: &str,
    now: DateTime<Utc>,
) -> Result<Mailbox, AppError> {
    if let Some(first) = stored::list(conn)?.into_iter().next() {
        return Ok(first);
    }
    let mailbox = Mailbox {
        id: MailboxId::new(),
        name: "Support".to_owned(),
        address: EmailAddress::parse(fallback)?,
        team: None,
        stage: Stage::PreSale,
        active: true,
        acknowledge: true,
        created_at: now,
    };
    match kefu_store::savepoint(conn, |c| stored::insert(c, &mailbox)) {
        Ok(()) => Ok(mailbox),
        // Another node made it at the same moment.
        Err(StoreError::Conflict(_)) => stored::list(conn)?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::internal("the default mailbox vanished")),
        Err(e) => Err(e.into()),
    }
}

/// A mailbox as shown to admins.
fn view(conn: &mut DbConnection, mailbox: Mailbox) -> Result<MailboxResponse, AppError> {
    let imap = stored::imap_of(conn, mailbox.id)?.map(|(s, cursor)| ImapResponse {
        host: s.host,
        port: s.port,
        security: s.security,
        username: s.username,
        folder: s.folder,
        after_fetch: s.after_fetch,
        move_to: s.move_to,
        checked_at: cursor.checked_at,
        last_error: cursor.last_error,
    });
    Ok(MailboxResponse {
        id: mailbox.id,
        name: mailbox.name,
        address: mailbox.address.as_str().to_owned(),
        team_id: mailbox.team,
        stage: mailbox.stage,
        active: mailbox.active,
        acknowledge: mailbox.acknowledge,
        imap,
    })
}

/// Every mailbox (admins).
pub async fn list(app: &App, actor: Actor) -> Result<Vec<MailboxResponse>, AppError> {
    actor.may_administer()?;
    app.store
        .read(|conn| {
            stored::list(conn)?
                .into_iter()
                .map(|m| view(conn, m))
                .collect()
        })
        .await
}

/// One mailbox (admins).
pub async fn show(app: &App, actor: Actor, id: MailboxId) -> Result<MailboxResponse, AppError> {
    actor.may_administer()?;
    app.store
        .read(move |conn| {
            let found = stored::find(conn, id)?.ok_or(AppError::NotFound("mailbox"))?;
            view(conn, found)
        })
        .await
}

/// IMAP settings from a request; a missing password keeps `stored`'s.
fn imap_of(
    request: &MailboxRequest,
    stored: Option<&ImapSettings>,
) -> Result<Option<ImapSettings>, AppError> {
    let Some(imap) = &request.imap else {
        return Ok(None);
    };
    // The saved password is kept only for the same server and login: it is never sent to a
    // server it was not given for.
    let same_server = stored.is_some_and(|s| {
        s.host == imap.host.trim()
            && s.port == imap.port
            && s.security == imap.security
            && s.username == imap.username
    });
    let password = match (&imap.password, stored) {
        (Some(p), _) if !p.is_empty() => p.clone(),
        (_, Some(s)) if same_server => s.password.clone(),
        _ => {
            return Err(AppError::invalid(
                "password_required",
                "give the IMAP password (again, when the server or login changes)",
            ));
        }
    };
    let settings = ImapSettings {
        host: imap.host.trim().to_owned(),
        port: imap.port,
        security: imap.security,
        username: imap.username.clone(),
        password,
        folder: imap
            .folder
            .clone()
            .filter(|f| !f.trim().is_empty())
            .unwrap_or_else(|| "INBOX".to_owned()),
        after_fetch: imap.after_fetch.unwrap_or(AfterFetch::Flag),
        move_to: imap.move_to.clone().filter(|f| !f.trim().is_empty()),
    };
    settings.check()?;
    Ok(Some(settings))
}

fn mailbox_of(
    id: MailboxId,
    request: &MailboxRequest,
    created_at: DateTime<Utc>,
) -> Result<Mailbox, AppError> {
    Ok(Mailbox {
        id,
        name: text::name("name", &request.name)?,
        address: EmailAddress::parse(&request.address)?,
        team: request.team_id,
        stage: request.stage.unwrap_or(Stage::PreSale),
        active: request.active.unwrap_or(true),
        acknowledge: request.acknowledge.unwrap_or(true),
        created_at,
    })
}

fn check_team(conn: &mut DbConnection, mailbox: &Mailbox) -> Result<(), AppError> {
    if let Some(team) = mailbox.team
        && teams::names(conn, &[team])?.is_empty()
    {
        return Err(AppError::invalid(
            "team_not_found",
            format!("there is no team {team}"),
        ));
    }
    Ok(())
}

fn taken(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict(_) => AppError::Conflict {
            code: "address_taken",
            message: "another mailbox has this address".into(),
        },
        other => other.into(),
    }
}

/// Adds a mailbox (admins).
pub async fn create(
    app: &App,
    actor: Actor,
    origin: Origin,
    request: MailboxRequest,
) -> Result<MailboxResponse, AppError> {
    actor.may_administer()?;
    let now = time::now();
    let mailbox = mailbox_of(MailboxId::new(), &request, now)?;
    let imap = imap_of(&request, None)?;
    app.store
        .write(move |conn| {
            check_team(conn, &mailbox)?;
            kefu_store::savepoint(conn, |c| stored::insert(c, &mailbox)).map_err(taken)?;
            if let Some(imap) = &imap {
                stored::set_imap(conn, mailbox.id, imap)?;
            }
            audit::record_by(
                conn,
                &origin,
                AuditAction::MailboxCreated,
                &actor,
                Some(Target::new("mailbox", mailbox.id, mailbox.name.clone())),
                Some(serde_json::json!({
                    "address": mailbox.address.as_str(),
                    "imap": imap.as_ref().map(|i| format!("{}:{}", i.host, i.port)),
                })),
                now,
            )?;
            view(conn, mailbox)
        })
        .await
}

/// Replaces a mailbox's setup (admins). Without `imap` the mailbox stops being fetched over
/// IMAP; an `imap` without a password keeps the stored one.
pub async fn update(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: MailboxId,
    request: MailboxRequest,
) -> Result<MailboxResponse, AppError> {
    actor.may_administer()?;
    app.store
        .write(move |conn| {
            let before = stored::find(conn, id)?.ok_or(AppError::NotFound("mailbox"))?;
            let stored_imap = stored::imap_of(conn, id)?.map(|(s, _)| s);
            let mailbox = mailbox_of(id, &request, before.created_at)?;
            let imap = imap_of(&request, stored_imap.as_ref())?;
            check_team(conn, &mailbox)?;
            kefu_store::savepoint(conn, |c| stored::save(c, &mailbox)).map_err(taken)?;
            match &imap {
                Some(settings) => stored::set_imap(conn, id, settings)?,
                None => stored::remove_imap(conn, id)?,
            }
            let detail = audit::differences([
                (
                    "name",
                    before.name.clone().into(),
                    mailbox.name.clone().into(),
                ),
                (
                    "address",
                    before.address.as_str().into(),
                    mailbox.address.as_str().into(),
                ),
                (
                    "imap_host",
                    stored_imap.as_ref().map(|s| s.host.clone()).into(),
                    imap.as_ref().map(|s| s.host.clone()).into(),
                ),
                (
                    "imap_password_changed",
                    false.into(),
                    request
                        .imap
                        .as_ref()
                        .is_some_and(|i| i.password.as_deref().is_some_and(|p| !p.is_empty()))
                        .into(),
                ),
            ]);
            audit::record_by(
                conn,
                &origin,
                AuditAction::MailboxUpdated,
                &actor,
                Some(Target::new("mailbox", id, mailbox.name.clone())),
                detail,
                time::now(),
            )?;
            view(conn, mailbox)
        })
        .await
}

/// A mailbox's IMAP settings (for the fetcher and the connection test).
pub async fn imap_settings(
    app: &App,
    id: MailboxId,
) -> Result<Option<(ImapSettings, stored::ImapCursor)>, AppError> {
    app.store
        .read(move |conn| Ok::<_, AppError>(stored::imap_of(conn, id)?))
        .await
}

/// The id of the mailbox named `name` (any case), for `kefu mail ingest --mailbox`.
pub async fn find_by_name(app: &App, name: &str) -> Result<Option<MailboxId>, AppError> {
    let name = name.to_owned();
    app.store
        .read(move |conn| Ok::<_, AppError>(stored::by_name(conn, &name)?.map(|m| m.id)))
        .await
}
