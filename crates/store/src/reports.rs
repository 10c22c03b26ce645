//! Reports, read from a per-day summary that the database keeps in step with the tickets and
//! ratings (migration `report_rollup`): every change appends what it adds and takes away to
//! `report_deltas`, [`fold`] moves those rows into `report_days`, and a report sums both, so a
//! year of a team is a few thousand summary rows, exact to the last change.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Double, Nullable, Text, Timestamp};

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
    /// Per day (`YYYY-MM-DD`, UTC).
    Day,
    /// One row for everything.
    All,
}

impl GroupBy {
    /// The group of a summary row (`f`), whose empty team or agent means none.
    fn of_summary(self, backend: Backend) -> &'static str {
        match (self, backend) {
            (GroupBy::Team, _) => "NULLIF(f.team_id, '')",
            (GroupBy::Agent, _) => "NULLIF(f.agent_id, '')",
            (GroupBy::Stage, _) => "f.stage",
            (GroupBy::Channel, _) => "f.channel",
            (GroupBy::Day, Backend::Postgres) => "to_char(f.day, 'YYYY-MM-DD')",
            (GroupBy::Day, Backend::Sqlite) => "f.day",
            (GroupBy::All, _) => "'all'",
        }
    }

    /// The group of a ticket (`t`).
    fn of_ticket(self, backend: Backend) -> &'static str {
        match (self, backend) {
            (GroupBy::Team, _) => "t.team_id",
            (GroupBy::Agent, _) => "t.assignee_id",
            (GroupBy::Stage, _) => "t.stage",
            (GroupBy::Channel, _) => "t.channel",
            (GroupBy::Day, Backend::Postgres) => "to_char(t.created_at, 'YYYY-MM-DD')",
            (GroupBy::Day, Backend::Sqlite) => "substr(t.created_at, 1, 10)",
            (GroupBy::All, _) => "'all'",
        }
    }
}

/// The days and the tickets a report covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// The first day (UTC).
    pub from: NaiveDate,
    /// The last day (UTC), included.
    pub to: NaiveDate,
    /// Only this team's tickets.
    pub team: Option<String>,
    /// What rows are per.
    pub by: GroupBy,
}

/// The summary's measures, in its column order.
const MEASURES: [&str; 14] = [
    "created",
    "responded",
    "response_ms",
    "solved",
    "resolution_ms",
    "sla_tickets",
    "sla_breached",
    "unsolved",
    "unsolved_opened_s",
    "ratings",
    "rating_points",
    "satisfied",
    "expectations",
    "expectation_points",
];

/// The summary's key columns.
const KEY: &str = "day, team_id, agent_id, stage, channel";

/// Both halves of the summary, as `f`.
fn summary() -> String {
    let columns = format!("{KEY}, {}", MEASURES.join(", "));
    format!("(SELECT {columns} FROM report_days UNION ALL SELECT {columns} FROM report_deltas) f")
}

/// A statement's parameter.
enum Param {
    Day(NaiveDate),
    At(DateTime<Utc>),
    Text(String),
}

/// `$n` or `?`.
fn place(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Postgres => format!("${n}"),
        Backend::Sqlite => "?".to_owned(),
    }
}

/// Narrows `text` to the scope's team, if any: `condition` (such as `AND t.team_id`) equals the
/// next parameter.
fn only_team(
    scope: &Scope,
    condition: &str,
    text: &mut String,
    params: &mut Vec<Param>,
    backend: Backend,
) {
    if let Some(team) = &scope.team {
        text.push_str(&format!(
            " {condition} = {}",
            place(backend, params.len() + 1)
        ));
        params.push(Param::Text(team.clone()));
    }
}

fn load<T>(conn: &mut DbConnection, text: &str, params: Vec<Param>) -> Result<Vec<T>, StoreError>
where
    T: QueryableByName<diesel::pg::Pg> + QueryableByName<diesel::sqlite::Sqlite> + 'static,
{
    let rows = crate::with_backend!(conn, c => {
        let mut query = diesel::sql_query(text).into_boxed();
        for param in params {
            query = match param {
                Param::Day(day) => query.bind::<Date, _>(day),
                Param::At(at) => query.bind::<Timestamp, _>(to_db(at)),
                Param::Text(text) => query.bind::<Text, _>(text),
            };
        }
        query.load::<T>(c)
    })?;
    Ok(rows)
}

