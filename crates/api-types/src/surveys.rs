//! Satisfaction surveys: the customer's answer, the mailed link, the settings.

use chrono::{DateTime, Utc};
use kefu_domain::ids::{RatingId, TicketId};
use kefu_domain::survey::{Expectation, RatingSource};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A customer's answer: `POST /api/v1/surveys/{token}`, `POST /api/v1/tickets/{id}/rating`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    /// 1 (very unhappy) to 5 (very happy).
    #[schema(minimum = 1, maximum = 5)]
    pub score: u8,
    /// What they want to say.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub comment: Option<String>,
    /// Whether it was what they expected: `worse`, `as_expected`, `better`.
    #[serde(default)]
    #[schema(value_type = Option<crate::schema::Expectation>)]
    pub expectation: Option<Expectation>,
}

/// A rating as staff see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RatingResponse {
    /// Its id.
    #[schema(value_type = crate::schema::RatingId)]
    pub id: RatingId,
    /// The ticket.
    #[schema(value_type = crate::schema::TicketId)]
    pub ticket_id: TicketId,
    /// 1 to 5.
    pub score: u8,
    /// The comment.
    pub comment: Option<String>,
    /// Whether it was what they expected.
    #[schema(value_type = Option<crate::schema::Expectation>)]
    pub expectation: Option<Expectation>,
    /// Where they answered.
    #[schema(value_type = crate::schema::RatingSource)]
    pub source: RatingSource,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A ticket's ratings, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RatingList {
    /// The ratings.
    pub items: Vec<RatingResponse>,
}

/// What the page behind a mailed link shows (no sign-in).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SurveyLinkResponse {
    /// The ticket's number.
    pub ticket_number: i64,
    /// Its subject.
    pub subject: String,
    /// `open` (answer now), `used` (answered already) or `expired`.
    pub state: String,
    /// Whether to ask if it was what they expected.
    pub ask_expectation: bool,
    /// The customer's language, `en` or `zh-CN`.
    pub locale: String,
}

/// `GET`/`PUT /api/v1/survey-settings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveySettingsBody {
    /// Mail a link when a ticket is solved.
    pub enabled: bool,
    /// Ask whether it was what they expected.
    pub ask_expectation: bool,
    /// A rating at or below this is low (1 to 4): it can reopen the ticket and sets off the
    /// `satisfaction_rated_low` triggers.
    #[schema(minimum = 1, maximum = 4)]
    pub low_at: u8,
    /// A low rating reopens a solved ticket.
    pub reopen_low: bool,
    /// Days a mailed link stays good (1 to 90).
    #[schema(minimum = 1, maximum = 90)]
    pub link_days: u32,
}
