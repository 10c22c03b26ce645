//! A ticket's classifications: number, stage, channel, status and priority.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{CustomerId, TeamId, TicketId, UserId};
use crate::string_enum::string_enum;
use crate::tag::Tag;

string_enum! {
    /// Where in the sale the customer is.
    "stage", Stage {
        /// Product questions and quotes.
        PreSale => "pre_sale",
        /// Orders, payment and delivery.
        InSale => "in_sale",
        /// Returns, warranty, repair, installation, technical support and training.
        AfterSale => "after_sale",
    }
}

string_enum! {
    /// How the inquiry reached the business.
    "channel", Channel {
        /// Live chat from the website widget.
        Chat => "chat",
        /// Email.
        Email => "email",
        /// A phone call logged by an agent or a telephony system.
        Phone => "phone",
        /// A web form or the customer portal.
        Web => "web",
        /// Another system, through the API.
        Api => "api",
    }
}

string_enum! {
    /// Where the ticket stands; see [`crate::status`] for the moves between them.
    "status", Status {
        /// Nobody has worked on it yet.
        New => "new",
        /// Being worked on.
        Open => "open",
        /// Waiting on the customer.
        Pending => "pending",
        /// Waiting on a vendor or a third party.
        OnHold => "on_hold",
        /// Answered; reopens if the customer writes again.
        Solved => "solved",
        /// Final; takes no more changes.
        Closed => "closed",
    }
}

string_enum! {
    /// How urgent the ticket is.
    "priority", Priority {
        /// Can wait.
        Low => "low",
        /// The default.
        Normal => "normal",
        /// Needs attention soon.
        High => "high",
        /// Needs attention now.
        Urgent => "urgent",
    }
}

impl Status {
    /// Statuses that still need work: the "open" queue.
    pub const UNSOLVED: &'static [Status] =
        &[Status::New, Status::Open, Status::Pending, Status::OnHold];

    /// Whether the ticket still needs work.
    pub fn is_unsolved(self) -> bool {
        Self::UNSOLVED.contains(&self)
    }
}

impl Priority {
    /// A number that sorts priorities from least (0) to most (3) urgent.
    pub const fn rank(self) -> i16 {
        match self {
            Priority::Low => 0,
            Priority::Normal => 1,
            Priority::High => 2,
            Priority::Urgent => 3,
        }
    }
}

/// A ticket's human number, shown as `#1042`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TicketNumber(i64);

impl TicketNumber {
    /// Wraps a number; numbers start at 1.
    pub fn new(value: i64) -> Result<Self, DomainError> {
        if value > 0 {
            Ok(Self(value))
        } else {
            Err(DomainError::InvalidTicketNumber(value.to_string()))
        }
    }

    /// The number as an integer.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

impl FromStr for TicketNumber {
    type Err = DomainError;

    /// Accepts `#1042` or `1042`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.trim().trim_start_matches('#');
        digits
            .parse::<i64>()
            .ok()
            .filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| DomainError::InvalidTicketNumber(s.to_owned()))
            .and_then(Self::new)
    }
}

/// One customer inquiry, whatever the channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ticket {
    /// The ticket's id.
    pub id: TicketId,
    /// The human number, `#1042`.
    pub number: TicketNumber,
    /// One line saying what it is about.
    pub subject: String,
    /// Where in the sale the customer is.
    pub stage: Stage,
    /// How it came in.
    pub channel: Channel,
    /// Where it stands.
    pub status: Status,
    /// How urgent it is.
    pub priority: Priority,
    /// The customer who asked.
    pub requester: CustomerId,
    /// The agent working it.
    pub assignee: Option<UserId>,
    /// The team (queue) it is in.
    pub team: Option<TeamId>,
    /// The tags on it, sorted.
    pub tags: Vec<Tag>,
    /// Who opened it, if a user did.
    pub created_by: Option<UserId>,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When anything on it last changed.
    pub updated_at: DateTime<Utc>,
    /// When an agent first answered the requester in public.
    pub first_responded_at: Option<DateTime<Utc>>,
    /// When it was last solved.
    pub solved_at: Option<DateTime<Utc>>,
    /// When its soonest running service-level target falls due (none while no clock runs).
    pub sla_due_at: Option<DateTime<Utc>>,
}

impl Ticket {
    /// A new ticket a customer opened themselves (a chat, a mail): unassigned, normal
    /// priority, no tags, created by no user.
    pub fn opened_by_customer(
        number: TicketNumber,
        subject: String,
        stage: Stage,
        channel: Channel,
        requester: CustomerId,
        team: Option<TeamId>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id: TicketId::new(),
            number,
            subject,
            stage,
            channel,
            status: Status::New,
            priority: Priority::Normal,
            requester,
            assignee: None,
            team,
            tags: Vec::new(),
            created_by: None,
            created_at: now,
            updated_at: now,
            first_responded_at: None,
            solved_at: None,
            sla_due_at: None,
        }
    }

    /// Stamps the milestones a change reached: the first public answer from an agent, and
    /// the moment the ticket became solved (again).
    pub fn stamp_milestones(
        &mut self,
        before: Status,
        staff_public_reply: bool,
        now: DateTime<Utc>,
    ) {
        if staff_public_reply && self.first_responded_at.is_none() {
            self.first_responded_at = Some(now);
        }
        if self.status == Status::Solved && before != Status::Solved {
            self.solved_at = Some(now);
        }
    }
}

