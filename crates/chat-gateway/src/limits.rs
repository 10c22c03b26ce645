//! A socket's frame budget: a token bucket refilled evenly over a window.

use std::time::Duration;

use tokio::time::Instant;

/// Allows `capacity` frames per `window`, refilled continuously.
#[derive(Debug)]
pub struct Bucket {
    capacity: f64,
    tokens: f64,
    per_second: f64,
    at: Instant,
}

impl Bucket {
    /// A full bucket of `capacity` frames per `window`.
    pub fn new(capacity: u32, window: Duration) -> Self {
        let capacity = f64::from(capacity.max(1));
        Self {
            capacity,
            tokens: capacity,
            per_second: capacity / window.as_secs_f64().max(0.001),
            at: Instant::now(),
        }
    }

    /// Takes one frame's token; `false` if the budget is spent.
    pub fn take(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * self.per_second;
        self.tokens = (self.tokens + refill).min(self.capacity);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_spent_budget_refills_over_the_window() {
        let mut bucket = Bucket::new(3, Duration::from_secs(3));
        assert!(bucket.take() && bucket.take() && bucket.take());
        assert!(!bucket.take(), "three per window");
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(bucket.take(), "one more after a third of the window");
        assert!(!bucket.take());
    }
}
