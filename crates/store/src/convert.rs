//! Conversions at the store boundary: text columns to domain types, UTC times to columns.

use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use kefu_domain::DomainError;

use crate::StoreError;

/// The column value for a UTC time.
pub(crate) fn to_db(time: DateTime<Utc>) -> NaiveDateTime {
    time.naive_utc()
}

/// The UTC time a column value stands for.
pub(crate) fn from_db(value: NaiveDateTime) -> DateTime<Utc> {
    value.and_utc()
}

/// Parses a stored text column into its domain type.
pub(crate) fn parse<T>(value: &str) -> Result<T, StoreError>
where
    T: FromStr<Err = DomainError>,
{
    value.parse().map_err(StoreError::from)
}

/// Parses an optional stored text column.
pub(crate) fn parse_opt<T>(value: Option<&str>) -> Result<Option<T>, StoreError>
where
    T: FromStr<Err = DomainError>,
{
    value.map(parse).transpose()
}
