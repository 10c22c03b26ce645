//! The quarantine: mail that could not be taken, kept raw. Admins list it, download the
//! original, take it in again (after fixing what was wrong) or delete it.

use chrono::{DateTime, Utc};
use kefu_api_types::mail::{QuarantinePage, QuarantinedMail};
use kefu_domain::audit::AuditAction;
use kefu_domain::ids::QuarantineId;
use kefu_domain::permissions::Actor;
use kefu_domain::time;
use kefu_store::mail::quarantine::{self, Quarantined};

use crate::App;
use crate::audit::{self, Origin, Target};
use crate::changes::Changed;
use crate::error::AppError;
use crate::mail::ingest::{self, Delivery, Ingested, Source};

/// The largest page.
const PAGE_MAX: i64 = 100;

fn view(entry: Quarantined) -> QuarantinedMail {
    QuarantinedMail {
        raw_url: format!("/api/v1/mail/quarantine/{}/raw", entry.id),
        id: entry.id,
        mailbox_id: entry.mailbox,
        source: entry.source,
        size: entry.size,
        reason: entry.reason,
        detail: entry.detail,
        sender: entry.sender,
        subject: entry.subject,
        attempts: entry.attempts,
        created_at: entry.created_at,
        last_tried_at: entry.last_tried_at,
    }
}

fn cursor_of(entry: &Quarantined) -> String {
    format!("{}_{}", entry.created_at.timestamp_micros(), entry.id)
}

fn parse_cursor(cursor: &str) -> Result<(DateTime<Utc>, QuarantineId), AppError> {
    let bad = || AppError::InvalidQuery(format!("`{cursor}` is not a cursor of this list"));
    let (micros, id) = cursor.split_once('_').ok_or_else(bad)?;
    let at = micros
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(bad)?;
    Ok((at, id.parse().map_err(|_| bad())?))
}

/// A page of the quarantine, newest first (admins).
pub async fn list(
    app: &App,
    actor: Actor,
    cursor: Option<String>,
    limit: Option<i64>,
) -> Result<QuarantinePage, AppError> {
    actor.may_administer()?;
    let before = cursor.as_deref().map(parse_cursor).transpose()?;
    let limit = limit.unwrap_or(50).clamp(1, PAGE_MAX);
    let mut items = app
        .store
        .read(move |conn| Ok::<_, AppError>(quarantine::list(conn, before, limit + 1)?))
        .await?;
    let next_cursor = (items.len() as i64 > limit).then(|| {
        items.truncate(usize::try_from(limit).unwrap_or(0));
        items.last().map(cursor_of)
    });
    Ok(QuarantinePage {
        items: items.into_iter().map(view).collect(),
        next_cursor: next_cursor.flatten(),
    })
}

/// The raw bytes of a quarantined mail (admins).
pub async fn raw(app: &App, actor: Actor, id: QuarantineId) -> Result<Vec<u8>, AppError> {
    actor.may_administer()?;
    let entry = find(app, id).await?;
    let files = app.files()?.clone();
    tokio::task::spawn_blocking(move || files.read(&entry.raw_sha256))
        .await
        .map_err(|e| AppError::Internal(Box::new(e)))?
}

async fn find(app: &App, id: QuarantineId) -> Result<Quarantined, AppError> {
    app.store
        .read(move |conn| Ok::<_, AppError>(quarantine::find(conn, id)?))
        .await?
        .ok_or(AppError::NotFound("quarantined mail"))
}

/// Takes a quarantined mail in again: it leaves the quarantine when taken, or stays with
/// the new reason. `actor` is `None` for the CLI (`kefu mail retry`).
pub async fn retry(
    app: &App,
    actor: Option<(Actor, Origin)>,
    id: QuarantineId,
) -> Result<Changed<Ingested>, AppError> {
    if let Some((actor, _)) = &actor {
        actor.may_administer()?;
    }
    let entry = find(app, id).await?;
    let files = app.files()?.clone();
    let sha = entry.raw_sha256.clone();
    let raw = tokio::task::spawn_blocking(move || files.read(&sha))
        .await
        .map_err(|e| AppError::Internal(Box::new(e)))??;
    let source = match entry.source.as_str() {
        "imap" => Source::Imap,
        "http" => Source::Http,
        _ => Source::Pipe,
    };
    let outcome = ingest::ingest_as(
        app,
        Delivery {
            raw,
            source,
            mailbox: entry.mailbox,
        },
        Some(id),
    )
    .await?;
    if let Some((actor, origin)) = actor {
        let detail =
            serde_json::json!({ "taken": !matches!(outcome.value, Ingested::Quarantined { .. }) });
        app.store
            .write(move |conn| {
                audit::record_by(
                    conn,
                    &origin,
                    AuditAction::QuarantineRetried,
                    &actor,
                    Some(Target::new(
                        "quarantine",
                        id,
                        entry.subject.unwrap_or_default(),
                    )),
                    Some(detail),
                    time::now(),
                )?;
                Ok::<_, AppError>(())
            })
            .await?;
    }
    Ok(outcome)
}

/// Deletes a quarantined mail for good (admins).
pub async fn delete(
    app: &App,
    actor: Actor,
    origin: Origin,
    id: QuarantineId,
) -> Result<(), AppError> {
    actor.may_administer()?;
    app.store
        .write(move |conn| {
            let entry =
                quarantine::find(conn, id)?.ok_or(AppError::NotFound("quarantined mail"))?;
            quarantine::delete(conn, id)?;
            audit::record_by(
                conn,
                &origin,
                AuditAction::QuarantineDeleted,
                &actor,
                Some(Target::new(
                    "quarantine",
                    id,
                    entry.subject.unwrap_or_default(),
                )),
                Some(serde_json::json!({ "sender": entry.sender, "reason": entry.reason })),
                time::now(),
            )?;
            Ok(())
        })
        .await
}

/// Every quarantined mail's id, oldest first (for `kefu mail retry --all`).
pub async fn all_ids(app: &App) -> Result<Vec<QuarantineId>, AppError> {
    let mut ids = Vec::new();
    let mut before = None;
    loop {
        let page = app
            .store
            .read(move |conn| Ok::<_, AppError>(quarantine::list(conn, before, PAGE_MAX)?))
            .await?;
        let Some(last) = page.last() else { break };
        before = Some((last.created_at, last.id));
        ids.extend(page.iter().map(|q| q.id));
    }
    ids.reverse();
    Ok(ids)
}
