//! Attempts counted in token buckets stored in the database, so every node sees them.

use std::collections::HashMap;

use kefu_domain::throttle::Policy;
use kefu_store::throttle;

use crate::App;
use crate::error::AppError;

/// The buckets one attempt is checked against and spent from.
#[derive(Clone, Debug, Default)]
pub struct Buckets {
    /// Buckets that must have room for the attempt.
    pub required: Vec<(String, Policy)>,
    /// Buckets the attempt takes a token from.
    pub spent: Vec<(String, Policy)>,
}

impl Buckets {
    /// One bucket that must have room and is spent from.
    pub fn single(key: String, policy: Policy) -> Self {
        Self {
            required: vec![(key.clone(), policy)],
            spent: vec![(key, policy)],
        }
    }
}

/// Takes one attempt from the buckets, or refuses with how long to wait. The buckets are locked
/// while this runs, so parallel attempts are counted one by one and the token is spent before
/// the secret is checked: a burst of guesses gets no more tries than a sequence.
pub async fn take(app: &App, buckets: &Buckets) -> Result<(), AppError> {
    let Buckets { required, spent } = buckets.clone();
    app.store
        .write(move |conn| {
            let now = kefu_domain::time::now();
            let mut locked = HashMap::new();
            for (key, policy) in required.iter().chain(&spent) {
                if !locked.contains_key(key) {
                    let bucket = throttle::lock(conn, key, policy.capacity, now)?;
                    locked.insert(key.clone(), bucket);
                }
            }
            let wait = required
                .iter()
                .filter_map(|(key, policy)| policy.wait(locked.get(key).copied(), now))
                .max();
            if let Some(wait) = wait {
                return Err(AppError::Throttled {
                    retry_after_seconds: u64::try_from(wait.num_seconds() + 1).unwrap_or(1),
                });
            }
            for (key, policy) in &spent {
                throttle::save(conn, key, policy.spend(locked.get(key).copied(), now))?;
            }
            Ok(())
        })
        .await
}

/// Gives back the attempt a success took: only failures count.
pub async fn refund(app: &App, buckets: Buckets) -> Result<(), AppError> {
    app.store
        .write(move |conn| {
            let now = kefu_domain::time::now();
            for (key, policy) in &buckets.spent {
                let bucket = throttle::lock(conn, key, policy.capacity, now)?;
                throttle::save(conn, key, policy.refund(bucket, now))?;
            }
            Ok::<_, AppError>(())
        })
        .await
}
