//! Vendor organisations and the users who work for them.

use std::collections::HashMap;

use diesel::prelude::*;
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::{UserId, VendorId};
use kefu_domain::vendor::{ResponseTargets, Vendor};

use crate::convert::{from_db, parse, to_db};
use crate::schema::{users, vendor_users, vendors};
use crate::{DbConnection, StoreError};

/// A row of `vendors`.
#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug)]
#[diesel(table_name = vendors, treat_none_as_null = true)]
pub struct VendorRow {
    pub id: String,
    pub name: String,
    pub name_key: String,
    pub kind: String,
    pub contacts: String,
    pub coverage: String,
    pub acknowledge_minutes: i32,
    pub answer_minutes: i32,
    pub share_contact: bool,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

impl From<&Vendor> for VendorRow {
    fn from(v: &Vendor) -> Self {
        let contacts: Vec<&str> = v.contacts.iter().map(EmailAddress::as_str).collect();
        VendorRow {
            id: v.id.to_string(),
            name: v.name.clone(),
            name_key: name_key(&v.name),
            kind: v.kind.as_str().to_owned(),
            contacts: serde_json::Value::from(contacts).to_string(),
            coverage: serde_json::Value::from(v.coverage.clone()).to_string(),
            acknowledge_minutes: v.targets.acknowledge_minutes,
            answer_minutes: v.targets.answer_minutes,
            share_contact: v.share_contact_by_default,
            active: v.active,
            created_at: to_db(v.created_at),
            updated_at: to_db(v.updated_at),
        }
    }
}

impl TryFrom<VendorRow> for Vendor {
    type Error = StoreError;

