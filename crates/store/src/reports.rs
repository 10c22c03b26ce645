//! Reports, computed by the database: each figure is one aggregate statement over an index
//! range (tickets created or solved in the period, ratings given in it, the open backlog),
//! grouped by team, agent, stage or channel, so a year of a team's tickets is summed where
//! they lie instead of being read out.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text, Timestamp};

use crate::convert::to_db;
use crate::{Backend, DbConnection, StoreError};

/// What a report's rows are per.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    /// Per team (none for tickets in no team).
    Team,
    /// Per agent (none for unassigned tickets).
    Agent,
    /// Per stage.
    Stage,
    /// Per channel.
    Channel,
    /// One row for everything.
    All,
}

impl GroupBy {
    fn column(self, table: &str) -> String {
        let column = match self {
            GroupBy::All => return "'all'".to_owned(),
            GroupBy::Team => "team_id",
            GroupBy::Agent => {
                if table == "r" {
                    "agent_id"
                } else {
                    "assignee_id"
                }
            }
            GroupBy::Stage => "stage",
            GroupBy::Channel => "channel",
        };
        format!("{table}.{column}")
    }
}

/// The period and the tickets a report covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// From (inclusive).
    pub from: DateTime<Utc>,
    /// To (exclusive).
    pub to: DateTime<Utc>,
    /// Only this team's tickets.
    pub team: Option<String>,
    /// What rows are per.
    pub by: GroupBy,
}

/// One aggregate row: the group's key, a count and up to three averages.
#[derive(Clone, Debug, PartialEq, QueryableByName)]
pub struct Aggregate {
    /// The group (a team or agent id, a stage, a channel, a day, a vendor id), if any.
    #[diesel(sql_type = Nullable<Text>)]
    pub key: Option<String>,
    /// How many.
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    /// The first average (see each statement).
    #[diesel(sql_type = Nullable<Double>)]
    pub a: Option<f64>,
    /// The second average.
    #[diesel(sql_type = Nullable<Double>)]
    pub b: Option<f64>,
    /// The third average.
    #[diesel(sql_type = Nullable<Double>)]
    pub c: Option<f64>,
}

/// Seconds from `earlier` to `later`, in the backend's SQL.
fn seconds(backend: Backend, later: &str, earlier: &str) -> String {
    match backend {
        Backend::Postgres => format!("EXTRACT(EPOCH FROM ({later} - {earlier}))"),
        Backend::Sqlite => format!("((julianday({later}) - julianday({earlier})) * 86400.0)"),
    }
}

/// The calendar day (UTC) of a timestamp, as `YYYY-MM-DD`.
fn day(backend: Backend, column: &str) -> String {
    match backend {
        Backend::Postgres => format!("to_char({column}, 'YYYY-MM-DD')"),
        Backend::Sqlite => format!("substr({column}, 1, 10)"),
    }
}

fn average(expression: &str) -> String {
    format!("CAST(AVG({expression}) AS DOUBLE PRECISION)")
}

const NONE: &str = "CAST(NULL AS DOUBLE PRECISION)";

/// Runs `select … FROM … WHERE {time} >= from AND {time} < to [AND {team} = team] GROUP BY 1`.
fn run(
    conn: &mut DbConnection,
    scope: &Scope,
    (select, from, time, team): (&str, &str, &str, &str),
) -> Result<Vec<Aggregate>, StoreError> {
    let backend = conn.backend();
    let place = |n: usize| match backend {
        Backend::Postgres => format!("${n}"),
        Backend::Sqlite => "?".to_owned(),
    };
    let mut text = format!(
        "SELECT {select} FROM {from} WHERE {time} >= {} AND {time} < {}",
        place(1),
        place(2)
    );
    if scope.team.is_some() {
        text.push_str(&format!(" AND {team} = {}", place(3)));
    }
    text.push_str(" GROUP BY 1");
    let (from_at, to_at) = (to_db(scope.from), to_db(scope.to));
    let team = scope.team.clone().unwrap_or_default();
    let rows = crate::with_backend!(conn, c => {
        let query = diesel::sql_query(text.as_str())
            .bind::<Timestamp, _>(from_at)
            .bind::<Timestamp, _>(to_at);
        if scope.team.is_some() {
            query.bind::<Text, _>(team).load::<Aggregate>(c)
        } else {
            query.load::<Aggregate>(c)
        }
    })?;
    Ok(rows)
}

