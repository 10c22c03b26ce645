//! Fetching mailboxes over IMAP: each active IMAP mailbox is read by one task on the node,
//! which takes what is new by UID, marks or moves it, records how far it read, and then waits
//! with IDLE (or polls where the server cannot). Admins check a mailbox's settings with one
//! sign-in. A mail is marked taken only once it is stored or quarantined, so a crash at any
//! point fetches it again, and the Message-ID check makes that harmless.

use std::collections::HashMap;
use std::time::Duration;

use kefu_api_types::mail::ConnectionCheck;
use kefu_domain::ids::MailboxId;
use kefu_domain::mail::ImapSettings;
use kefu_domain::permissions::Actor;
use kefu_domain::time;
use kefu_imap::Connection;
use kefu_store::mail::mailboxes as stored;
use tokio::sync::watch;

use crate::App;
use crate::error::AppError;
use crate::mail::ingest::{self, Delivery, Source};
use crate::mail::mailboxes::imap_settings;
use crate::shutdown::told_to_stop;

/// How often a server without IDLE is asked for new mail.
pub const POLL_INTERVAL: Duration = Duration::from_secs(30);
/// The longest one IDLE lasts before it is renewed (and the settings read again).
pub const IDLE_LONGEST: Duration = Duration::from_secs(120);
/// How long a mailbox whose server failed waits before trying again.
pub const RETRY_AFTER: Duration = Duration::from_secs(30);
/// How often the list of mailboxes to fetch is read again.
const MAILBOXES_EVERY: Duration = Duration::from_secs(30);
/// Messages fetched per command.
const BATCH: usize = 50;

/// Signs in to a saved mailbox's server and opens its folder (admins): the console's "test
/// connection".
pub async fn check_connection(
    app: &App,
    actor: Actor,
    id: MailboxId,
) -> Result<ConnectionCheck, AppError> {
    actor.may_administer()?;
    let (settings, _) = imap_settings(app, id)
        .await?
        .ok_or_else(|| AppError::invalid("no_imap", "this mailbox is not fetched over IMAP"))?;
    Ok(match kefu_imap::check(&settings).await {
        Ok(folder) => ConnectionCheck {
            ok: true,
            messages: Some(folder.exists),
            error: None,
        },
        Err(error) => ConnectionCheck {
            ok: false,
            messages: None,
            error: Some(error.to_string()),
        },
    })
}

/// Takes what is new in the mailbox's folder over `connection`; answers how many mails.
pub async fn fetch_new(
    app: &App,
    mailbox: MailboxId,
    settings: &ImapSettings,
    connection: &mut Connection,
) -> Result<usize, AppError> {
    let cursor = imap_settings(app, mailbox)
        .await?
        .map(|(_, cursor)| cursor)
        .ok_or(AppError::NotFound("mailbox"))?;
    let folder = connection
        .open(&settings.folder)
        .await
        .map_err(|e| AppError::invalid("imap_failed", e.to_string()))?;
    let same_folder = cursor.uid_validity == Some(folder.uid_validity);
    let mut last = if same_folder { cursor.last_uid } else { 0 };
    if same_folder
        && folder
            .uid_next
            .is_some_and(|next| next <= last.saturating_add(1))
    {
        return Ok(0);
    }
    let uids = connection
        .new_uids(last)
        .await
        .map_err(|e| AppError::invalid("imap_failed", e.to_string()))?;
    let mut taken = 0;
    for chunk in uids.chunks(BATCH) {
        let batch = connection
            .fetch(chunk)
            .await
            .map_err(|e| AppError::invalid("imap_failed", e.to_string()))?;
        for message in batch {
            let outcome = ingest::ingest(
                app,
                Delivery {
                    raw: message.raw,
                    source: Source::Imap,
                    mailbox: Some(mailbox),
                },
            )
            .await?;
            app.published(outcome);
            if let Err(error) = connection
                .taken(
                    message.uid,
                    settings.after_fetch,
                    settings.move_to.as_deref(),
                )
                .await
            {
                // Stored already and past the cursor: it is not taken twice either way.
                tracing::warn!(%error, uid = message.uid, "could not mark a taken mail");
            }
            last = message.uid;
            let validity = folder.uid_validity;
            app.store
                .write(move |conn| {
                    Ok::<_, AppError>(stored::advance(conn, mailbox, validity, last)?)
                })
                .await?;
            taken += 1;
        }
    }
    Ok(taken)
}

