//! How many tickets each of several queue filters holds, up to a cap, in one statement: one
//! bounded index walk per filter, joined with `UNION ALL`, so the console's view list costs
//! one round trip however many teams there are.

use std::fmt::Write as _;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, SmallInt, Text, Timestamp};

use crate::convert::to_db;
use crate::tickets::{AssigneeFilter, TeamFilter, TicketFilter, count_capped};
use crate::{Backend, DbConnection, StoreError};

/// A value bound to the statement.
enum Bound {
    Text(String),
    Rank(i16),
    Time(NaiveDateTime),
    Number(i64),
}

/// A statement being written, with its bound values in order.
struct Statement {
    backend: Backend,
    text: String,
    binds: Vec<Bound>,
}

impl Statement {
    fn bind(&mut self, value: Bound) {
        self.binds.push(value);
        match self.backend {
            Backend::Postgres => {
                let _ = write!(self.text, "${}", self.binds.len());
            }
            Backend::Sqlite => self.text.push('?'),
        }
    }

    fn one_of(&mut self, column: &str, values: Vec<Bound>) {
        if values.is_empty() {
            return;
        }
        let _ = write!(self.text, " AND {column} IN (");
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(value);
        }
        self.text.push(')');
    }

    fn equals(&mut self, column: &str, value: Option<Bound>) {
        match value {
            Some(value) => {
                let _ = write!(self.text, " AND {column} = ");
                self.bind(value);
            }
            None => {
                let _ = write!(self.text, " AND {column} IS NULL");
            }
        }
    }

    /// `filter` as a condition on `tickets` (every field but the text search).
    fn condition(&mut self, filter: &TicketFilter) {
        self.text.push_str("1 = 1");
        let texts =
            |list: Vec<&'static str>| list.into_iter().map(|s| Bound::Text(s.into())).collect();
        self.one_of(
            "status",
            texts(filter.statuses.iter().map(|s| s.as_str()).collect()),
        );
        self.one_of(
            "stage",
            texts(filter.stages.iter().map(|s| s.as_str()).collect()),
        );
        self.one_of(
            "channel",
            texts(filter.channels.iter().map(|c| c.as_str()).collect()),
        );
        self.one_of(
            "priority_rank",
            filter
                .priorities
                .iter()
                .map(|p| Bound::Rank(p.rank()))
                .collect(),
        );
        match filter.team {
            Some(TeamFilter::Team(team)) => {
                self.equals("team_id", Some(Bound::Text(team.to_string())))
            }
            Some(TeamFilter::NoTeam) => self.equals("team_id", None),
            None => {}
        }
        match filter.assignee {
            Some(AssigneeFilter::User(user)) => {
                self.equals("assignee_id", Some(Bound::Text(user.to_string())));
            }
            Some(AssigneeFilter::Unassigned) => self.equals("assignee_id", None),
            None => {}
        }
        if let Some(requester) = filter.requester {
            self.equals("requester_id", Some(Bound::Text(requester.to_string())));
        }
        if let Some(since) = filter.updated_since {
            self.text.push_str(" AND updated_at >= ");
            self.bind(Bound::Time(to_db(since)));
        }
        if let Some(tag) = &filter.tag {
            self.text
                .push_str(" AND id IN (SELECT ticket_id FROM ticket_tags WHERE tag = ");
            self.bind(Bound::Text(tag.as_str().into()));
            self.text.push(')');
        }
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    view: i64,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bound in $binds {
            query = match bound {
                Bound::Text(v) => query.bind::<Text, _>(v),
                Bound::Rank(v) => query.bind::<SmallInt, _>(v),
                Bound::Time(v) => query.bind::<Timestamp, _>(v),
                Bound::Number(v) => query.bind::<BigInt, _>(v),
            };
        }
        query
    }};
}

/// How many tickets each filter matches, counting no further than `cap`, in `filters`' order.
/// Filters with words to search for are counted one by one.
pub fn count_each_capped(
    conn: &mut DbConnection,
    filters: &[TicketFilter],
    cap: i64,
) -> Result<Vec<i64>, StoreError> {
    if filters.is_empty() {
        return Ok(Vec::new());
    }
    if filters.iter().any(|f| f.text.is_some()) {
        return filters.iter().map(|f| count_capped(conn, f, cap)).collect();
    }
    let mut statement = Statement {
        backend: conn.backend(),
        text: String::new(),
        binds: Vec::new(),
    };
    for (i, filter) in filters.iter().enumerate() {
        if i > 0 {
            statement.text.push_str(" UNION ALL ");
        }
        let _ = write!(
            statement.text,
            "SELECT CAST({i} AS BIGINT) AS view, COUNT(*) AS n FROM (SELECT 1 AS one FROM tickets WHERE "
        );
        statement.condition(filter);
        statement.text.push_str(" LIMIT ");
        statement.bind(Bound::Number(cap));
        let _ = write!(statement.text, ") AS v{i}");
    }
    let Statement { text, binds, .. } = statement;
    let rows: Vec<Count> = match conn {
        DbConnection::Postgres(pg) => bind_all!(
            diesel::sql_query(text).into_boxed::<diesel::pg::Pg>(),
            binds
        )
        .load(pg)?,
        DbConnection::Sqlite(sqlite) => bind_all!(
            diesel::sql_query(text).into_boxed::<diesel::sqlite::Sqlite>(),
            binds
        )
        .load(sqlite)?,
    };
    let mut counts = vec![0; filters.len()];
    for row in rows {
        let slot = usize::try_from(row.view)
            .ok()
            .and_then(|i| counts.get_mut(i))
            .ok_or_else(|| StoreError::Corrupt(format!("a count for view {}", row.view)))?;
        *slot = row.n;
    }
    Ok(counts)
}