/// What one group sums to over a period: tickets created (with their first responses and
/// service levels), tickets solved, and ratings given.
#[derive(Clone, Debug, Default, PartialEq, Eq, QueryableByName)]
pub struct Totals {
    /// The group (a team or agent id, a stage, a channel, a day), if any.
    #[diesel(sql_type = Nullable<Text>)]
    pub key: Option<String>,
    /// Tickets created.
    #[diesel(sql_type = BigInt)]
    pub created: i64,
    /// Of those, the ones with a public answer.
    #[diesel(sql_type = BigInt)]
    pub responded: i64,
    /// Milliseconds from creation to the first public answer, summed over those answered.
    #[diesel(sql_type = BigInt)]
    pub response_ms: i64,
    /// Tickets solved.
    #[diesel(sql_type = BigInt)]
    pub solved: i64,
    /// Milliseconds from creation to solving, summed over those solved.
    #[diesel(sql_type = BigInt)]
    pub resolution_ms: i64,
    /// Tickets created that run under a service-level policy.
    #[diesel(sql_type = BigInt)]
    pub sla_tickets: i64,
    /// Of those, the ones with a target breached.
    #[diesel(sql_type = BigInt)]
    pub sla_breached: i64,
    /// Ratings given.
    #[diesel(sql_type = BigInt)]
    pub ratings: i64,
    /// Their scores, summed.
    #[diesel(sql_type = BigInt)]
    pub rating_points: i64,
    /// Ratings of 4 or 5.
    #[diesel(sql_type = BigInt)]
    pub satisfied: i64,
    /// Ratings that answered the expectation question.
    #[diesel(sql_type = BigInt)]
    pub expectations: i64,
    /// Their answers summed (−1 worse, 0 as expected, +1 better).
    #[diesel(sql_type = BigInt)]
    pub expectation_points: i64,
}

impl Totals {
    /// Whether nothing counts in this group (a ticket moved away leaves such rows behind).
    pub fn is_empty(&self) -> bool {
        self.created == 0 && self.solved == 0 && self.ratings == 0
    }
}

/// The totals of the scope's period per group.
pub fn totals(conn: &mut DbConnection, scope: &Scope) -> Result<Vec<Totals>, StoreError> {
    let backend = conn.backend();
    // Every measure but the backlog's, which is not of a period.
    let sums: Vec<String> = MEASURES
        .iter()
        .filter(|m| !m.starts_with("unsolved"))
        .map(|m| format!("CAST(COALESCE(SUM(f.{m}), 0) AS BIGINT) AS {m}"))
        .collect();
    let mut text = format!(
        "SELECT {} AS key, {} FROM {} WHERE f.day >= {} AND f.day <= {}",
        scope.by.of_summary(backend),
        sums.join(", "),
        summary(),
        place(backend, 1),
        place(backend, 2),
    );
    let mut params = vec![Param::Day(scope.from), Param::Day(scope.to)];
    only_team(scope, "AND f.team_id", &mut text, &mut params, backend);
    text.push_str(" GROUP BY 1");
    let rows: Vec<Totals> = load(conn, &text, params)?;
    Ok(rows.into_iter().filter(|r| !r.is_empty()).collect())
}

/// One group's open tickets now.
#[derive(Clone, Debug, Default, PartialEq, Eq, QueryableByName)]
pub struct Backlog {
    /// The group (a team or agent id, a stage, a channel), if any.
    #[diesel(sql_type = Nullable<Text>)]
    pub key: Option<String>,
    /// Unsolved tickets.
    #[diesel(sql_type = BigInt)]
    pub unsolved: i64,
    /// Their creation times (Unix seconds), summed.
    #[diesel(sql_type = BigInt)]
    pub opened_s: i64,
    /// Of them, those opened more than a week before now.
    #[diesel(sql_type = BigInt)]
    pub over_week: i64,
}

impl Backlog {
    /// Their average age at `now`, in seconds.
    pub fn average_age_seconds(&self, now: DateTime<Utc>) -> Option<f64> {
        (self.unsolved > 0)
            .then(|| now.timestamp() as f64 - self.opened_s as f64 / self.unsolved as f64)
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = Nullable<Text>)]
    key: Option<String>,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The open backlog now per group. The period does not apply; the team does.
