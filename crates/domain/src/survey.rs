//! Satisfaction surveys. Satisfaction is the gap between what the customer expected and what
//! they perceived, so a survey asks for a rating (1 to 5), a comment, and — if the business
//! wants — whether it was what they expected (worse, as expected, better). Customers answer
//! in the chat widget when a chat ends, from a single-use link mailed when a ticket is solved,
//! and in the portal.

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::string_enum::string_enum;

/// The longest comment, in characters.
pub const COMMENT_MAX: usize = 1_000;
/// The longest a mailed link stays good, in days.
pub const LINK_DAYS_MAX: u32 = 90;

string_enum! {
    /// How what the customer got compares with what they expected.
    "expectation", Expectation {
        /// Worse than expected.
        Worse => "worse",
        /// As expected.
        AsExpected => "as_expected",
        /// Better than expected.
        Better => "better",
    }
}

impl Expectation {
    /// The gap between perceived and expected: −1, 0 or +1.
    pub fn gap(self) -> i8 {
        match self {
            Expectation::Worse => -1,
            Expectation::AsExpected => 0,
            Expectation::Better => 1,
        }
    }
}

string_enum! {
    /// Where the customer answered.
    "rating source", RatingSource {
        /// The chat widget, when the chat ended.
        Chat => "chat",
        /// The link mailed when the ticket was solved.
        Email => "email",
        /// The customer portal.
        Portal => "portal",
    }
}

/// A customer's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// 1 (very unhappy) to 5 (very happy).
    pub score: u8,
    /// What they said.
    pub comment: Option<String>,
    /// Whether it was what they expected.
    pub expectation: Option<Expectation>,
}

impl Rating {
    /// A rating, checked: the score is 1 to 5; the comment is trimmed, empty is none, and at
    /// most [`COMMENT_MAX`] characters.
    pub fn new(
        score: u8,
        comment: Option<&str>,
        expectation: Option<Expectation>,
    ) -> Result<Self, DomainError> {
        if !(1..=5).contains(&score) {
            return Err(DomainError::InvalidRating("a rating is 1 to 5".into()));
        }
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        if let Some(c) = comment
            && (c.chars().count() > COMMENT_MAX
                || c.chars().any(|ch| ch.is_control() && ch != '\n'))
        {
            return Err(DomainError::InvalidRating(format!(
                "a comment is at most {COMMENT_MAX} characters of text"
            )));
        }
        Ok(Self {
            score,
            comment: comment.map(str::to_owned),
            expectation,
        })
    }
}

/// How the business runs its surveys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveySettings {
    /// Whether a link is mailed when a ticket is solved.
    pub enabled: bool,
    /// Whether the expectation question is asked.
    pub ask_expectation: bool,
    /// A rating at or below this is low (1 to 4).
    pub low_at: u8,
    /// Whether a low rating reopens a solved ticket.
    pub reopen_low: bool,
    /// How many days a mailed link stays good.
    pub link_days: u32,
}

impl Default for SurveySettings {
    fn default() -> Self {
        Self {
            enabled: true,
            ask_expectation: true,
            low_at: 2,
            reopen_low: true,
            link_days: 14,
        }
    }
}

impl SurveySettings {
    /// Refuses a low mark outside 1 to 4 and links good for 0 or more than 90 days.
    pub fn check(&self) -> Result<(), DomainError> {
        if !(1..=4).contains(&self.low_at) {
            return Err(DomainError::InvalidRating(
                "a low rating is at most 1 to 4".into(),
            ));
        }
        if !(1..=LINK_DAYS_MAX).contains(&self.link_days) {
            return Err(DomainError::InvalidRating(format!(
                "a link stays good 1 to {LINK_DAYS_MAX} days"
            )));
        }
        Ok(())
    }

    /// Whether `rating` is low.
    pub fn is_low(&self, rating: &Rating) -> bool {
        rating.score <= self.low_at
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn ratings_are_checked() {
        assert!(Rating::new(0, None, None).is_err());
        assert!(Rating::new(6, None, None).is_err());
        let r = Rating::new(4, Some("  "), Some(Expectation::Better)).unwrap();
        assert_eq!(r.comment, None);
        assert!(Rating::new(3, Some(&"a".repeat(COMMENT_MAX + 1)), None).is_err());
        assert!(Rating::new(3, Some("bad\u{0}"), None).is_err());
        assert_eq!(
            Rating::new(5, Some("很好\n谢谢"), None)
                .unwrap()
                .comment
                .as_deref(),
            Some("很好\n谢谢")
        );
    }

    #[test]
    fn low_ratings_and_gaps() {
        let s = SurveySettings::default();
        assert!(s.is_low(&Rating::new(2, None, None).unwrap()));
        assert!(!s.is_low(&Rating::new(3, None, None).unwrap()));
        assert_eq!(Expectation::Worse.gap(), -1);
        assert!(SurveySettings { low_at: 5, ..s }.check().is_err());
        assert!(SurveySettings { link_days: 0, ..s }.check().is_err());
    }
}
