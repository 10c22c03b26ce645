//! The errors a domain rule can answer with.

use crate::ticket::Status;

/// Why a value or an action was refused by a domain rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A value that should be an id is not a UUID.
    #[error("`{0}` is not a valid id")]
    InvalidId(String),
    /// A value is not one of an enumeration's names.
    #[error("`{value}` is not a valid {kind}; expected one of: {expected}")]
    InvalidEnum {
        kind: &'static str,
        value: String,
        expected: String,
    },
    /// A text field is empty, too long or holds control characters.
    #[error("{field} {problem}")]
    InvalidText {
        field: &'static str,
        problem: String,
    },
    /// An email address that cannot be right.
    #[error("`{0}` is not a valid email address")]
    InvalidEmail(String),
    /// A phone number that cannot be dialled.
    #[error("`{input}` is not a valid phone number: {reason}")]
    InvalidPhone { input: String, reason: String },
    /// A region code that is not an ISO 3166-1 alpha-2 code known to the phone metadata.
    #[error("`{0}` is not a known region code")]
    InvalidRegion(String),
    /// A password that does not meet the policy.
    #[error("password {0}")]
    WeakPassword(String),
    /// A tag with characters or a length that tags may not have.
    #[error("`{0}` is not a valid tag: use 1 to 50 letters, digits, `-` or `_`")]
    InvalidTag(String),
    /// A ticket number that is not a positive integer.
    #[error("`{0}` is not a valid ticket number")]
    InvalidTicketNumber(String),
    /// A call log whose details contradict each other.
    #[error("invalid call: {0}")]
    InvalidCall(String),
    /// A status change the state machine does not allow at all.
    #[error("a ticket cannot go from `{from}` to `{to}`")]
    InvalidTransition { from: Status, to: Status },
    /// A status change that is allowed, but not for this role.
    #[error("you may not move a ticket from `{from}` to `{to}`")]
    TransitionNotPermitted { from: Status, to: Status },
    /// A closed ticket takes no more changes.
    #[error("the ticket is closed; open a new ticket instead")]
    TicketClosed,
    /// A language Kefu does not speak.
    #[error("`{0}` is not a supported language; use one of: en, zh-CN")]
    InvalidLocale(String),
    /// More tags than a ticket carries.
    #[error("a ticket carries at most {max} tags")]
    TooManyTags { max: usize },
    /// A list longer than allowed.
    #[error("at most {max} {what}")]
    TooMany { what: &'static str, max: usize },
    /// A customer tried to set what only agents set on a new ticket.
    #[error("customers cannot set the requester, team, assignee, stage, priority or tags")]
    CustomerFieldsNotAllowed,
    /// A customer account cannot become staff, nor staff a customer.
    #[error("customer accounts stay customers, and staff accounts cannot become customers")]
    RoleChangeNotSupported,
    /// The change would leave no active admin.
    #[error("this is the last active admin; make another admin first")]
    LastAdmin,
    /// A personal API token's lifetime out of range.
    #[error("a token lives 1 to {max} days, or until it is revoked")]
    InvalidTokenLifetime { max: i64 },
    /// Agents list only their colleagues.
    #[error("agents may list only agents and admins")]
    StaffOnlyListing,
    /// A live chat cannot be moved so from where it stands.
    #[error("a chat that is `{from}` cannot `{action}`")]
    InvalidConversationMove {
        from: crate::chat::ConversationState,
        action: crate::chat::ConversationAction,
    },
    /// A team's chat setting is out of its range.
    #[error("{0}")]
    InvalidChatSetting(String),
    /// A widget's setting is malformed (an origin, a colour).
    #[error("{0}")]
    InvalidWidget(String),
    /// A file that cannot be taken (empty, or a kind Kefu does not accept).
    #[error("{0}")]
    InvalidFile(String),
    /// A file over the size limit.
    #[error("the file is larger than {max} bytes")]
    FileTooLarge { max: u64 },
    /// A vendor's setting is out of its range.
    #[error("{0}")]
    InvalidVendor(String),
    /// A webhook address Kefu will not call.
    #[error("{0}")]
    InvalidWebhook(String),
    /// A visit's setting or move that is not allowed.
    #[error("{0}")]
    InvalidVisit(String),
    /// A visit move the lifecycle does not allow (now, or to this side).
    #[error("{0}")]
    InvalidVisitMove(String),
    /// An escalation move the lifecycle does not have at all.
    #[error("an escalation cannot go from `{from}` to `{to}`")]
    InvalidEscalationMove {
        from: crate::escalation::EscalationStatus,
        to: crate::escalation::EscalationStatus,
    },
    /// An escalation move that exists, but not for this side.
    #[error("you may not move an escalation from `{from}` to `{to}`")]
    EscalationMoveNotPermitted {
        from: crate::escalation::EscalationStatus,
        to: crate::escalation::EscalationStatus,
    },
    /// A business calendar that cannot be counted in (bad hours, zone or holidays).
    #[error("{0}")]
    InvalidCalendar(String),
    /// A service-level policy out of its ranges.
    #[error("{0}")]
    InvalidSlaPolicy(String),
    /// A macro that says and changes nothing, or holds an unknown placeholder.
    #[error("{0}")]
    InvalidMacro(String),
    /// A routing rule that matches everything without saying so, or sets nothing.
    #[error("{0}")]
    InvalidRoutingRule(String),
    /// A trigger that cannot run as written.
    #[error("{0}")]
    InvalidTrigger(String),
    /// A rating or survey setting out of bounds.
    #[error("{0}")]
    InvalidRating(String),
    /// An escalation that is closed or cancelled takes no more messages.
    #[error("the escalation is `{0}`; it takes no more messages")]
    EscalationEnded(crate::escalation::EscalationStatus),
}
