//! Service levels: business calendars, SLA policies, each ticket's clock, and the alerts
//! fired once per target and due time.

pub mod calendars;
pub mod clocks;
pub mod policies;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// The column value meaning "no time": 9999-12-31, which sorts after every real one.
pub fn never() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .unwrap_or(NaiveDate::MAX)
        .and_time(NaiveTime::MIN)
}

/// A time column that uses [`never`] for none, read as an option.
pub(crate) fn unless_never(value: NaiveDateTime) -> Option<chrono::DateTime<chrono::Utc>> {
    (value < never()).then(|| crate::convert::from_db(value))
}

/// An optional time as a column that uses [`never`] for none.
pub(crate) fn or_never(value: Option<chrono::DateTime<chrono::Utc>>) -> NaiveDateTime {
    value.map_or_else(never, crate::convert::to_db)
}
