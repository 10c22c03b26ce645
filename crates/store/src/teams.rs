//! Teams and their members.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::account::Team;
use kefu_domain::ids::{TeamId, UserId};
use kefu_domain::phone::PhoneNumber;

use crate::convert::{from_db, parse, to_db};
use crate::schema::{team_members, teams};
use crate::{DbConnection, StoreError};

/// A row of `teams`.
#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = teams)]
pub struct TeamRow {
    pub id: String,
    pub name: String,
    pub name_key: String,
    pub description: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub phone_line: Option<String>,
    pub assign_on_reply: bool,
}

/// What changes about a team; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct TeamChanges<'a> {
    /// A new name.
    pub name: Option<&'a str>,
    /// A new description, or none.
    pub description: Option<Option<&'a str>>,
    /// A new phone line, or none.
    pub phone_line: Option<Option<&'a PhoneNumber>>,
    /// Whether replies assign.
    pub assign_on_reply: Option<bool>,
}

fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Inserts a team and its members; `Conflict` if the name is taken.
pub fn insert(conn: &mut DbConnection, team: &Team) -> Result<(), StoreError> {
    diesel::insert_into(teams::table)
        .values((
            teams::id.eq(team.id.to_string()),
            teams::name.eq(&team.name),
            teams::name_key.eq(name_key(&team.name)),
            teams::description.eq(team.description.as_deref()),
            teams::phone_line.eq(team.phone_line.as_ref().map(PhoneNumber::as_str)),
            teams::assign_on_reply.eq(team.assign_on_reply),
            teams::created_at.eq(to_db(team.created_at)),
            teams::updated_at.eq(to_db(team.created_at)),
        ))
        .execute(conn)?;
    set_members(conn, team.id, &team.members, team.created_at)
}

/// Replaces a team's members.
pub fn set_members(
    conn: &mut DbConnection,
    team: TeamId,
    members: &[UserId],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::delete(team_members::table.filter(team_members::team_id.eq(team.to_string())))
        .execute(conn)?;
    let mut unique = members.to_vec();
    unique.sort();
    unique.dedup();
    let rows: Vec<_> = unique
        .iter()
        .map(|user| {
            (
                team_members::team_id.eq(team.to_string()),
                team_members::user_id.eq(user.to_string()),
                team_members::created_at.eq(to_db(now)),
            )
        })
        .collect();
    if !rows.is_empty() {
        crate::with_backend!(conn, c => diesel::insert_into(team_members::table)
            .values(rows)
            .execute(c))?;
    }
    Ok(())
}

/// Renames, re-describes or re-configures a team.
pub fn update(
    conn: &mut DbConnection,
    team: TeamId,
    changes: TeamChanges<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let TeamChanges {
        name,
        description,
        phone_line,
        assign_on_reply,
    } = changes;
    let updated = diesel::update(teams::table.find(team.to_string()))
        .set((
            name.map(|n| teams::name.eq(n.to_owned())),
            name.map(|n| teams::name_key.eq(name_key(n))),
            description.map(|d| teams::description.eq(d.map(str::to_owned))),
            phone_line.map(|p| teams::phone_line.eq(p.map(|p| p.as_str().to_owned()))),
            assign_on_reply.map(|a| teams::assign_on_reply.eq(a)),
            teams::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

fn with_members(conn: &mut DbConnection, rows: Vec<TeamRow>) -> Result<Vec<Team>, StoreError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut members: HashMap<String, Vec<UserId>> = HashMap::new();
    let pairs: Vec<(String, String)> = team_members::table
        .filter(team_members::team_id.eq_any(&ids))
        .select((team_members::team_id, team_members::user_id))
        .order((team_members::team_id, team_members::created_at))
        .load(conn)?;
    for (team, user) in pairs {
        members.entry(team).or_default().push(parse(&user)?);
    }
    rows.into_iter()
        .map(|row| {
            Ok(Team {
                id: parse(&row.id)?,
                members: members.remove(&row.id).unwrap_or_default(),
                name: row.name,
                description: row.description,
                phone_line: row.phone_line.map(PhoneNumber::from_stored),
                assign_on_reply: row.assign_on_reply,
                created_at: from_db(row.created_at),
            })
        })
        .collect()
}

/// The team with this id, with its members.
pub fn find(conn: &mut DbConnection, id: TeamId) -> Result<Team, StoreError> {
    let row = teams::table
        .find(id.to_string())
        .select(TeamRow::as_select())
        .first(conn)?;
    with_members(conn, vec![row])?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Every team, by name.
pub fn list(conn: &mut DbConnection) -> Result<Vec<Team>, StoreError> {
    let rows = teams::table
        .select(TeamRow::as_select())
        .order(teams::name_key)
        .load(conn)?;
    with_members(conn, rows)
}

/// The names of these teams, without their members (for showing tickets).
pub fn names(
    conn: &mut DbConnection,
    ids: &[TeamId],
) -> Result<HashMap<TeamId, String>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows: Vec<(String, String)> = teams::table
        .filter(teams::id.eq_any(keys))
        .select((teams::id, teams::name))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, name)| Ok((parse(&id)?, name)))
        .collect()
}

/// Whether a team with this id exists.
pub fn exists(conn: &mut DbConnection, id: TeamId) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(teams::table.find(id.to_string()))).get_result(conn)?)
}

/// Whether an agent's public reply to an unassigned ticket of this team assigns it to them
/// (one column, for the reply path).
pub fn assigns_on_reply(conn: &mut DbConnection, id: TeamId) -> Result<bool, StoreError> {
    Ok(teams::table
        .find(id.to_string())
        .select(teams::assign_on_reply)
        .first(conn)?)
}

/// The teams `user` is a member of.
pub fn of_member(conn: &mut DbConnection, user: UserId) -> Result<Vec<TeamId>, StoreError> {
    team_members::table
        .filter(team_members::user_id.eq(user.to_string()))
        .order(team_members::team_id)
        .select(team_members::team_id)
        .load::<String>(conn)?
        .iter()
        .map(|id| parse(id))
        .collect()
}