    fn try_from(row: VendorRow) -> Result<Self, StoreError> {
        let list = |text: &str| -> Result<Vec<String>, StoreError> {
            serde_json::from_str(text)
                .map_err(|e| StoreError::Corrupt(format!("a vendor's list: {e}")))
        };
        Ok(Vendor {
            id: parse(&row.id)?,
            name: row.name,
            kind: parse(&row.kind)?,
            contacts: list(&row.contacts)?
                .into_iter()
                .map(EmailAddress::from_stored)
                .collect(),
            coverage: list(&row.coverage)?,
            targets: ResponseTargets {
                acknowledge_minutes: row.acknowledge_minutes,
                answer_minutes: row.answer_minutes,
            },
            share_contact_by_default: row.share_contact,
            active: row.active,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}

/// Inserts a vendor; `Conflict` if the name is taken.
pub fn insert(conn: &mut DbConnection, vendor: &Vendor) -> Result<(), StoreError> {
    diesel::insert_into(vendors::table)
        .values(VendorRow::from(vendor))
        .execute(conn)?;
    Ok(())
}

/// Saves every field of a vendor; `Conflict` if the new name is taken.
pub fn save(conn: &mut DbConnection, vendor: &Vendor) -> Result<(), StoreError> {
    diesel::update(vendors::table.find(vendor.id.to_string()))
        .set(VendorRow::from(vendor))
        .execute(conn)?;
    Ok(())
}

/// One vendor.
pub fn find(conn: &mut DbConnection, id: VendorId) -> Result<Vendor, StoreError> {
    vendors::table
        .find(id.to_string())
        .select(VendorRow::as_select())
        .first(conn)?
        .try_into()
}

/// Every vendor, by name.
pub fn list(conn: &mut DbConnection) -> Result<Vec<Vendor>, StoreError> {
    vendors::table
        .order(vendors::name_key)
        .select(VendorRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Vendor::try_from)
        .collect()
}

/// The names of these vendors.
pub fn names(
    conn: &mut DbConnection,
    ids: &[VendorId],
) -> Result<HashMap<VendorId, String>, StoreError> {
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows: Vec<(String, String)> = vendors::table
        .filter(vendors::id.eq_any(keys))
        .select((vendors::id, vendors::name))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, name)| Ok((parse(&id)?, name)))
        .collect()
}

/// Makes `user` one of `vendor`'s users.
pub fn add_user(conn: &mut DbConnection, vendor: VendorId, user: UserId) -> Result<(), StoreError> {
    diesel::insert_into(vendor_users::table)
        .values((
            vendor_users::user_id.eq(user.to_string()),
            vendor_users::vendor_id.eq(vendor.to_string()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes `user` the account vendor `vendor`'s API key acts as.
pub fn add_integration_user(
    conn: &mut DbConnection,
    vendor: VendorId,
    user: UserId,
) -> Result<(), StoreError> {
    diesel::insert_into(vendor_users::table)
        .values((
            vendor_users::user_id.eq(user.to_string()),
            vendor_users::vendor_id.eq(vendor.to_string()),
            vendor_users::integration.eq(true),
        ))
        .execute(conn)?;
    Ok(())
}

/// The account vendor `vendor`'s API key acts as, if it has had one.
pub fn integration_user(
    conn: &mut DbConnection,
    vendor: VendorId,
) -> Result<Option<UserId>, StoreError> {
    vendor_users::table
        .filter(vendor_users::vendor_id.eq(vendor.to_string()))
        .filter(vendor_users::integration.eq(true))
        .select(vendor_users::user_id)
        .first::<String>(conn)
        .optional()?
        .map(|id| parse(&id))
        .transpose()
}

/// Where a vendor's webhook is and how its calls are signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookTarget {
    /// The address called.
    pub url: String,
    /// The secret calls are signed with.
    pub secret: String,
    /// Whether an admin allowed a private, loopback or link-local target.
    pub allow_private: bool,
}

/// A vendor's webhook, if it has one.
pub fn webhook(
    conn: &mut DbConnection,
    vendor: VendorId,
) -> Result<Option<WebhookTarget>, StoreError> {
    let (url, secret, allow_private): (Option<String>, Option<String>, bool) = vendors::table
        .find(vendor.to_string())
        .select((
            vendors::webhook_url,
            vendors::webhook_secret,
            vendors::webhook_private,
        ))
        .first(conn)?;
    Ok(url.zip(secret).map(|(url, secret)| WebhookTarget {
        url,
        secret,
        allow_private,
    }))
}

/// Sets (or with `None`, removes) a vendor's webhook.
pub fn set_webhook(
    conn: &mut DbConnection,
    vendor: VendorId,
    target: Option<&WebhookTarget>,
) -> Result<(), StoreError> {
    diesel::update(vendors::table.find(vendor.to_string()))
        .set((
            vendors::webhook_url.eq(target.map(|t| t.url.clone())),
            vendors::webhook_secret.eq(target.map(|t| t.secret.clone())),
            vendors::webhook_private.eq(target.is_some_and(|t| t.allow_private)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The vendor a user works for, if any.
pub fn of_user(conn: &mut DbConnection, user: UserId) -> Result<Option<VendorId>, StoreError> {
    let found: Option<String> = vendor_users::table
        .find(user.to_string())
        .select(vendor_users::vendor_id)
        .first(conn)
        .optional()?;
    found.as_deref().map(parse).transpose()
}

/// A vendor's users: id, name, email, language and whether they may sign in.
pub fn users(conn: &mut DbConnection, vendor: VendorId) -> Result<Vec<VendorUser>, StoreError> {
    type Row = (String, String, String, Option<String>, bool, bool);
    let rows: Vec<Row> = vendor_users::table
        .inner_join(users::table.on(users::id.eq(vendor_users::user_id)))
        .filter(vendor_users::vendor_id.eq(vendor.to_string()))
        .order(users::name)
        .select((
            users::id,
            users::name,
            users::email,
            users::locale,
            users::active,
            vendor_users::integration,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, name, email, locale, active, integration)| {
            Ok(VendorUser {
                id: parse(&id)?,
                name,
                email: EmailAddress::from_stored(email),
                locale,
                active,
                integration,
            })
        })
        .collect()
}

/// Counts each vendor's active portal users (not the accounts API keys act as).
pub fn active_user_counts(conn: &mut DbConnection) -> Result<HashMap<VendorId, i64>, StoreError> {
    let rows: Vec<(String, i64)> = vendor_users::table
        .inner_join(users::table.on(users::id.eq(vendor_users::user_id)))
        .filter(users::active.eq(true))
        .filter(vendor_users::integration.eq(false))
        .group_by(vendor_users::vendor_id)
        .select((vendor_users::vendor_id, diesel::dsl::count_star()))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, n)| Ok((parse(&id)?, n)))
        .collect()
}

/// One of a vendor's users.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VendorUser {
    /// Their account.
    pub id: UserId,
    /// Their name.
    pub name: String,
    /// Their address.
    pub email: EmailAddress,
    /// Their language, if chosen.
    pub locale: Option<String>,
    /// Whether they may sign in.
    pub active: bool,
    /// Whether this is the account the vendor's API key acts as, not a person.
    pub integration: bool,
}

impl VendorUser {
    /// Whether this is a person who works in the portal now.
    pub fn in_portal(&self) -> bool {
        self.active && !self.integration
    }
}

/// The vendor a user works for, whole, if any.
pub fn of_user_whole(conn: &mut DbConnection, user: UserId) -> Result<Option<Vendor>, StoreError> {
    let found: Option<VendorRow> = vendor_users::table
        .inner_join(vendors::table)
        .filter(vendor_users::user_id.eq(user.to_string()))
        .select(VendorRow::as_select())
        .first(conn)
        .optional()?;
    found.map(Vendor::try_from).transpose()
}
