//! Personal API tokens. Only a hash of each token is stored.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::access_token::ApiToken;
use kefu_domain::account::User;
use kefu_domain::ids::{ApiTokenId, CustomerId, UserId};

use crate::convert::{from_db, parse, parse_opt, to_db};
use crate::schema::{api_tokens, customers, users};
use crate::users::UserRow;
use crate::{DbConnection, StoreError};

/// A row of `api_tokens`.
#[derive(Queryable, Selectable, Insertable, Debug)]
#[diesel(table_name = api_tokens, treat_none_as_default_value = false)]
pub struct ApiTokenRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub token_hash: String,
    pub scope: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl TryFrom<ApiTokenRow> for ApiToken {
    type Error = StoreError;

    fn try_from(row: ApiTokenRow) -> Result<Self, StoreError> {
        Ok(ApiToken {
            id: parse(&row.id)?,
            user: parse(&row.user_id)?,
            name: row.name,
            scope: parse(&row.scope)?,
            created_at: from_db(row.created_at),
            expires_at: row.expires_at.map(from_db),
            last_used_at: row.last_used_at.map(from_db),
            revoked_at: row.revoked_at.map(from_db),
        })
    }
}

/// Stores a new token under the hash of its secret.
pub fn insert(
    conn: &mut DbConnection,
    token: &ApiToken,
    token_hash: &str,
) -> Result<(), StoreError> {
    diesel::insert_into(api_tokens::table)
        .values(ApiTokenRow {
            id: token.id.to_string(),
            user_id: token.user.to_string(),
            name: token.name.clone(),
            token_hash: token_hash.to_owned(),
            scope: token.scope.as_str().to_owned(),
            created_at: to_db(token.created_at),
            expires_at: token.expires_at.map(to_db),
            last_used_at: None,
            revoked_at: None,
        })
        .execute(conn)?;
    Ok(())
}

/// A user's tokens, newest first.
pub fn list_for_user(conn: &mut DbConnection, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user.to_string()))
        .order((api_tokens::created_at.desc(), api_tokens::id.desc()))
        .select(ApiTokenRow::as_select())
        .load(conn)?
        .into_iter()
        .map(ApiToken::try_from)
        .collect()
}

/// How many of a user's tokens still work at `now`.
pub fn count_live(
    conn: &mut DbConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(user.to_string()))
        .filter(api_tokens::revoked_at.is_null())
        .filter(
            api_tokens::expires_at
                .is_null()
                .or(api_tokens::expires_at.gt(to_db(now))),
        )
        .count()
        .get_result(conn)?)
}

/// One of a user's tokens.
pub fn find_for_user(
    conn: &mut DbConnection,
    user: UserId,
    id: ApiTokenId,
) -> Result<ApiToken, StoreError> {
    api_tokens::table
        .find(id.to_string())
        .filter(api_tokens::user_id.eq(user.to_string()))
        .select(ApiTokenRow::as_select())
        .first(conn)?
        .try_into()
}

/// The token with this hash, its owner and the customer record a customer login speaks for,
/// in one query.
pub fn find_by_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<(ApiToken, User, Option<CustomerId>)>, StoreError> {
    let found = api_tokens::table
        .inner_join(users::table)
        .left_join(customers::table.on(customers::user_id.eq(users::id.nullable())))
        .filter(api_tokens::token_hash.eq(token_hash))
        .select((
            ApiTokenRow::as_select(),
            UserRow::as_select(),
            customers::id.nullable(),
        ))
        .first::<(ApiTokenRow, UserRow, Option<String>)>(conn)
        .optional()?;
    found
        .map(|(token, user, customer)| {
            Ok((
                token.try_into()?,
                user.try_into()?,
                parse_opt(customer.as_deref())?,
            ))
        })
        .transpose()
}

/// Records that a token was used at `now`.
pub fn touch(
    conn: &mut DbConnection,
    id: ApiTokenId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(api_tokens::table.find(id.to_string()))
        .set(api_tokens::last_used_at.eq(to_db(now)))
        .execute(conn)?;
    Ok(())
}

/// Revokes a token at `now` (a revoked token stays listed, marked).
pub fn revoke(
    conn: &mut DbConnection,
    id: ApiTokenId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(
        api_tokens::table
            .find(id.to_string())
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(to_db(now)))
    .execute(conn)?;
    Ok(())
}

/// Revokes every live token of `user` at `now` (after a password change or reset, a
/// deactivation, or a move out of staff); returns how many.
pub fn revoke_all_for_user(
    conn: &mut DbConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        api_tokens::table
            .filter(api_tokens::user_id.eq(user.to_string()))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(to_db(now)))
    .execute(conn)?)
}
