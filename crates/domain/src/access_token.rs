//! Personal API tokens: named, scoped, expiring secrets for scripts and integrations.

use chrono::{DateTime, Duration, Utc};

use crate::DomainError;
use crate::ids::{ApiTokenId, UserId};
use crate::permissions::{Actor, Denied};
use crate::string_enum::string_enum;

/// Tokens start with this, so a leaked one is recognisable (and bearer values tell a token
/// from a session).
pub const PREFIX: &str = "kefu_pat_";
/// The longest a token may live, in days.
pub const MAX_DAYS: i64 = 365;
/// The most live tokens one user may hold.
pub const MAX_PER_USER: usize = 50;

string_enum! {
    /// What a token may do.
    "token scope", TokenScope {
        /// Read only: `GET` requests.
        Read => "read",
        /// Everything its owner may do.
        ReadWrite => "read_write",
    }
}

impl TokenScope {
    /// Whether a request that writes (anything but `GET`, `HEAD`, `OPTIONS`) may use a token
    /// of this scope.
    pub fn permits(self, writes: bool) -> Result<(), Denied> {
        match (self, writes) {
            (TokenScope::Read, true) => Err(Denied::Forbidden("this API token may only read")),
            _ => Ok(()),
        }
    }
}

/// A personal API token (its secret is stored only as a hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    /// The token's id.
    pub id: ApiTokenId,
    /// Whose it is; it acts as them.
    pub user: UserId,
    /// What its owner called it ("CRM sync").
    pub name: String,
    /// What it may do.
    pub scope: TokenScope,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// When its owner revoked it.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// Whether the token still opens the API at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| at > now)
    }
}

/// When a token made at `now` to live `days` expires (`None`: until revoked).
pub fn expiry(now: DateTime<Utc>, days: Option<i64>) -> Result<Option<DateTime<Utc>>, DomainError> {
    match days {
        None => Ok(None),
        Some(days) if (1..=MAX_DAYS).contains(&days) => Ok(Some(now + Duration::days(days))),
        Some(_) => Err(DomainError::InvalidTokenLifetime { max: MAX_DAYS }),
    }
}

impl Actor {
    /// Staff (admins and agents) hold personal API tokens; customers and vendors use the
    /// portals.
    pub fn may_hold_api_tokens(&self) -> Result<(), Denied> {
        if self.is_staff() {
            Ok(())
        } else {
            Err(Denied::Forbidden("only agents and admins hold API tokens"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::Role;

    #[test]
    fn read_tokens_only_read() {
        assert_eq!(TokenScope::Read.permits(false), Ok(()));
        assert!(TokenScope::Read.permits(true).is_err());
        assert_eq!(TokenScope::ReadWrite.permits(true), Ok(()));
    }

    #[test]
    fn tokens_live_until_revoked_or_expired() {
        let now = Utc::now();
        let mut token = ApiToken {
            id: ApiTokenId::new(),
            user: UserId::new(),
            name: "CRM".into(),
            scope: TokenScope::Read,
            created_at: now,
            expires_at: expiry(now, Some(30)).ok().flatten(),
            last_used_at: None,
            revoked_at: None,
        };
        assert!(token.is_live(now));
        assert!(!token.is_live(now + Duration::days(31)));
        token.expires_at = None;
        assert!(token.is_live(now + Duration::days(3650)));
        token.revoked_at = Some(now);
        assert!(!token.is_live(now));
    }

    #[test]
    fn lifetimes_are_bounded() {
        let now = Utc::now();
        assert_eq!(expiry(now, None), Ok(None));
        assert!(expiry(now, Some(0)).is_err());
        assert!(expiry(now, Some(MAX_DAYS + 1)).is_err());
        assert_eq!(expiry(now, Some(1)), Ok(Some(now + Duration::days(1))));
    }

    #[test]
    fn only_staff_hold_tokens() {
        for role in Role::ALL {
            let actor = Actor {
                user: UserId::new(),
                role: *role,
                customer: None,
            };
            assert_eq!(
                actor.may_hold_api_tokens().is_ok(),
                role.is_staff(),
                "{role}"
            );
        }
    }
}
