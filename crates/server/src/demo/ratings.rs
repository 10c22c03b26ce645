//! The demo's satisfaction ratings: about a third of the solved and closed tickets were rated
//! from the mailed link, the widget or the portal, mostly well, some with the expectation
//! answered, so the reports show something real on a fresh install.

use anyhow::Context;
use chrono::Duration;
use kefu_domain::ids::RatingId;
use kefu_domain::survey::{Expectation, Rating, RatingSource};
use kefu_domain::ticket::Channel;
use kefu_store::Store;
use kefu_store::surveys::{self, StoredRating};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Solved tickets looked at per transaction.
const BATCH: i64 = 2_000;

/// Comments customers leave, in both languages.
const COMMENTS: &[&str] = &[
    "Quick and friendly, thank you.",
    "师傅很专业，谢谢！",
    "Took three days to get an answer.",
    "问题解决了，但等了太久。",
    "Exactly what I needed.",
];

/// Rates about a third of the solved and closed tickets; returns how many ratings it wrote.
pub async fn seed(store: &Store, seed: u64) -> anyhow::Result<usize> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut after = None;
    let mut written = 0;
    loop {
        let page = store
            .read(move |conn| surveys::solved_page(conn, after, BATCH))
            .await
            .context("reading solved demo tickets")?;
        let Some(last) = page.last() else {
            break;
        };
        after = Some(last.ticket);
        let mut ratings = Vec::new();
        for t in &page {
            if !rng.random_bool(0.33) {
                continue;
            }
            // Mostly happy; the unhappy ones more often say it was worse than expected.
            let score: u8 = match rng.random_range(0..100) {
                0..5 => 1,
                5..12 => 2,
                12..25 => 3,
                25..55 => 4,
                _ => 5,
            };
            let expectation =
                rng.random_bool(0.7)
                    .then(|| match (score, rng.random_range(0..10)) {
                        (1..=2, _) | (3, 0..5) => Expectation::Worse,
                        (5, 0..4) => Expectation::Better,
                        _ => Expectation::AsExpected,
                    });
            let comment = rng
                .random_bool(0.2)
                .then(|| COMMENTS[rng.random_range(0..COMMENTS.len())]);
            let source = match t.channel {
                Channel::Chat => RatingSource::Chat,
                _ if rng.random_bool(0.15) => RatingSource::Portal,
                _ => RatingSource::Email,
            };
            ratings.push(StoredRating {
                id: RatingId::new(),
                ticket: t.ticket,
                rating: Rating::new(score, comment, expectation)?,
                source,
                agent: t.agent,
                team: t.team,
                stage: t.stage,
                channel: t.channel,
                created_at: t.updated_at + Duration::hours(rng.random_range(1..48)),
            });
        }
        written += ratings.len();
        store
            .write(move |conn| surveys::insert_many(conn, &ratings))
            .await
            .context("writing demo ratings")?;
    }
    Ok(written)
}
