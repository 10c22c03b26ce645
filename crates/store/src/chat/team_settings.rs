//! Each team's live-chat settings, kept on its row.

use diesel::prelude::*;
use kefu_domain::chat::{ChatSettings, ChatTexts};
use kefu_domain::ids::TeamId;

use crate::schema::teams;
use crate::{DbConnection, StoreError};

type Columns = (
    teams::chat_open,
    teams::chat_capacity,
    teams::chat_grace_seconds,
    teams::chat_greeting_en,
    teams::chat_greeting_zh,
    teams::chat_offline_en,
    teams::chat_offline_zh,
);
const COLUMNS: Columns = (
    teams::chat_open,
    teams::chat_capacity,
    teams::chat_grace_seconds,
    teams::chat_greeting_en,
    teams::chat_greeting_zh,
    teams::chat_offline_en,
    teams::chat_offline_zh,
);
type Row = (
    bool,
    i32,
    i32,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn read(row: Row) -> Result<ChatSettings, StoreError> {
    let (open, capacity, grace, greeting_en, greeting_zh, offline_en, offline_zh) = row;
    let number = |n: i32| u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("{n}")));
    let mut settings = ChatSettings::new(open, number(capacity)?, number(grace)?)?;
    settings.texts = ChatTexts {
        greeting_en,
        greeting_zh,
        offline_en,
        offline_zh,
    };
    Ok(settings)
}

/// A team's chat settings; `NotFound` if there is no such team.
pub fn get(conn: &mut DbConnection, team: TeamId) -> Result<ChatSettings, StoreError> {
    let row: Row = teams::table
        .find(team.to_string())
        .select(COLUMNS)
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    read(row)
}

/// Stores a team's chat settings; `NotFound` if there is no such team.
pub fn set(
    conn: &mut DbConnection,
    team: TeamId,
    settings: &ChatSettings,
) -> Result<(), StoreError> {
    let seconds = i32::try_from(settings.grace.as_secs()).unwrap_or(i32::MAX);
    let texts = &settings.texts;
    let changed = diesel::update(teams::table.find(team.to_string()))
        .set((
            teams::chat_open.eq(settings.open),
            teams::chat_capacity.eq(i32::try_from(settings.capacity).unwrap_or(i32::MAX)),
            teams::chat_grace_seconds.eq(seconds),
            teams::chat_greeting_en.eq(texts.greeting_en.as_deref()),
            teams::chat_greeting_zh.eq(texts.greeting_zh.as_deref()),
            teams::chat_offline_en.eq(texts.offline_en.as_deref()),
            teams::chat_offline_zh.eq(texts.offline_zh.as_deref()),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
