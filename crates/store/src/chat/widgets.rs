//! Chat widgets: the websites they run on, their looks, and the team for each stage.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use kefu_domain::ids::WidgetId;
use kefu_domain::widget::{Colour, SiteOrigin, StageTeams, Widget};

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::widgets;
use crate::{DbConnection, StoreError};

/// A row of `widgets`.
#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug)]
#[diesel(table_name = widgets, treat_none_as_null = true)]
pub struct WidgetRow {
    pub id: String,
    pub name: String,
    pub origins: String,
    pub colour: String,
    pub position: String,
    pub greeting_en: Option<String>,
    pub greeting_zh: Option<String>,
    pub pre_sale_team_id: Option<String>,
    pub in_sale_team_id: Option<String>,
    pub after_sale_team_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl From<&Widget> for WidgetRow {
    fn from(w: &Widget) -> Self {
        let origins: Vec<&str> = w.origins.iter().map(SiteOrigin::as_str).collect();
        let now = to_db(kefu_domain::time::now());
        WidgetRow {
            id: w.id.to_string(),
            name: w.name.clone(),
            origins: origins.join("\n"),
            colour: w.colour.as_str().to_owned(),
            position: w.position.as_str().to_owned(),
            greeting_en: w.greeting_en.clone(),
            greeting_zh: w.greeting_zh.clone(),
            pre_sale_team_id: w.teams.pre_sale.map(|t| t.to_string()),
            in_sale_team_id: w.teams.in_sale.map(|t| t.to_string()),
            after_sale_team_id: w.teams.after_sale.map(|t| t.to_string()),
            created_at: to_db(w.created_at),
            updated_at: now,
        }
    }
}

impl TryFrom<WidgetRow> for Widget {
    type Error = StoreError;

    fn try_from(row: WidgetRow) -> Result<Self, StoreError> {
        Ok(Widget {
            id: parse(&row.id)?,
            name: row.name,
            origins: row
                .origins
                .lines()
                .map(SiteOrigin::parse)
                .collect::<Result<_, _>>()?,
            colour: Colour::parse(&row.colour)?,
            position: parse(&row.position)?,
            greeting_en: row.greeting_en,
            greeting_zh: row.greeting_zh,
            teams: StageTeams {
                pre_sale: parse_opt(row.pre_sale_team_id.as_deref())?,
                in_sale: parse_opt(row.in_sale_team_id.as_deref())?,
                after_sale: parse_opt(row.after_sale_team_id.as_deref())?,
            },
            created_at: from_db(row.created_at),
        })
    }
}

/// Stores a new widget.
pub fn insert(conn: &mut DbConnection, widget: &Widget) -> Result<(), StoreError> {
    let row = WidgetRow::from(widget);
    crate::with_backend!(conn, c => diesel::insert_into(widgets::table).values(&row).execute(c))?;
    Ok(())
}

/// Replaces a widget's settings; `NotFound` if it is gone.
pub fn update(conn: &mut DbConnection, widget: &Widget) -> Result<(), StoreError> {
    let row = WidgetRow::from(widget);
    let changed = crate::with_backend!(conn, c => diesel::update(widgets::table.find(&row.id))
        .set(&row)
        .execute(c))?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The widget with this id.
pub fn find(conn: &mut DbConnection, id: WidgetId) -> Result<Widget, StoreError> {
    widgets::table
        .find(id.to_string())
        .select(WidgetRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

/// Every widget, oldest first.
pub fn list(conn: &mut DbConnection) -> Result<Vec<Widget>, StoreError> {
    widgets::table
        .order(widgets::id)
        .select(WidgetRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Widget::try_from)
        .collect()
}

/// Deletes a widget; its visitors keep their conversations but can no longer chat through it.
pub fn delete(conn: &mut DbConnection, id: WidgetId) -> Result<(), StoreError> {
    let gone = diesel::delete(widgets::table.find(id.to_string())).execute(conn)?;
    if gone == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