/// Tickets created in the period per group: `n` created, `a` the average seconds to the first
/// public answer (of those answered).
pub fn created(conn: &mut DbConnection, scope: &Scope) -> Result<Vec<Aggregate>, StoreError> {
    let b = conn.backend();
    let g = scope.by.column("t");
    let first = seconds(b, "t.first_responded_at", "t.created_at");
    let select = format!(
        "{g} AS key, COUNT(*) AS n, {} AS a, {NONE} AS b, {NONE} AS c",
        average(&format!(
            "CASE WHEN t.first_responded_at IS NOT NULL THEN {first} END"
        ))
    );
    run(
        conn,
        scope,
        (&select, "tickets t", "t.created_at", "t.team_id"),
    )
}

/// Tickets solved in the period per group: `n` solved, `a` the average seconds from opening to
/// solving.
pub fn solved(conn: &mut DbConnection, scope: &Scope) -> Result<Vec<Aggregate>, StoreError> {
    let b = conn.backend();
    let g = scope.by.column("t");
    let select = format!(
        "{g} AS key, COUNT(*) AS n, {} AS a, {NONE} AS b, {NONE} AS c",
        average(&seconds(b, "t.solved_at", "t.created_at"))
    );
    run(
        conn,
        scope,
        (&select, "tickets t", "t.solved_at", "t.team_id"),
    )
}

/// Service levels of the tickets created in the period per group: `n` tickets under a policy,
/// `a` the share of them that breached a target (a breach alert fired). On PostgreSQL the
/// breached tickets of the period are gathered once and joined (a probe per ticket took most
/// of a year's report at a million tickets); SQLite probes each ticket's events.
pub fn sla(conn: &mut DbConnection, scope: &Scope) -> Result<Vec<Aggregate>, StoreError> {
    let g = scope.by.column("t");
    let (breached, from) = match conn.backend() {
        Backend::Postgres => (
            "CASE WHEN b.ticket_id IS NOT NULL THEN 1.0 ELSE 0.0 END",
            // A target breaches after its ticket is created: events from the period's start.
            "tickets t JOIN ticket_slas s ON s.ticket_id = t.id \
             LEFT JOIN (SELECT DISTINCT e.ticket_id FROM sla_events e \
             WHERE e.kind = 'breach' AND e.fired_at >= $1) b ON b.ticket_id = t.id",
        ),
        Backend::Sqlite => (
            "CASE WHEN EXISTS (SELECT 1 FROM sla_events e WHERE e.ticket_id = t.id AND e.kind = 'breach') THEN 1.0 ELSE 0.0 END",
            "tickets t JOIN ticket_slas s ON s.ticket_id = t.id",
        ),
    };
    let select = format!(
        "{g} AS key, COUNT(*) AS n, {} AS a, {NONE} AS b, {NONE} AS c",
        average(breached)
    );
    run(conn, scope, (&select, from, "t.created_at", "t.team_id"))
}

/// Ratings given in the period per group (as the ticket was when rated): `n` ratings, `a` the
/// average score, `b` the share of 4s and 5s (CSAT), `c` the average expectation gap (−1 worse,
/// 0 as expected, +1 better) of those who answered it.
pub fn ratings(conn: &mut DbConnection, scope: &Scope) -> Result<Vec<Aggregate>, StoreError> {
    let g = scope.by.column("r");
    let select = format!(
        "{g} AS key, COUNT(*) AS n, {} AS a, {} AS b, {} AS c",
        average("r.score"),
        average("CASE WHEN r.score >= 4 THEN 1.0 ELSE 0.0 END"),
        average(
            "CASE r.expectation WHEN 'worse' THEN -1.0 WHEN 'as_expected' THEN 0.0 WHEN 'better' THEN 1.0 END"
        )
    );
    run(
        conn,
        scope,
        (&select, "ratings r", "r.created_at", "r.team_id"),
    )
}

