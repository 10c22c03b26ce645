//! Mail templates admins changed, by kind and language; the rest are the ones Kefu ships.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::ids::UserId;

use crate::convert::{from_db, parse_opt, to_db};
use crate::schema::mail_templates;
use crate::{DbConnection, StoreError};

/// A changed template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredTemplate {
    /// Its kind (`reply`, `acknowledgement` …).
    pub kind: String,
    /// Its language (`en`, `zh-CN`).
    pub locale: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
    /// Who changed it last.
    pub updated_by: Option<UserId>,
    /// When.
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = mail_templates, treat_none_as_null = true)]
struct TemplateRow {
    kind: String,
    locale: String,
    subject: String,
    text_body: String,
    html_body: String,
    updated_by: Option<String>,
    updated_at: NaiveDateTime,
}

impl TryFrom<TemplateRow> for StoredTemplate {
    type Error = StoreError;

    fn try_from(row: TemplateRow) -> Result<Self, StoreError> {
        Ok(StoredTemplate {
            kind: row.kind,
            locale: row.locale,
            subject: row.subject,
            text: row.text_body,
            html: row.html_body,
            updated_by: parse_opt(row.updated_by.as_deref())?,
            updated_at: from_db(row.updated_at),
        })
    }
}

/// The changed template of a kind in a language, if there is one.
pub fn find(
    conn: &mut DbConnection,
    kind: &str,
    locale: &str,
) -> Result<Option<StoredTemplate>, StoreError> {
    mail_templates::table
        .find((kind, locale))
        .select(TemplateRow::as_select())
        .first(conn)
        .optional()?
        .map(StoredTemplate::try_from)
        .transpose()
}

/// Every changed template.
pub fn list(conn: &mut DbConnection) -> Result<Vec<StoredTemplate>, StoreError> {
    mail_templates::table
        .select(TemplateRow::as_select())
        .load(conn)?
        .into_iter()
        .map(StoredTemplate::try_from)
        .collect()
}

/// Stores a changed template, replacing an earlier change.
pub fn save(conn: &mut DbConnection, template: &StoredTemplate) -> Result<(), StoreError> {
    let row = TemplateRow {
        kind: template.kind.clone(),
        locale: template.locale.clone(),
        subject: template.subject.clone(),
        text_body: template.text.clone(),
        html_body: template.html.clone(),
        updated_by: template.updated_by.map(|u| u.to_string()),
        updated_at: to_db(template.updated_at),
    };
    let updated = diesel::update(mail_templates::table.find((&row.kind, &row.locale)))
        .set(&row)
        .execute(conn)?;
    if updated == 0 {
        crate::with_backend!(conn, c => diesel::insert_into(mail_templates::table).values(&row).execute(c))?;
    }
    Ok(())
}

/// Drops a change, so the shipped template applies again; whether there was one.
pub fn remove(conn: &mut DbConnection, kind: &str, locale: &str) -> Result<bool, StoreError> {
    Ok(diesel::delete(mail_templates::table.find((kind, locale))).execute(conn)? > 0)
}