/// Fetches every active IMAP mailbox until `stop` turns true.
pub async fn run(app: App, stop: watch::Receiver<bool>) {
    let mut tasks: HashMap<MailboxId, tokio::task::JoinHandle<()>> = HashMap::new();
    let mut stopping = stop.clone();
    loop {
        let wanted = app
            .store
            .read(|conn| Ok::<_, AppError>(stored::fetched_over_imap(conn)?))
            .await;
        match wanted {
            Ok(wanted) => {
                tasks.retain(|id, task| {
                    let keep = wanted.contains(id) && !task.is_finished();
                    if !keep {
                        task.abort();
                    }
                    keep
                });
                for id in wanted {
                    tasks.entry(id).or_insert_with(|| {
                        tokio::spawn(serve_mailbox(app.clone(), id, stop.clone()))
                    });
                }
            }
            Err(error) => tracing::warn!(%error, "the mailboxes could not be read"),
        }
        tokio::select! {
            _ = tokio::time::sleep(MAILBOXES_EVERY) => {}
            _ = stopping.wait_for(|s| *s) => break,
        }
    }
    for (_, task) in tasks {
        task.abort();
    }
}

async fn until_stopped(mut stop: watch::Receiver<bool>) {
    // A closed channel means the node is going away too.
    let _ = stop.wait_for(|s| *s).await;
}

/// One mailbox: sign in, take what is new, wait for more; on failure record why and retry.
async fn serve_mailbox(app: App, mailbox: MailboxId, stop: watch::Receiver<bool>) {
    while !told_to_stop(&stop) {
        let settings = match imap_settings(&app, mailbox).await {
            Ok(Some((settings, _))) => settings,
            Ok(None) => return,
            Err(error) => {
                tracing::warn!(%error, "reading a mailbox's settings");
                tokio::time::sleep(RETRY_AFTER).await;
                continue;
            }
        };
        let failure = match kefu_imap::connect(&settings).await {
            Ok(connection) => session(&app, mailbox, &settings, connection, &stop).await,
            Err(error) => Some(error.to_string()),
        };
        if let Some(error) = failure {
            tracing::warn!(%mailbox, %error, "fetching a mailbox failed; trying again soon");
            record(&app, mailbox, Some(error)).await;
            tokio::select! {
                _ = tokio::time::sleep(RETRY_AFTER) => {}
                _ = until_stopped(stop.clone()) => return,
            }
        }
    }
}

/// Fetches and waits over one connection until it fails (the reason), the settings change,
/// or the node stops (`None`).
async fn session(
    app: &App,
    mailbox: MailboxId,
    settings: &ImapSettings,
    mut connection: Connection,
    stop: &watch::Receiver<bool>,
) -> Option<String> {
    loop {
        if let Err(error) = fetch_new(app, mailbox, settings, &mut connection).await {
            return Some(error.to_string());
        }
        record(app, mailbox, None).await;
        if told_to_stop(stop) {
            connection.close().await;
            return None;
        }
        if connection.can_idle() {
            match connection
                .wait_for_mail(IDLE_LONGEST, until_stopped(stop.clone()))
                .await
            {
                Ok((back, _news)) => connection = back,
                Err(error) => return Some(error.to_string()),
            }
        } else {
            tokio::select! {
                _ = tokio::time::sleep(POLL_INTERVAL) => {}
                _ = until_stopped(stop.clone()) => {}
            }
        }
        let current = imap_settings(app, mailbox).await.ok().flatten();
        if current.as_ref().map(|(s, _)| s) != Some(settings) {
            // Changed or removed: sign in again with what is set now.
            connection.close().await;
            return None;
        }
    }
}

async fn record(app: &App, mailbox: MailboxId, error: Option<String>) {
    let written = app
        .store
        .write(move |conn| {
            Ok::<_, AppError>(stored::record_check(
                conn,
                mailbox,
                time::now(),
                error.as_deref(),
            )?)
        })
        .await;
    if let Err(error) = written {
        tracing::warn!(%error, "recording a mailbox check");
    }
}
