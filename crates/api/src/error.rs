//! `ApiError`: every failure an endpoint can answer with, as `application/problem+json`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use kefu_api_types::Problem;
use kefu_app::AppError;
use kefu_domain::DomainError;

/// A cause kept for the log.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// An error answer. Each variant has one HTTP status and one stable `code`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No valid session or token.
    #[error("sign in to continue")]
    Unauthenticated,
    /// The session ended (idle or too old).
    #[error("your session has ended; sign in again")]
    SessionExpired,
    /// Wrong email or password (the same answer for unknown accounts).
    #[error("the email address or password is incorrect")]
    InvalidCredentials,
    /// Too many failed sign-ins; try again later.
    #[error("too many failed sign-ins; try again in {retry_after_seconds} seconds")]
    Throttled { retry_after_seconds: u64 },
    /// A signed call whose signature is missing, wrong, stale or replayed.
    #[error("{0}")]
    BadSignature(String),
    /// A cookie-authenticated write without the session's CSRF token.
    #[error("missing or wrong X-CSRF-Token header")]
    CsrfFailed,
    /// The action is not allowed for this user.
    #[error("{0}")]
    Forbidden(String),
    /// The thing does not exist, or the user may not know it does.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request body or query could not be read.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// The request was read but a value is not acceptable.
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    /// The change conflicts with the current state.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// The request body did not arrive in time.
    #[error("the request body did not arrive within {seconds} seconds")]
    BodyTimeout { seconds: f64 },
    /// The request body is larger than allowed.
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// The database is unavailable or busy.
    #[error("the service is temporarily unavailable; try again")]
    Unavailable(#[source] Cause),
    /// Anything unexpected; logged with its cause, answered without it.
    #[error("internal error")]
    Internal(#[source] Cause),
}

/// An error and every cause under it, `: `-separated, for the log.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl ApiError {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::SessionExpired => "session_expired",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::Throttled { .. } => "too_many_attempts",
            ApiError::CsrfFailed => "csrf_failed",
            ApiError::BadSignature(_) => "bad_signature",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::BadRequest { code, .. }
            | ApiError::Invalid { code, .. }
            | ApiError::Conflict { code, .. } => code,
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::BodyTimeout { .. } => "body_timeout",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    /// A 422 for a value that is not acceptable.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Invalid {
            code,
            message: message.into(),
        }
    }

    fn title(&self) -> &'static str {
        match self.status_code() {
            StatusCode::BAD_REQUEST => "Bad request",
            StatusCode::UNAUTHORIZED => "Not signed in",
            StatusCode::FORBIDDEN => "Not allowed",
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::CONFLICT => "Conflict",
            StatusCode::PAYLOAD_TOO_LARGE => "Request too large",
            StatusCode::REQUEST_TIMEOUT => "Request too slow",
            StatusCode::UNPROCESSABLE_ENTITY => "Invalid value",
            StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
            StatusCode::SERVICE_UNAVAILABLE => "Temporarily unavailable",
            _ => "Internal error",
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated
            | ApiError::SessionExpired
            | ApiError::InvalidCredentials
            | ApiError::BadSignature(_) => StatusCode::UNAUTHORIZED,
            ApiError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::CsrfFailed | ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::BodyTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            ApiError::Internal(_) => tracing::error!(cause = %chain(self), "internal error"),
            ApiError::Unavailable(_) => {
                tracing::warn!(cause = %chain(self), "database unavailable");
            }
            _ => {}
        }
        let problem = Problem {
            kind: format!("urn:kefu:problem:{}", self.code()),
            title: self.title().into(),
            status: status.as_u16(),
            detail: Some(self.to_string()),
            code: self.code().into(),
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let ApiError::Throttled {
            retry_after_seconds,
        } = self
        {
            response.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        response.json(problem)
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let code = error.code();
        match error {
            AppError::Unauthenticated => ApiError::Unauthenticated,
            AppError::SessionExpired => ApiError::SessionExpired,
            AppError::InvalidCredentials => ApiError::InvalidCredentials,
            AppError::Throttled {
                retry_after_seconds,
            } => ApiError::Throttled {
                retry_after_seconds,
            },
            AppError::Forbidden(why) => ApiError::Forbidden(why.into_owned()),
            AppError::BadSignature(why) => ApiError::BadSignature(why.into_owned()),
            AppError::NotFound(what) => ApiError::NotFound(what),
            AppError::InvalidQuery(message) => ApiError::BadRequest { code, message },
            AppError::Invalid { code, message } => ApiError::Invalid { code, message },
            AppError::Conflict { code, message } => ApiError::Conflict { code, message },
            AppError::Rule(rule) => {
                let message = rule.to_string();
                match rule {
                    DomainError::InvalidTransition { .. }
                    | DomainError::TicketClosed
                    | DomainError::LastAdmin
                    | DomainError::InvalidConversationMove { .. }
                    | DomainError::InvalidEscalationMove { .. }
                    | DomainError::EscalationEnded(_)
                    | DomainError::InvalidVisitMove(_) => ApiError::Conflict { code, message },
                    DomainError::TransitionNotPermitted { .. }
                    | DomainError::CustomerFieldsNotAllowed
                    | DomainError::StaffOnlyListing
                    | DomainError::EscalationMoveNotPermitted { .. } => {
                        ApiError::Forbidden(message)
                    }
                    _ => ApiError::Invalid { code, message },
                }
            }
            AppError::Unavailable(cause) => ApiError::Unavailable(Box::new(cause)),
            AppError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        AppError::Rule(error).into()
    }
}