pub fn backlog(
    conn: &mut DbConnection,
    scope: &Scope,
    now: DateTime<Utc>,
) -> Result<Vec<Backlog>, StoreError> {
    let backend = conn.backend();
    let week_ago = now - Duration::days(7);
    let cutoff_day = week_ago.date_naive();
    // Whole days before the week's first day come from the summary…
    let mut text = format!(
        "SELECT {} AS key, CAST(COALESCE(SUM(f.unsolved), 0) AS BIGINT) AS unsolved, \
         CAST(COALESCE(SUM(f.unsolved_opened_s), 0) AS BIGINT) AS opened_s, \
         CAST(COALESCE(SUM(CASE WHEN f.day < {} THEN f.unsolved ELSE 0 END), 0) AS BIGINT) \
         AS over_week FROM {}",
        scope.by.of_summary(backend),
        place(backend, 1),
        summary(),
    );
    let mut params = vec![Param::Day(cutoff_day)];
    only_team(scope, "WHERE f.team_id", &mut text, &mut params, backend);
    text.push_str(" GROUP BY 1");
    let mut rows: Vec<Backlog> = load(conn, &text, params)?;
    rows.retain(|r| r.unsolved != 0);
    // …and the part of that first day before the cutoff from the tickets themselves.
    let mut text = format!(
        "SELECT {} AS key, COUNT(*) AS n FROM tickets t \
         WHERE t.unsolved AND t.created_at >= {} AND t.created_at < {}",
        scope.by.of_ticket(backend),
        place(backend, 1),
        place(backend, 2),
    );
    let mut params = vec![
        Param::At(cutoff_day.and_time(NaiveTime::MIN).and_utc()),
        Param::At(week_ago),
    ];
    only_team(scope, "AND t.team_id", &mut text, &mut params, backend);
    text.push_str(" GROUP BY 1");
    for count in load::<Count>(conn, &text, params)? {
        if let Some(row) = rows.iter_mut().find(|r| r.key == count.key) {
            row.over_week += count.n;
        }
    }
    Ok(rows)
}

/// An arbitrary but fixed key for the advisory lock held while folding on PostgreSQL.
const FOLD_LOCK: i64 = 7_003_404_445_566_770_024;

#[derive(QueryableByName)]
struct Taken {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    taken: bool,
}

/// Moves the changes appended since the last fold into the summary; returns the summary rows
/// written (none when another node is folding). Each change is moved exactly once.
pub fn fold(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let sums: Vec<String> = MEASURES.iter().map(|m| format!("SUM({m})")).collect();
    let adds: Vec<String> = MEASURES
        .iter()
        .map(|m| format!("{m} = report_days.{m} + excluded.{m}"))
        .collect();
    let upsert = format!(
        "INSERT INTO report_days ({KEY}, {measures}) SELECT {KEY}, {sums} FROM {{source}} \
         WHERE true GROUP BY {KEY} ON CONFLICT ({KEY}) DO UPDATE SET {adds}",
        measures = MEASURES.join(", "),
        sums = sums.join(", "),
        adds = adds.join(", "),
    );
    let written = match conn {
        DbConnection::Postgres(c) => {
            // One node folds at a time (the others find the lock taken and leave it), so two
            // folds never wait on each other's rows in different orders.
            let free: Vec<Taken> = diesel::sql_query(format!(
                "SELECT pg_try_advisory_xact_lock({FOLD_LOCK}) AS taken"
            ))
            .load(c)?;
            if !free.first().is_some_and(|f| f.taken) {
                return Ok(0);
            }
            // Deleting and summing in one statement: a change appended meanwhile is left for
            // the next fold.
            diesel::sql_query(format!(
                "WITH moved AS (DELETE FROM report_deltas RETURNING *) {}",
                upsert.replace("{source}", "moved")
            ))
            .execute(c)?
        }
        // SQLite writes one transaction at a time: summing and emptying in one (a savepoint
        // within the caller's) leaves no change between them.
        DbConnection::Sqlite(c) => c.transaction(|c| {
            let written =
                diesel::sql_query(upsert.replace("{source}", "report_deltas")).execute(c)?;
            diesel::sql_query("DELETE FROM report_deltas").execute(c)?;
            Ok::<_, diesel::result::Error>(written)
        })?,
    };
    Ok(written)
}