/// One field of a ticket that changed, for the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The field's name: `status`, `priority`, `stage`, `subject`, `team`, `assignee`, `tags`.
    pub field: &'static str,
    /// The value before (ids for team and assignee), if any.
    pub from: Option<String>,
    /// The value after, if any.
    pub to: Option<String>,
}

/// What changed between two versions of a ticket, field by field.
pub fn diff(before: &Ticket, after: &Ticket) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let mut push = |field, from: Option<String>, to: Option<String>| {
        if from != to {
            changes.push(FieldChange { field, from, to });
        }
    };
    push(
        "status",
        Some(before.status.to_string()),
        Some(after.status.to_string()),
    );
    push(
        "priority",
        Some(before.priority.to_string()),
        Some(after.priority.to_string()),
    );
    push(
        "stage",
        Some(before.stage.to_string()),
        Some(after.stage.to_string()),
    );
    push(
        "subject",
        Some(before.subject.clone()),
        Some(after.subject.clone()),
    );
    push(
        "team",
        before.team.map(|t| t.to_string()),
        after.team.map(|t| t.to_string()),
    );
    push(
        "assignee",
        before.assignee.map(|a| a.to_string()),
        after.assignee.map(|a| a.to_string()),
    );
    let tags = |t: &Ticket| {
        (!t.tags.is_empty()).then(|| {
            t.tags
                .iter()
                .map(Tag::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    push("tags", tags(before), tags(after));
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_use_snake_case_names_everywhere() {
        assert_eq!(Stage::AfterSale.as_str(), "after_sale");
        assert_eq!(Status::parse("on_hold"), Ok(Status::OnHold));
        assert_eq!(
            serde_json::to_string(&Channel::Phone).ok().as_deref(),
            Some("\"phone\"")
        );
        let error = Priority::parse("critical").err().map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("`critical` is not a valid priority; expected one of: low, normal, high, urgent")
        );
    }

    #[test]
    fn priority_ranks_sort_by_urgency() {
        let mut all = Priority::ALL.to_vec();
        all.sort_by_key(|p| std::cmp::Reverse(p.rank()));
        assert_eq!(all.first(), Some(&Priority::Urgent));
        assert_eq!(all.last(), Some(&Priority::Low));
    }

    fn ticket(now: DateTime<Utc>) -> Ticket {
        Ticket {
            id: TicketId::new(),
            number: TicketNumber(7),
            subject: "Broken screen".into(),
            stage: Stage::AfterSale,
            channel: Channel::Phone,
            status: Status::New,
            priority: Priority::Normal,
            requester: CustomerId::new(),
            assignee: None,
            team: None,
            tags: vec![],
            created_by: None,
            created_at: now,
            updated_at: now,
            first_responded_at: None,
            solved_at: None,
            sla_due_at: None,
        }
    }

    #[test]
    fn milestones_are_stamped_once_when_reached() {
        let start = chrono::Utc::now();
        let mut t = ticket(start);
        t.stamp_milestones(Status::New, false, start);
        assert_eq!((t.first_responded_at, t.solved_at), (None, None));
        t.stamp_milestones(Status::New, true, start);
        assert_eq!(t.first_responded_at, Some(start));
        let later = start + chrono::Duration::minutes(5);
        t.stamp_milestones(Status::Open, true, later);
        assert_eq!(
            t.first_responded_at,
            Some(start),
            "the first answer stays first"
        );
        t.status = Status::Solved;
        t.stamp_milestones(Status::Open, false, later);
        assert_eq!(t.solved_at, Some(later));
        let again = later + chrono::Duration::minutes(5);
        t.stamp_milestones(Status::Solved, false, again);
        assert_eq!(t.solved_at, Some(later), "staying solved keeps the time");
    }

    #[test]
    fn diff_lists_only_what_changed() {
        let now = chrono::Utc::now();
        let before = ticket(now);
        let agent = UserId::new();
        let after = Ticket {
            status: Status::Open,
            assignee: Some(agent),
            tags: Tag::parse("warranty").into_iter().collect(),
            ..before.clone()
        };
        let fields: Vec<_> = diff(&before, &after).iter().map(|c| c.field).collect();
        assert_eq!(fields, ["status", "assignee", "tags"]);
        assert!(diff(&before, &before).is_empty());
    }

    #[test]
    fn ticket_numbers_parse_with_or_without_hash() {
        assert_eq!("#1042".parse::<TicketNumber>().map(|n| n.get()), Ok(1042));
        assert_eq!(
            "77".parse::<TicketNumber>().map(|n| n.to_string()),
            Ok("#77".into())
        );
        for bad in ["", "#", "#0", "-3", "+5", "12a", "#99999999999999999999"] {
            assert!(
                bad.parse::<TicketNumber>().is_err(),
                "{bad:?} should be refused"
            );
        }
    }
}