/// Tickets per day of the period by `column` (`t.created_at`, `t.solved_at`): `n` per day.
fn per_day(
    conn: &mut DbConnection,
    scope: &Scope,
    column: &str,
) -> Result<Vec<Aggregate>, StoreError> {
    let d = day(conn.backend(), column);
    let select = format!("{d} AS key, COUNT(*) AS n, {NONE} AS a, {NONE} AS b, {NONE} AS c");
    run(conn, scope, (&select, "tickets t", column, "t.team_id"))
}

/// Tickets created per day of the period: `n` per day.
pub fn created_per_day(
    conn: &mut DbConnection,
    scope: &Scope,
) -> Result<Vec<Aggregate>, StoreError> {
    per_day(conn, scope, "t.created_at")
}

/// Tickets solved per day of the period: `n` per day.
pub fn solved_per_day(
    conn: &mut DbConnection,
    scope: &Scope,
) -> Result<Vec<Aggregate>, StoreError> {
    per_day(conn, scope, "t.solved_at")
}

/// The open backlog now per group: `n` unsolved tickets, `a` their average age in seconds,
/// `b` the share older than a week. The period does not apply; the team does.
pub fn backlog(
    conn: &mut DbConnection,
    scope: &Scope,
    now: DateTime<Utc>,
) -> Result<Vec<Aggregate>, StoreError> {
    let backend = conn.backend();
    let place = |n: usize| match backend {
        Backend::Postgres => format!("${n}"),
        Backend::Sqlite => "?".to_owned(),
    };
    let g = scope.by.column("t");
    let mut text = format!(
        "SELECT {g} AS key, COUNT(*) AS n, {} AS a, {} AS b, {NONE} AS c \
         FROM tickets t WHERE t.unsolved",
        average(&seconds(backend, &place(1), "t.created_at")),
        average(&format!(
            "CASE WHEN t.created_at < {} THEN 1.0 ELSE 0.0 END",
            place(2)
        ))
    );
    if scope.team.is_some() {
        text.push_str(&format!(" AND t.team_id = {}", place(3)));
    }
    text.push_str(" GROUP BY 1");
    let (now_at, week_at) = (to_db(now), to_db(now - chrono::Duration::days(7)));
    let team = scope.team.clone().unwrap_or_default();
    let rows = crate::with_backend!(conn, c => {
        let query = diesel::sql_query(text.as_str())
            .bind::<Timestamp, _>(now_at)
            .bind::<Timestamp, _>(week_at);
        if scope.team.is_some() {
            query.bind::<Text, _>(team).load::<Aggregate>(c)
        } else {
            query.load::<Aggregate>(c)
        }
    })?;
    Ok(rows)
}

/// Escalations requested in the period per vendor: `n` escalations, `a` the average seconds
/// to the vendor's answer (of those answered), `b` the share answered.
pub fn vendor_turnaround(
    conn: &mut DbConnection,
    scope: &Scope,
) -> Result<Vec<Aggregate>, StoreError> {
    let b = conn.backend();
    let select = format!(
        "e.vendor_id AS key, COUNT(*) AS n, {} AS a, {} AS b, {NONE} AS c",
        average(&format!(
            "CASE WHEN e.answered_at IS NOT NULL THEN {} END",
            seconds(b, "e.answered_at", "e.requested_at")
        )),
        average("CASE WHEN e.answered_at IS NOT NULL THEN 1.0 ELSE 0.0 END")
    );
    run(
        conn,
        scope,
        (
            &select,
            "escalations e JOIN tickets t ON t.id = e.ticket_id",
            "e.requested_at",
            "t.team_id",
        ),
    )
}