/// Builds the summary again from the tickets and ratings, with every ticket's service-level
/// flags worked out again from its clock and breach events; returns the summary rows written.
/// For a database changed with its triggers off (a restore that disabled them). Writers wait
/// while it runs; on PostgreSQL so does any fold.
pub fn rebuild(conn: &mut DbConnection) -> Result<usize, StoreError> {
    use diesel::connection::SimpleConnection;
    let sums: Vec<String> = MEASURES.iter().map(|m| format!("SUM({m})")).collect();
    let flags = "UPDATE tickets SET \
        sla_tracked = EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = tickets.id), \
        sla_breached = EXISTS (SELECT 1 FROM sla_events e \
            WHERE e.ticket_id = tickets.id AND e.kind = 'breach') \
        WHERE sla_tracked <> EXISTS (SELECT 1 FROM ticket_slas s WHERE s.ticket_id = tickets.id) \
        OR sla_breached <> EXISTS (SELECT 1 FROM sla_events e \
            WHERE e.ticket_id = tickets.id AND e.kind = 'breach')";
    let facts = match conn.backend() {
        Backend::Postgres => {
            "SELECT f.* FROM tickets t CROSS JOIN LATERAL report_ticket_facts(t, 1) f \
             UNION ALL SELECT f.* FROM ratings r CROSS JOIN LATERAL report_rating_facts(r, 1) f"
                .to_owned()
        }
        Backend::Sqlite => {
            let columns = format!("{KEY}, {}", MEASURES.join(", "));
            format!(
                "SELECT {columns} FROM report_ticket_facts \
                 UNION ALL SELECT {columns} FROM report_rating_facts"
            )
        }
    };
    let fill = format!(
        "INSERT INTO report_days ({KEY}, {}) SELECT {KEY}, {} FROM ({facts}) facts GROUP BY {KEY}",
        MEASURES.join(", "),
        sums.join(", "),
    );
    let written = match conn {
        DbConnection::Postgres(c) => {
            c.batch_execute(&format!(
                "SELECT pg_advisory_xact_lock({FOLD_LOCK}); \
                 LOCK TABLE tickets, ratings, ticket_slas, sla_events IN SHARE ROW EXCLUSIVE MODE"
            ))?;
            diesel::sql_query(flags).execute(c)?;
            c.batch_execute("DELETE FROM report_deltas; DELETE FROM report_days")?;
            diesel::sql_query(fill).execute(c)?
        }
        // SQLite writes one transaction at a time (a savepoint within the caller's).
        DbConnection::Sqlite(c) => c.transaction(|c| {
            diesel::sql_query(flags).execute(c)?;
            c.batch_execute("DELETE FROM report_deltas; DELETE FROM report_days")?;
            diesel::sql_query(fill).execute(c)
        })?,
    };
    Ok(written)
}

/// One vendor's escalations: `n` requested in the period, `a` the average seconds to the
/// vendor's answer (of those answered), `b` the share answered.
#[derive(Clone, Debug, PartialEq, QueryableByName)]
pub struct Turnaround {
    /// The vendor's id.
    #[diesel(sql_type = Nullable<Text>)]
    pub key: Option<String>,
    /// Escalations requested.
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    /// The average seconds to the vendor's answer.
    #[diesel(sql_type = Nullable<Double>)]
    pub a: Option<f64>,
    /// The share answered.
    #[diesel(sql_type = Nullable<Double>)]
    pub b: Option<f64>,
}

/// Escalations requested in the scope's period per vendor.
pub fn vendor_turnaround(
    conn: &mut DbConnection,
    scope: &Scope,
) -> Result<Vec<Turnaround>, StoreError> {
    let backend = conn.backend();
    let seconds = match backend {
        Backend::Postgres => "EXTRACT(EPOCH FROM (e.answered_at - e.requested_at))",
        Backend::Sqlite => "((julianday(e.answered_at) - julianday(e.requested_at)) * 86400.0)",
    };
    let mut text = format!(
        "SELECT e.vendor_id AS key, COUNT(*) AS n, \
         CAST(AVG(CASE WHEN e.answered_at IS NOT NULL THEN {seconds} END) AS DOUBLE PRECISION) AS a, \
         CAST(AVG(CASE WHEN e.answered_at IS NOT NULL THEN 1.0 ELSE 0.0 END) AS DOUBLE PRECISION) AS b \
         FROM escalations e JOIN tickets t ON t.id = e.ticket_id \
         WHERE e.requested_at >= {} AND e.requested_at < {}",
        place(backend, 1),
        place(backend, 2),
    );
    let mut params = vec![
        Param::At(scope.from.and_time(NaiveTime::MIN).and_utc()),
        Param::At(
            (scope.to + Duration::days(1))
                .and_time(NaiveTime::MIN)
                .and_utc(),
        ),
    ];
    only_team(scope, "AND t.team_id", &mut text, &mut params, backend);
    text.push_str(" GROUP BY 1");
    load(conn, &text, params)
}
