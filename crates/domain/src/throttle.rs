//! Token buckets for throttling failed sign-ins.
//!
//! A bucket holds up to `capacity` attempts and refills at `per_hour`; each failure spends one.
//! With capacity 10 and 90 an hour, no more than 100 failures fit in any hour, and a throttled
//! user waits at most 40 seconds for the next try.

use chrono::{DateTime, Duration, Utc};

/// How many failures a key may have, and how fast it earns them back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Policy {
    /// The most attempts banked.
    pub capacity: f64,
    /// Attempts earned back per hour.
    pub per_hour: f64,
}

/// A key's bucket as stored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bucket {
    /// Attempts left when last checked.
    pub allowance: f64,
    /// When it was last checked.
    pub checked_at: DateTime<Utc>,
}

impl Policy {
    /// Per account: at most 100 failures in any hour.
    pub const ACCOUNT: Policy = Policy {
        capacity: 10.0,
        per_hour: 90.0,
    };
    /// Reset links mailed to one address: enough for a user who lost the first mail, too
    /// few to flood anyone's inbox.
    pub const RESET_MAILS: Policy = Policy {
        capacity: 3.0,
        per_hour: 6.0,
    };
    /// Per client address: room for an office behind one address.
    pub const ADDRESS: Policy = Policy {
        capacity: 50.0,
        per_hour: 300.0,
    };
    /// Chat visitor sessions opened per client address: a shop's busy office behind one
    /// address, not a script making visitors by the million.
    pub const VISITOR_SESSIONS: Policy = Policy {
        capacity: 120.0,
        per_hour: 3_600.0,
    };
    /// Files sent in chats per visitor or agent: a customer's handful of photos at once,
    /// not a script filling the disk.
    pub const CHAT_FILES: Policy = Policy {
        capacity: 30.0,
        per_hour: 300.0,
    };
    /// Per known device: the real user's own browser.
    pub const DEVICE: Policy = Policy {
        capacity: 10.0,
        per_hour: 90.0,
    };

    /// Attempts available now.
    pub fn available(&self, bucket: Option<Bucket>, now: DateTime<Utc>) -> f64 {
        match bucket {
            None => self.capacity,
            Some(b) => {
                let hours = (now - b.checked_at).num_milliseconds().max(0) as f64 / 3_600_000.0;
                (b.allowance + hours * self.per_hour).min(self.capacity)
            }
        }
    }

    /// `None` if an attempt may be made now, else how long until one may.
    pub fn wait(&self, bucket: Option<Bucket>, now: DateTime<Utc>) -> Option<Duration> {
        let available = self.available(bucket, now);
        if available >= 1.0 {
            return None;
        }
        let missing_hours = (1.0 - available) / self.per_hour;
        let millis = (missing_hours * 3_600_000.0).ceil() as i64;
        Some(Duration::milliseconds(millis.max(1)))
    }

    /// The bucket after an attempt taken earlier is given back at `now`.
    pub fn refund(&self, bucket: Bucket, now: DateTime<Utc>) -> Bucket {
        Bucket {
            allowance: (self.available(Some(bucket), now) + 1.0).min(self.capacity),
            checked_at: now,
        }
    }

    /// The bucket after one more failure at `now`.
    pub fn spend(&self, bucket: Option<Bucket>, now: DateTime<Utc>) -> Bucket {
        Bucket {
            allowance: (self.available(bucket, now) - 1.0).max(0.0),
            checked_at: now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_one_hundred_failures_fit_in_an_hour() {
        let policy = Policy::ACCOUNT;
        let start = Utc::now();
        let mut bucket = None;
        let mut failures = 0;
        let mut now = start;
        while now < start + Duration::hours(1) {
            if policy.wait(bucket, now).is_none() {
                bucket = Some(policy.spend(bucket, now));
                failures += 1;
            }
            now += Duration::seconds(1);
        }
        assert!(failures <= 100, "{failures} failures in an hour");
        assert!(
            failures >= 95,
            "throttling should not be tighter than needed: {failures}"
        );
    }

    #[test]
    fn a_throttled_key_waits_less_than_a_minute() {
        let policy = Policy::ACCOUNT;
        let now = Utc::now();
        let empty = Some(Bucket {
            allowance: 0.0,
            checked_at: now,
        });
        let wait = policy.wait(empty, now);
        assert!(wait.is_some_and(|w| w <= Duration::seconds(40)), "{wait:?}");
        assert_eq!(policy.wait(empty, now + Duration::seconds(40)), None);
    }
}
