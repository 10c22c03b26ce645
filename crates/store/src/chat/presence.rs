//! Agents' presence: what each chose, and until when a gateway node holds a socket of theirs.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::chat::{AgentPresence, Presence};
use kefu_domain::ids::{TeamId, UserId};

use crate::convert::{from_db, parse, to_db};
use crate::schema::{agent_presence, team_members};
use crate::{DbConnection, StoreError};

type Row = (String, NaiveDateTime, NaiveDateTime, NaiveDateTime);

/// The stored row's columns, in [`Row`]'s order.
pub(crate) const COLUMNS: (
    agent_presence::presence,
    agent_presence::changed_at,
    agent_presence::connected_until,
    agent_presence::idle_since,
) = (
    agent_presence::presence,
    agent_presence::changed_at,
    agent_presence::connected_until,
    agent_presence::idle_since,
);

/// Reads a stored row.
pub(crate) fn read(row: Row) -> Result<AgentPresence, StoreError> {
    Ok(AgentPresence {
        chosen: parse(&row.0)?,
        changed_at: from_db(row.1),
        connected_until: from_db(row.2),
        idle_since: from_db(row.3),
    })
}

/// An agent's presence, if they ever connected.
pub fn get(conn: &mut DbConnection, user: UserId) -> Result<Option<AgentPresence>, StoreError> {
    agent_presence::table
        .find(user.to_string())
        .select(COLUMNS)
        .first(conn)
        .optional()?
        .map(read)
        .transpose()
}

/// The presence of every agent who ever connected.
pub fn all(conn: &mut DbConnection) -> Result<Vec<(UserId, AgentPresence)>, StoreError> {
    let rows: Vec<(String, Row)> = agent_presence::table
        .select((agent_presence::user_id, COLUMNS))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, row)| Ok((parse(&id)?, read(row)?)))
        .collect()
}

/// The presence of each member of `team` who ever connected.
pub fn of_team(
    conn: &mut DbConnection,
    team: TeamId,
) -> Result<Vec<(UserId, AgentPresence)>, StoreError> {
    let rows: Vec<(String, Row)> = team_members::table
        .inner_join(agent_presence::table.on(agent_presence::user_id.eq(team_members::user_id)))
        .filter(team_members::team_id.eq(team.to_string()))
        .select((team_members::user_id, COLUMNS))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, row)| Ok((parse(&id)?, read(row)?)))
        .collect()
}

/// An agent's socket opened on some node: they count as connected until `until`. An agent's
/// first connection makes them online; later ones keep what they chose.
pub fn connect(
    conn: &mut DbConnection,
    user: UserId,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<AgentPresence, StoreError> {
    match get(conn, user)? {
        Some(mut presence) => {
            if presence.connected_until <= now && presence.chosen == Presence::Online {
                presence.idle_since = now;
            }
            presence.connected_until = until;
            save(conn, user, &presence)?;
            Ok(presence)
        }
        None => {
            let presence = AgentPresence {
                chosen: Presence::Online,
                changed_at: now,
                connected_until: until,
                idle_since: now,
            };
            diesel::insert_into(agent_presence::table)
                .values((
                    agent_presence::user_id.eq(user.to_string()),
                    agent_presence::presence.eq(presence.chosen.as_str()),
                    agent_presence::changed_at.eq(to_db(now)),
                    agent_presence::connected_until.eq(to_db(until)),
                    agent_presence::idle_since.eq(to_db(now)),
                ))
                .execute(conn)?;
            Ok(presence)
        }
    }
}

/// Writes an agent's presence row.
pub fn save(
    conn: &mut DbConnection,
    user: UserId,
    presence: &AgentPresence,
) -> Result<(), StoreError> {
    diesel::update(agent_presence::table.find(user.to_string()))
        .set((
            agent_presence::presence.eq(presence.chosen.as_str()),
            agent_presence::changed_at.eq(to_db(presence.changed_at)),
            agent_presence::connected_until.eq(to_db(presence.connected_until)),
            agent_presence::idle_since.eq(to_db(presence.idle_since)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Keeps the agents whose sockets this node holds connected until `until`.
pub fn renew(
    conn: &mut DbConnection,
    users: &[UserId],
    until: DateTime<Utc>,
) -> Result<(), StoreError> {
    for chunk in users.chunks(500) {
        let ids: Vec<String> = chunk.iter().map(ToString::to_string).collect();
        diesel::update(agent_presence::table.filter(agent_presence::user_id.eq_any(ids)))
            .set(agent_presence::connected_until.eq(to_db(until)))
            .execute(conn)?;
    }
    Ok(())
}

/// The agent's last socket on this node closed at `now`.
pub fn disconnect(
    conn: &mut DbConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(agent_presence::table.find(user.to_string()))
        .set(agent_presence::connected_until.eq(to_db(now)))
        .execute(conn)?;
    Ok(())
}

/// Marks the agent idle from `now` (their last chat ended).
pub fn idle_from(
    conn: &mut DbConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(agent_presence::table.find(user.to_string()))
        .set(agent_presence::idle_since.eq(to_db(now)))
        .execute(conn)?;
    Ok(())
}
