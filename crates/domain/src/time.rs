//! Time as Kefu stores it: UTC with microsecond precision on every backend.

use chrono::{DateTime, SubsecRound, Utc};

/// The current time in UTC, truncated to microseconds so that it survives a database round trip.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
