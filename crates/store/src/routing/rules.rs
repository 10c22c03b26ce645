//! Routing rules, in the order they are tried.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::RoutingRuleId;
use kefu_domain::routing::RoutingRule;

use crate::convert::{from_db, parse, to_db};
use crate::schema::routing_rules;
use crate::{DbConnection, StoreError};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = routing_rules)]
struct RuleRow {
    id: String,
    name: String,
    position: i32,
    active: bool,
    conditions: String,
    actions: String,
    stop: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A rule with when it was made and last changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleRecord {
    /// The rule.
    pub rule: RoutingRule,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

fn json<T: serde::Serialize>(value: &T, what: &str) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("a rule's {what}: {e}")))
}

fn row(record: &RuleRecord) -> Result<RuleRow, StoreError> {
    let r = &record.rule;
    Ok(RuleRow {
        id: r.id.to_string(),
        name: r.name.clone(),
        position: r.position,
        active: r.active,
        conditions: json(&r.conditions, "conditions")?,
        actions: json(&r.actions, "actions")?,
        stop: r.stop,
        created_at: to_db(record.created_at),
        updated_at: to_db(record.updated_at),
    })
}

fn read(row: RuleRow) -> Result<RuleRecord, StoreError> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("a routing rule: {e}"));
    Ok(RuleRecord {
        rule: RoutingRule {
            id: parse(&row.id)?,
            name: row.name,
            position: row.position,
            active: row.active,
            conditions: serde_json::from_str(&row.conditions).map_err(corrupt)?,
            actions: serde_json::from_str(&row.actions).map_err(corrupt)?,
            stop: row.stop,
        },
        created_at: from_db(row.created_at),
        updated_at: from_db(row.updated_at),
    })
}

/// Every rule, in the order they are tried.
pub fn list(conn: &mut DbConnection) -> Result<Vec<RuleRecord>, StoreError> {
    routing_rules::table
        .order((routing_rules::position, routing_rules::id))
        .select(RuleRow::as_select())
        .load(conn)?
        .into_iter()
        .map(read)
        .collect()
}

/// One rule.
pub fn find(conn: &mut DbConnection, id: RoutingRuleId) -> Result<RuleRecord, StoreError> {
    read(
        routing_rules::table
            .find(id.to_string())
            .select(RuleRow::as_select())
            .first(conn)?,
    )
}

/// How many rules there are.
pub fn count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(routing_rules::table.count().get_result(conn)?)
}

/// Adds a rule.
pub fn insert(conn: &mut DbConnection, record: &RuleRecord) -> Result<(), StoreError> {
    diesel::insert_into(routing_rules::table)
        .values(row(record)?)
        .execute(conn)?;
    Ok(())
}

/// Writes a rule anew.
pub fn update(conn: &mut DbConnection, record: &RuleRecord) -> Result<(), StoreError> {
    let row = row(record)?;
    let changed = diesel::update(routing_rules::table.find(&row.id))
        .set(&row)
        .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Removes a rule; `false` if there was none.
pub fn delete(conn: &mut DbConnection, id: RoutingRuleId) -> Result<bool, StoreError> {
    Ok(diesel::delete(routing_rules::table.find(id.to_string())).execute(conn)? > 0)
}
