//! Each team's automatic assignment: its mode and capacities, the agents it may hand tickets
//! to with their loads and turns, and its backlog of unassigned tickets.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use kefu_domain::ids::{TeamId, TicketId, UserId};
use kefu_domain::routing::{Assignment, Candidate};
use kefu_domain::ticket::Channel;

use crate::chat::presence;
use crate::convert::{from_db, parse, to_db};
use crate::schema::{assignment_turns, team_assignment, tickets};
use crate::{DbConnection, StoreError};

/// The statuses that count as an agent's open work.
const WORKING: [&str; 2] = ["new", "open"];

fn read(mode: &str, capacities: &str) -> Result<Assignment, StoreError> {
    Ok(Assignment {
        mode: parse(mode)?,
        capacities: serde_json::from_str(capacities)
            .map_err(|e| StoreError::Corrupt(format!("a team's capacities: {e}")))?,
    })
}

/// `team`'s assignment; off when never set.
pub fn get(conn: &mut DbConnection, team: TeamId) -> Result<Assignment, StoreError> {
    let row: Option<(String, String)> = team_assignment::table
        .find(team.to_string())
        .select((team_assignment::mode, team_assignment::capacities))
        .first(conn)
        .optional()?;
    row.map_or(Ok(Assignment::default()), |(m, c)| read(&m, &c))
}

/// Every team whose assignment is on, with it.
pub fn teams_assigning(conn: &mut DbConnection) -> Result<Vec<(TeamId, Assignment)>, StoreError> {
    let rows: Vec<(String, String, String)> = team_assignment::table
        .filter(team_assignment::mode.ne("off"))
        .order(team_assignment::team_id)
        .select((
            team_assignment::team_id,
            team_assignment::mode,
            team_assignment::capacities,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(team, m, c)| Ok((parse(&team)?, read(&m, &c)?)))
        .collect()
}

/// Writes `team`'s assignment.
pub fn set(
    conn: &mut DbConnection,
    team: TeamId,
    assignment: &Assignment,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let capacities = serde_json::to_string(&assignment.capacities)
        .map_err(|e| StoreError::Corrupt(format!("a team's capacities: {e}")))?;
    let values = (
        team_assignment::team_id.eq(team.to_string()),
        team_assignment::mode.eq(assignment.mode.as_str()),
        team_assignment::capacities.eq(&capacities),
        team_assignment::updated_at.eq(to_db(now)),
    );
    match conn {
        DbConnection::Postgres(c) => {
            diesel::insert_into(team_assignment::table)
                .values(values.clone())
                .on_conflict(team_assignment::team_id)
                .do_update()
                .set(values)
                .execute(c)?;
        }
        DbConnection::Sqlite(c) => {
            diesel::replace_into(team_assignment::table)
                .values(values)
                .execute(c)?;
        }
    }
    Ok(())
}

/// Serialises automatic assignment in `team` until the transaction ends (PostgreSQL; SQLite's
/// writers are serialised already), so two nodes never fill the same agent's last place.
pub fn lock_team(conn: &mut DbConnection, team: TeamId) -> Result<(), StoreError> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT 1 FROM team_assignment WHERE team_id = $1 FOR UPDATE")
            .bind::<Text, _>(team.to_string())
            .execute(pg)?;
    }
    Ok(())
}

/// `team`'s agents who ever connected, with their presence at `now`, their open tickets of
/// `channel` and of every channel, and when the team last gave them one.
pub fn candidates(
    conn: &mut DbConnection,
    team: TeamId,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<Vec<Candidate>, StoreError> {
    let rows = presence::of_team(conn, team)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|(id, _)| id.to_string()).collect();
    let loads: Vec<(Option<String>, String, i64)> = tickets::table
        .filter(tickets::assignee_id.eq_any(&ids))
        .filter(tickets::status.eq_any(WORKING))
        .group_by((tickets::assignee_id, tickets::channel))
        .select((
            tickets::assignee_id,
            tickets::channel,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let turns: HashMap<String, NaiveDateTime> = assignment_turns::table
        .filter(assignment_turns::team_id.eq(team.to_string()))
        .select((
            assignment_turns::user_id,
            assignment_turns::last_assigned_at,
        ))
        .load::<(String, NaiveDateTime)>(conn)?
        .into_iter()
        .collect();
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(rows
        .into_iter()
        .map(|(agent, row)| {
            let id = agent.to_string();
            let mine = loads
                .iter()
                .filter(|(a, _, _)| a.as_deref() == Some(id.as_str()));
            let (mut channel_load, mut total_load) = (0u32, 0u32);
            for (_, c, n) in mine {
                total_load = total_load.saturating_add(count(*n));
                if c == channel.as_str() {
                    channel_load = channel_load.saturating_add(count(*n));
                }
            }
            Candidate {
                presence: row.effective(now),
                channel_load,
                total_load,
                last_assigned: turns.get(&id).copied().map(from_db),
                agent,
            }
        })
        .collect())
}

/// Records that `team` gave `agent` a ticket at `now`.
pub fn record_turn(
    conn: &mut DbConnection,
    team: TeamId,
    agent: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let values = (
        assignment_turns::team_id.eq(team.to_string()),
        assignment_turns::user_id.eq(agent.to_string()),
        assignment_turns::last_assigned_at.eq(to_db(now)),
    );
    match conn {
        DbConnection::Postgres(c) => {
            diesel::insert_into(assignment_turns::table)
                .values(values)
                .on_conflict((assignment_turns::team_id, assignment_turns::user_id))
                .do_update()
                .set(assignment_turns::last_assigned_at.eq(to_db(now)))
                .execute(c)?;
        }
        DbConnection::Sqlite(c) => {
            diesel::replace_into(assignment_turns::table)
                .values(values)
                .execute(c)?;
        }
    }
    Ok(())
}

/// `team`'s unassigned tickets that need work (new or open), as `tickets_team_unassigned`
/// holds them.
fn unassigned_needing_work(team: TeamId) -> tickets::BoxedQuery<'static, crate::connection::Db> {
    tickets::table
        .filter(tickets::team_id.eq(team.to_string()))
        .filter(tickets::assignee_id.is_null())
        // Written out, not bound, so PostgreSQL's cached plans still see the partial index's
        // predicate.
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "tickets.status IN ('new', 'open')",
        ))
        .into_boxed()
}

/// Up to `limit` of `team`'s unassigned tickets that need work, due soonest first, then
/// oldest first: the backlog handed out as agents have room (walks `tickets_team_unassigned`).
pub fn backlog(
    conn: &mut DbConnection,
    team: TeamId,
    limit: i64,
) -> Result<Vec<TicketId>, StoreError> {
    unassigned_needing_work(team)
        .order((tickets::sla_due_at, tickets::created_at, tickets::id))
        .limit(limit)
        .select(tickets::id)
        .load::<String>(conn)?
        .iter()
        .map(|id| parse(id))
        .collect()
}

/// How many of `team`'s unassigned tickets need work, counted up to `cap`.
pub fn waiting(conn: &mut DbConnection, team: TeamId, cap: i64) -> Result<i64, StoreError> {
    let ids: Vec<String> = unassigned_needing_work(team)
        .limit(cap)
        .select(tickets::id)
        .load(conn)?;
    Ok(i64::try_from(ids.len()).unwrap_or(cap))
}
