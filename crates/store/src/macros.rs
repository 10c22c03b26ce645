//! Macros and canned replies: each agent's own and the shared ones.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use kefu_domain::ids::{MacroId, UserId};
use kefu_domain::macros::{Macro, MacroChanges};

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::macros;
use crate::{DbConnection, StoreError};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = macros, treat_none_as_null = true)]
struct MacroRow {
    id: String,
    owner_id: Option<String>,
    title: String,
    shortcut: Option<String>,
    text_en: Option<String>,
    text_zh: Option<String>,
    changes: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<&Macro> for MacroRow {
    type Error = StoreError;

    fn try_from(m: &Macro) -> Result<Self, StoreError> {
        Ok(Self {
            id: m.id.to_string(),
            owner_id: m.owner.map(|o| o.to_string()),
            title: m.title.clone(),
            shortcut: m.shortcut.clone(),
            text_en: m.text_en.clone(),
            text_zh: m.text_zh.clone(),
            changes: serde_json::to_string(&m.changes)
                .map_err(|e| StoreError::Corrupt(format!("a macro's changes: {e}")))?,
            created_at: to_db(m.created_at),
            updated_at: to_db(m.updated_at),
        })
    }
}

/// A macro with how often it was applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredMacro {
    /// The macro.
    pub value: Macro,
    /// How many times agents applied it.
    pub uses: i64,
}

fn stored((row, uses): (MacroRow, i64)) -> Result<StoredMacro, StoreError> {
    let changes: MacroChanges = serde_json::from_str(&row.changes)
        .map_err(|e| StoreError::Corrupt(format!("a macro's changes do not read: {e}")))?;
    Ok(StoredMacro {
        value: Macro {
            id: parse(&row.id)?,
            owner: parse_opt(row.owner_id.as_deref())?,
            title: row.title,
            shortcut: row.shortcut,
            text_en: row.text_en,
            text_zh: row.text_zh,
            changes,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        },
        uses,
    })
}

/// The shared macros and `user`'s own, most used first.
pub fn visible_to(conn: &mut DbConnection, user: UserId) -> Result<Vec<StoredMacro>, StoreError> {
    macros::table
        .filter(
            macros::owner_id
                .is_null()
                .or(macros::owner_id.eq(user.to_string())),
        )
        .order((macros::uses.desc(), macros::title, macros::id))
        .select((MacroRow::as_select(), macros::uses))
        .load(conn)?
        .into_iter()
        .map(stored)
        .collect()
}

/// One macro, whoever it belongs to.
pub fn find(conn: &mut DbConnection, id: MacroId) -> Result<StoredMacro, StoreError> {
    stored(
        macros::table
            .find(id.to_string())
            .select((MacroRow::as_select(), macros::uses))
            .first(conn)?,
    )
}

/// Adds a macro.
pub fn insert(conn: &mut DbConnection, m: &Macro) -> Result<(), StoreError> {
    diesel::insert_into(macros::table)
        .values(MacroRow::try_from(m)?)
        .execute(conn)?;
    Ok(())
}

/// Writes a macro's title, shortcut, texts, changes and owner.
pub fn update(conn: &mut DbConnection, m: &Macro) -> Result<(), StoreError> {
    let row = MacroRow::try_from(m)?;
    let changed = diesel::update(macros::table.find(&row.id))
        .set(&row)
        .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Removes a macro.
pub fn delete(conn: &mut DbConnection, id: MacroId) -> Result<(), StoreError> {
    let removed = diesel::delete(macros::table.find(id.to_string())).execute(conn)?;
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Counts one more use of the macro.
pub fn count_use(conn: &mut DbConnection, id: MacroId) -> Result<(), StoreError> {
    diesel::update(macros::table.find(id.to_string()))
        .set(macros::uses.eq(macros::uses + 1))
        .execute(conn)?;
    Ok(())
}
