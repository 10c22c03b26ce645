//! Time as Kefu stores it: UTC with microsecond precision on every backend.

use chrono::{DateTime, SubsecRound, Utc};

/// The current time in UTC, truncated to microseconds so that it survives a database round trip.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Whether a time is one Kefu can store and sort on every backend: between 1970 and 9999.
/// (chrono reads years far outside what PostgreSQL's `timestamp` holds.)
pub fn is_storable(time: DateTime<Utc>) -> bool {
    use chrono::Datelike;
    (1970..=9999).contains(&time.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storable_times_are_between_1970_and_9999() {
        let parse = |s: &str| s.parse::<DateTime<Utc>>().ok();
        assert!(parse("2026-11-27T00:00:00Z").is_some_and(is_storable));
        assert!(parse("-5000-01-01T00:00:00Z").is_some_and(|t| !is_storable(t)));
        assert!(parse("1969-12-31T23:59:59Z").is_some_and(|t| !is_storable(t)));
        assert!(is_storable(now()));
    }
}
