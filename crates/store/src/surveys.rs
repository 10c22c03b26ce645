//! Satisfaction ratings and the single-use links mailed to ask for them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::{RatingId, TeamId, TicketId, UserId};
use kefu_domain::survey::{Rating, RatingSource};
use kefu_domain::ticket::{Channel, Stage};

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::{ratings, survey_links};
use crate::{DbConnection, StoreError};

/// A rating as kept: the answer, where it came from, and the ticket as it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRating {
    /// Its id.
    pub id: RatingId,
    /// The ticket rated.
    pub ticket: TicketId,
    /// The answer.
    pub rating: Rating,
    /// Where the customer answered.
    pub source: RatingSource,
    /// The ticket's agent then.
    pub agent: Option<UserId>,
    /// The ticket's team then.
    pub team: Option<TeamId>,
    /// The ticket's stage then.
    pub stage: Stage,
    /// The ticket's channel.
    pub channel: Channel,
    /// When it came.
    pub created_at: DateTime<Utc>,
}

type Row = (
    String,
    String,
    i32,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    NaiveDateTime,
);

fn read(row: Row) -> Result<StoredRating, StoreError> {
    let (id, ticket, score, comment, expectation, source, agent, team, stage, channel, at) = row;
    Ok(StoredRating {
        id: parse(&id)?,
        ticket: parse(&ticket)?,
        rating: Rating {
            score: u8::try_from(score)
                .map_err(|_| StoreError::Corrupt("a rating's score".into()))?,
            comment,
            expectation: parse_opt(expectation.as_deref())?,
        },
        source: parse(&source)?,
        agent: parse_opt(agent.as_deref())?,
        team: parse_opt(team.as_deref())?,
        stage: parse(&stage)?,
        channel: parse(&channel)?,
        created_at: from_db(at),
    })
}

/// Keeps a rating.
pub fn insert(conn: &mut DbConnection, r: &StoredRating) -> Result<(), StoreError> {
    insert_many(conn, std::slice::from_ref(r))
}

/// Keeps several ratings, a statement per chunk the backend takes.
pub fn insert_many(conn: &mut DbConnection, list: &[StoredRating]) -> Result<(), StoreError> {
    for chunk in list.chunks(crate::dialect::rows_per_statement(11)) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|r| {
                (
                    ratings::id.eq(r.id.to_string()),
                    ratings::ticket_id.eq(r.ticket.to_string()),
                    ratings::score.eq(i32::from(r.rating.score)),
                    ratings::comment.eq(r.rating.comment.clone()),
                    ratings::expectation.eq(r.rating.expectation.map(|e| e.as_str())),
                    ratings::source.eq(r.source.as_str()),
                    ratings::agent_id.eq(r.agent.map(|a| a.to_string())),
                    ratings::team_id.eq(r.team.map(|t| t.to_string())),
                    ratings::stage.eq(r.stage.as_str()),
                    ratings::channel.eq(r.channel.as_str()),
                    ratings::created_at.eq(to_db(r.created_at)),
                )
            })
            .collect();
        crate::with_backend!(conn, c => diesel::insert_into(ratings::table)
            .values(rows)
            .execute(c))?;
    }
    Ok(())
}

/// The ticket's ratings, newest first.
pub fn of_ticket(
    conn: &mut DbConnection,
    ticket: TicketId,
) -> Result<Vec<StoredRating>, StoreError> {
    ratings::table
        .filter(ratings::ticket_id.eq(ticket.to_string()))
        .order((ratings::created_at.desc(), ratings::id.desc()))
        .select((
            ratings::id,
            ratings::ticket_id,
            ratings::score,
            ratings::comment,
            ratings::expectation,
            ratings::source,
            ratings::agent_id,
            ratings::team_id,
            ratings::stage,
            ratings::channel,
            ratings::created_at,
        ))
        .load::<Row>(conn)?
        .into_iter()
        .map(read)
        .collect()
}

/// Keeps a mailed link's token hash, good until `expires_at`.
pub fn insert_link(
    conn: &mut DbConnection,
    token_hash: &str,
    ticket: TicketId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(survey_links::table)
        .values((
            survey_links::token_hash.eq(token_hash),
            survey_links::ticket_id.eq(ticket.to_string()),
            survey_links::created_at.eq(to_db(now)),
            survey_links::expires_at.eq(to_db(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// A mailed link: its ticket, when it expires and when it was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SurveyLink {
    /// The ticket it asks about.
    pub ticket: TicketId,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was answered, if it was.
    pub used_at: Option<DateTime<Utc>>,
}

/// The link whose token hashes to `token_hash`, if any.
pub fn find_link(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<SurveyLink>, StoreError> {
    let row: Option<(String, NaiveDateTime, Option<NaiveDateTime>)> = survey_links::table
        .find(token_hash)
        .select((
            survey_links::ticket_id,
            survey_links::expires_at,
            survey_links::used_at,
        ))
        .first(conn)
        .optional()?;
    row.map(|(ticket, expires, used)| {
        Ok(SurveyLink {
            ticket: parse(&ticket)?,
            expires_at: from_db(expires),
            used_at: used.map(from_db),
        })
    })
    .transpose()
}

/// Marks the link used, if it was not; `false` when someone used it first.
pub fn use_link(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(diesel::update(
        survey_links::table
            .find(token_hash)
            .filter(survey_links::used_at.is_null()),
    )
    .set(survey_links::used_at.eq(to_db(now)))
    .execute(conn)?
        > 0)
}

/// A solved ticket as a rating would record it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rateable {
    /// The ticket.
    pub ticket: TicketId,
    /// Its agent.
    pub agent: Option<UserId>,
    /// Its team.
    pub team: Option<TeamId>,
    /// Its stage.
    pub stage: Stage,
    /// Its channel.
    pub channel: Channel,
    /// When it last changed (about when it was solved).
    pub updated_at: DateTime<Utc>,
}

/// A solved ticket's row: id, agent, team, stage, channel, last change.
type SolvedRow = (
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    NaiveDateTime,
);

/// Up to `limit` solved or closed tickets after `after` by id (a page through them all).
pub fn solved_page(
    conn: &mut DbConnection,
    after: Option<TicketId>,
    limit: i64,
) -> Result<Vec<Rateable>, StoreError> {
    use crate::schema::tickets;
    let rows: Vec<SolvedRow> = tickets::table
        .filter(tickets::status.eq_any(["solved", "closed"]))
        .filter(tickets::id.gt(after.map(|a| a.to_string()).unwrap_or_default()))
        .order(tickets::id)
        .limit(limit)
        .select((
            tickets::id,
            tickets::assignee_id,
            tickets::team_id,
            tickets::stage,
            tickets::channel,
            tickets::updated_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, agent, team, stage, channel, at)| {
            Ok(Rateable {
                ticket: parse(&id)?,
                agent: parse_opt(agent.as_deref())?,
                team: parse_opt(team.as_deref())?,
                stage: parse(&stage)?,
                channel: parse(&channel)?,
                updated_at: from_db(at),
            })
        })
        .collect()
}
