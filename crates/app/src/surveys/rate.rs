//! The customer's answer to a survey — from the widget when a chat ends, from the mailed link,
//! or in the portal — kept with the ticket's agent, team, stage and channel of the moment. A
//! low rating reopens a solved ticket if the settings say so, and sets off the
//! `satisfaction_rated_low` triggers.

use chrono::{DateTime, Utc};
use kefu_api_types::surveys::{RatingList, RatingRequest, RatingResponse, SurveyLinkResponse};
use kefu_domain::ids::RatingId;
use kefu_domain::message::AuthorKind;
use kefu_domain::permissions::Actor;
use kefu_domain::role::Role;
use kefu_domain::survey::{Expectation, Rating, RatingSource};
use kefu_domain::ticket::{Status, Ticket};
use kefu_domain::time;
use kefu_domain::triggers::TriggerEvent;
use kefu_store::surveys::{self, StoredRating};
use kefu_store::{DbConnection, dialect, messages, tickets};
use serde_json::json;

use super::settings;
use crate::changes::{ChangeKind, Changed};
use crate::error::AppError;
use crate::mail::ingest::system_event;
use crate::mail::outgoing;
use crate::sla::clock::{self, Activity};
use crate::tickets::reference::load_for_update;
use crate::tickets::{TicketRef, history};
use crate::triggers::run::{self, Context};
use crate::{App, tokens};

fn response(r: &StoredRating) -> RatingResponse {
    RatingResponse {
        id: r.id,
        ticket_id: r.ticket,
        score: r.rating.score,
        comment: r.rating.comment.clone(),
        expectation: r.rating.expectation,
        source: r.source,
        created_at: r.created_at,
    }
}

fn words(expectation: Option<Expectation>) -> (&'static str, &'static str) {
    match expectation {
        Some(Expectation::Worse) => (" · worse than expected", " · 低于预期"),
        Some(Expectation::AsExpected) => (" · as expected", " · 符合预期"),
        Some(Expectation::Better) => (" · better than expected", " · 超出预期"),
        None => ("", ""),
    }
}

/// Keeps `rating` on `ticket` (locked by the caller) from `source`, with a timeline entry;
/// a low one reopens a solved ticket if the settings say so and sets off the
/// `satisfaction_rated_low` triggers.
pub(crate) fn record(
    conn: &mut DbConnection,
    context: Context<'_>,
    ticket: Ticket,
    (rating, source): (Rating, RatingSource),
    now: DateTime<Utc>,
) -> Result<StoredRating, AppError> {
    let stored = StoredRating {
        id: RatingId::new(),
        ticket: ticket.id,
        rating,
        source,
        agent: ticket.assignee,
        team: ticket.team,
        stage: ticket.stage,
        channel: ticket.channel,
        created_at: now,
    };
    surveys::insert(conn, &stored)?;
    let r = &stored.rating;
    let (en, zh) = words(r.expectation);
    let said = r
        .comment
        .as_deref()
        .map(|c| format!(": “{c}”"))
        .unwrap_or_default();
    let said_zh = r
        .comment
        .as_deref()
        .map(|c| format!("：“{c}”"))
        .unwrap_or_default();
    let score = r.score;
    messages::insert(
        conn,
        &system_event(
            &ticket,
            format!("Rated {score}/5{en}{said} / 评分 {score}/5{zh}{said_zh}"),
            json!({ "rating": {
                "id": stored.id,
                "score": score,
                "expectation": r.expectation.map(|e| e.as_str()),
                "source": source.as_str(),
                "comment": r.comment,
            } }),
            now,
        ),
    )?;
    let settings = settings::read(conn)?;
    if settings.is_low(r) {
        let mut current = ticket;
        if settings.reopen_low && current.status == Status::Solved {
            let before = current.clone();
            current.status = Status::Open;
            current.updated_at = now;
            clock::follow(conn, context.1, &before, &mut current, Activity::Quiet, now)?;
            tickets::save(conn, &current)?;
            crate::integrations::updated(conn, context.1, &before, &current, now)?;
            history::record_as(conn, AuthorKind::System, None, &before, &current, now)?;
        }
        run::on(
            conn,
            context,
            current,
            TriggerEvent::SatisfactionRatedLow,
            &format!("rating:{}", stored.id),
            now,
        )?;
    } else {
        tickets::touch(conn, ticket.id, now)?;
    }
    Ok(stored)
}

