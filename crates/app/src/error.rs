//! `AppError`: why a use case refused or failed, precise enough for every role to answer it.

use std::borrow::Cow;

use kefu_domain::DomainError;
use kefu_domain::permissions::Denied;
use kefu_store::StoreError;

/// A failure the caller can act on, or an unexpected one that keeps its cause.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid session or token.
    #[error("sign in to continue")]
    Unauthenticated,
    /// The session ended (idle or too old).
    #[error("your session has ended; sign in again")]
    SessionExpired,
    /// Wrong email or password (the same answer for unknown accounts).
    #[error("the email address or password is incorrect")]
    InvalidCredentials,
    /// Too many failed attempts; try again later.
    #[error("too many failed attempts; try again in {retry_after_seconds} seconds")]
    Throttled { retry_after_seconds: u64 },
    /// A signed call whose signature is missing, wrong, stale or replayed.
    #[error("{0}")]
    BadSignature(Cow<'static, str>),
    /// The action is not allowed for this user.
    #[error("{0}")]
    Forbidden(Cow<'static, str>),
    /// The thing does not exist, or the user may not know it does.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A filter, cursor or page size that cannot be read.
    #[error("{0}")]
    InvalidQuery(String),
    /// A value that is not acceptable.
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    /// The change conflicts with the current state.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// A domain rule refused a value or a move.
    #[error(transparent)]
    Rule(#[from] DomainError),
    /// The database is unavailable or busy.
    #[error("the database is unavailable")]
    Unavailable(#[source] StoreError),
    /// Anything unexpected; the cause is kept for the log.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    /// A refusal with a reason.
    pub fn forbidden(why: impl Into<Cow<'static, str>>) -> Self {
        AppError::Forbidden(why.into())
    }

    /// A value that is not acceptable, with its stable code.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            code,
            message: message.into(),
        }
    }

    /// A conflict with the current state, with its stable code.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
        }
    }

    /// An unexpected failure with its cause.
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        AppError::Internal(cause.into())
    }

    /// Whether the failure is the service's (retry later), not the request's.
    pub fn is_outage(&self) -> bool {
        matches!(self, AppError::Unavailable(_) | AppError::Internal(_))
    }

    /// The stable machine-readable code every role reports.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::SessionExpired => "session_expired",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::Throttled { .. } => "too_many_attempts",
            AppError::BadSignature(_) => "bad_signature",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::InvalidQuery(_) => "invalid_query",
            AppError::Invalid { code, .. } | AppError::Conflict { code, .. } => code,
            AppError::Rule(rule) => rule_code(rule),
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// Maps "not found" from the store to "`what` not found"; other failures pass through.
    pub fn not_found_as(what: &'static str) -> impl Fn(StoreError) -> AppError {
        move |error| match error {
            StoreError::NotFound => AppError::NotFound(what),
            other => other.into(),
        }
    }
}

/// The stable code of a domain refusal.
pub fn rule_code(rule: &DomainError) -> &'static str {
    match rule {
        DomainError::InvalidId(_) => "invalid_id",
        DomainError::InvalidEnum { .. } => "invalid_value",
        DomainError::InvalidText { .. } => "invalid_text",
        DomainError::InvalidEmail(_) => "invalid_email",
        DomainError::InvalidPhone { .. } => "invalid_phone",
        DomainError::InvalidRegion(_) => "invalid_region",
        DomainError::WeakPassword(_) => "weak_password",
        DomainError::InvalidTag(_) => "invalid_tag",
        DomainError::InvalidTicketNumber(_) => "invalid_ticket_number",
        DomainError::InvalidCall(_) => "invalid_call",
        DomainError::InvalidLocale(_) => "invalid_locale",
        DomainError::TooManyTags { .. } => "too_many_tags",
        DomainError::InvalidTokenLifetime { .. } => "invalid_token_lifetime",
        DomainError::TooMany { .. } => "too_many",
        DomainError::InvalidTransition { .. } => "invalid_transition",
        DomainError::TransitionNotPermitted { .. } => "forbidden",
        DomainError::TicketClosed => "ticket_closed",
        DomainError::CustomerFieldsNotAllowed => "forbidden",
        DomainError::RoleChangeNotSupported => "role_change_not_supported",
        DomainError::LastAdmin => "last_admin",
        DomainError::StaffOnlyListing => "forbidden",
        DomainError::InvalidConversationMove { .. } => "invalid_conversation_move",
        DomainError::InvalidChatSetting(_) => "invalid_chat_setting",
        DomainError::InvalidWidget(_) => "invalid_widget",
        DomainError::InvalidFile(_) => "invalid_file",
        DomainError::FileTooLarge { .. } => "file_too_large",
        DomainError::InvalidVendor(_) => "invalid_vendor",
        DomainError::InvalidWebhook(_) => "invalid_webhook",
        DomainError::InvalidVisit(_) => "invalid_visit",
        DomainError::InvalidVisitMove(_) => "invalid_transition",
        DomainError::InvalidEscalationMove { .. } => "invalid_transition",
        DomainError::EscalationMoveNotPermitted { .. } => "forbidden",
        DomainError::EscalationEnded(_) => "escalation_ended",
        DomainError::InvalidCalendar(_) => "invalid_calendar",
        DomainError::InvalidSlaPolicy(_) => "invalid_sla_policy",
        DomainError::InvalidMacro(_) => "invalid_macro",
        DomainError::InvalidRoutingRule(_) => "invalid_routing_rule",
        DomainError::InvalidTrigger(_) => "invalid_trigger",
        DomainError::InvalidRating(_) => "invalid_rating",
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound("resource"),
            // The database's own message names tables and constraints: logged, never shown.
            StoreError::Conflict(detail) => {
                tracing::debug!(%detail, "unique constraint refused a write");
                AppError::conflict("conflict", "this conflicts with an existing record")
            }
            StoreError::Busy | StoreError::Unavailable { .. } => AppError::Unavailable(error),
            other => AppError::Internal(Box::new(other)),
        }
    }
}

impl From<Denied> for AppError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::Hidden => AppError::NotFound("resource"),
            Denied::Forbidden(why) => AppError::Forbidden(Cow::Borrowed(why)),
        }
    }
}
