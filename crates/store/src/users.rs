//! User accounts.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use kefu_domain::account::User;
use kefu_domain::email::EmailAddress;
use kefu_domain::ids::UserId;
use kefu_domain::role::Role;

use crate::convert::{from_db, parse, to_db};
use crate::schema::users;
use crate::{DbConnection, StoreError};

/// The columns of `users` an account is made of; the password hash is never among them, so
/// it is read only when a password is checked.
#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub active: bool,
    pub locale: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        Ok(User {
            id: parse(&row.id)?,
            email: EmailAddress::from_stored(row.email),
            name: row.name,
            role: parse(&row.role)?,
            active: row.active,
            locale: row.locale,
            created_at: from_db(row.created_at),
        })
    }
}

/// A user with the stored hash of their password, for signing in.
pub struct Credentials {
    /// The account.
    pub user: User,
    /// The PHC string of the password hash; `None` if the account has no password.
    pub password_hash: Option<String>,
}

/// Inserts a user; `Conflict` if the email address is taken.
pub fn insert(
    conn: &mut DbConnection,
    user: &User,
    password_hash: Option<&str>,
) -> Result<(), StoreError> {
    let now = to_db(user.created_at);
    diesel::insert_into(users::table)
        .values((
            users::id.eq(user.id.to_string()),
            users::email.eq(user.email.as_str()),
            users::email_key.eq(user.email.lookup_key()),
            users::name.eq(&user.name),
            users::role.eq(user.role.as_str()),
            users::password_hash.eq(password_hash),
            users::active.eq(user.active),
            users::locale.eq(user.locale.as_deref()),
            users::password_changed_at.eq(password_hash.map(|_| now)),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The user with this id.
pub fn find(conn: &mut DbConnection, id: UserId) -> Result<User, StoreError> {
    users::table
        .find(id.to_string())
        .select(UserRow::as_select())
        .first(conn)?
        .try_into()
}

/// The names of the users with these ids (missing ids are skipped): one narrow query.
pub fn names(
    conn: &mut DbConnection,
    ids: &[UserId],
) -> Result<std::collections::HashMap<UserId, String>, StoreError> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows: Vec<(String, String)> = users::table
        .filter(users::id.eq_any(keys))
        .select((users::id, users::name))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, name)| Ok((parse(&id)?, name)))
        .collect()
}

/// The sign-in addresses of every account with one of `roles`.
pub fn emails_of_roles(
    conn: &mut DbConnection,
    roles: &[Role],
) -> Result<Vec<EmailAddress>, StoreError> {
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    users::table
        .filter(users::role.eq_any(names))
        .select(users::email)
        .load::<String>(conn)?
        .iter()
        .map(|e| Ok(EmailAddress::from_stored(e.clone())))
        .collect()
}

/// The users with these ids (missing ids are skipped).
pub fn find_many(conn: &mut DbConnection, ids: &[UserId]) -> Result<Vec<User>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    users::table
        .filter(users::id.eq_any(keys))
        .select(UserRow::as_select())
        .load(conn)?
        .into_iter()
        .map(User::try_from)
        .collect()
}

/// The account signing in with this address, with its password hash.
pub fn credentials(
    conn: &mut DbConnection,
    email: &EmailAddress,
) -> Result<Option<Credentials>, StoreError> {
    let row: Option<(UserRow, Option<String>)> = users::table
        .filter(users::email_key.eq(email.lookup_key()))
        .select((UserRow::as_select(), users::password_hash))
        .first(conn)
        .optional()?;
    row.map(|(row, password_hash)| {
        Ok(Credentials {
            user: row.try_into()?,
            password_hash,
        })
    })
    .transpose()
}

/// Filters for listing users.
#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    /// Only these roles (all if empty).
    pub roles: Vec<Role>,
    /// Only active (or only deactivated) users.
    pub active: Option<bool>,
}

/// Users by name, then id, after `after` (a `(name, id)` cursor).
pub fn list(
    conn: &mut DbConnection,
    filter: &UserFilter,
    after: Option<(String, UserId)>,
    limit: i64,
) -> Result<Vec<User>, StoreError> {
    let mut query = users::table
        .select(UserRow::as_select())
        .order((users::name.asc(), users::id.asc()))
        .limit(limit)
        .into_boxed();
    if !filter.roles.is_empty() {
        query = query.filter(users::role.eq_any(filter.roles.iter().map(|r| r.as_str())));
    }
    if let Some(active) = filter.active {
        query = query.filter(users::active.eq(active));
    }
    if let Some((name, id)) = after {
        query = query.filter(
            users::name
                .gt(name.clone())
                .or(users::name.eq(name).and(users::id.gt(id.to_string()))),
        );
    }
    query.load(conn)?.into_iter().map(User::try_from).collect()
}

/// What an admin may change on an account.
#[derive(AsChangeset, Default)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<String>,
    pub active: Option<bool>,
    pub locale: Option<Option<String>>,
    pub updated_at: Option<chrono::NaiveDateTime>,
}

/// Applies `changes` to a user.
pub fn update(
    conn: &mut DbConnection,
    id: UserId,
    mut changes: UserChanges,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    changes.updated_at = Some(to_db(now));
    let updated = diesel::update(users::table.find(id.to_string()))
        .set(changes)
        .execute(conn)?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Stores a new password hash.
pub fn set_password(
    conn: &mut DbConnection,
    id: UserId,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let updated = diesel::update(users::table.find(id.to_string()))
        .set((
            users::password_hash.eq(hash),
            users::password_changed_at.eq(to_db(now)),
            users::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The password hash of a user.
pub fn password_hash(conn: &mut DbConnection, id: UserId) -> Result<Option<String>, StoreError> {
    Ok(users::table
        .find(id.to_string())
        .select(users::password_hash)
        .first(conn)?)
}

/// How many active admins there are (the last one may not be demoted or deactivated).
pub fn count_active_admins(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::active.eq(true))
        .count()
        .get_result(conn)?)
}