fn rating_of(request: &RatingRequest) -> Result<Rating, AppError> {
    Ok(Rating::new(
        request.score,
        request.comment.as_deref(),
        request.expectation,
    )?)
}

/// Where a mailed link stands, for the page behind it (no sign-in). Unknown tokens are
/// "not found", like a link that never was.
pub async fn link(app: &App, token: String) -> Result<SurveyLinkResponse, AppError> {
    app.store
        .read(move |conn| {
            let link = surveys::find_link(conn, &tokens::hash(&token))?
                .ok_or(AppError::NotFound("survey"))?;
            let ticket = tickets::find(conn, link.ticket)?;
            let state = match (link.used_at, link.expires_at <= time::now()) {
                (Some(_), _) => "used",
                (None, true) => "expired",
                (None, false) => "open",
            };
            let locale = outgoing::customer_locale(conn, &ticket)?;
            Ok::<_, AppError>(SurveyLinkResponse {
                ticket_number: ticket.number.get(),
                subject: ticket.subject,
                state: state.to_owned(),
                ask_expectation: settings::read(conn)?.ask_expectation,
                locale: locale.as_str().to_owned(),
            })
        })
        .await
}

/// Answers through a mailed link: once, before it expires, no sign-in.
pub async fn by_link(
    app: &App,
    token: String,
    request: RatingRequest,
) -> Result<Changed<RatingResponse>, AppError> {
    let rating = rating_of(&request)?;
    let mail = app.mail_context().await?;
    let sla = app.sla_book.clone();
    let stored = app
        .store
        .write(move |conn| {
            let hash = tokens::hash(&token);
            let link = surveys::find_link(conn, &hash)?.ok_or(AppError::NotFound("survey"))?;
            let now = time::now();
            if link.expires_at <= now {
                return Err(AppError::conflict(
                    "survey_expired",
                    "this survey link has expired",
                ));
            }
            if !surveys::use_link(conn, &hash, now)? {
                return Err(AppError::conflict(
                    "survey_used",
                    "this survey was answered already; thank you",
                ));
            }
            dialect::lock_ticket(conn, &link.ticket.to_string())?;
            let ticket = tickets::find(conn, link.ticket)?;
            record(
                conn,
                (&mail, &sla),
                ticket,
                (rating, RatingSource::Email),
                now,
            )
        })
        .await?;
    let id = stored.ticket;
    Ok(Changed::ticket(response(&stored), id, ChangeKind::Updated))
}

/// A customer rates their own solved or closed ticket in the portal; rating again adds a
/// newer answer.
pub async fn by_customer(
    app: &App,
    actor: Actor,
    reference: TicketRef,
    request: RatingRequest,
) -> Result<Changed<RatingResponse>, AppError> {
    if actor.role != Role::Customer {
        return Err(AppError::forbidden("customers rate their own tickets"));
    }
    let rating = rating_of(&request)?;
    let mail = app.mail_context().await?;
    let sla = app.sla_book.clone();
    let stored = app
        .store
        .write(move |conn| {
            let (ticket, _) = load_for_update(conn, &actor, reference)?;
            if !matches!(ticket.status, Status::Solved | Status::Closed) {
                return Err(AppError::conflict(
                    "not_solved",
                    "a ticket is rated once it is solved",
                ));
            }
            record(
                conn,
                (&mail, &sla),
                ticket,
                (rating, RatingSource::Portal),
                time::now(),
            )
        })
        .await?;
    let id = stored.ticket;
    Ok(Changed::ticket(response(&stored), id, ChangeKind::Updated))
}

/// A ticket's ratings, newest first (staff, and the customer whose ticket it is).
pub async fn list(app: &App, actor: Actor, reference: TicketRef) -> Result<RatingList, AppError> {
    app.store
        .read(move |conn| {
            let (ticket, _) = crate::tickets::reference::load_visible(conn, &actor, reference)?;
            let items = surveys::of_ticket(conn, ticket.id)?
                .iter()
                .map(response)
                .collect();
            Ok::<_, AppError>(RatingList { items })
        })
        .await
}
