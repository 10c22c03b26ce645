//! The password policy.

use crate::DomainError;

/// The shortest password accepted, in characters.
pub const MIN_CHARS: usize = 8;
/// The longest password accepted, in bytes (hashing cost stays bounded).
pub const MAX_BYTES: usize = 1024;

/// A password that meets the policy; never printed.
pub struct Password(String);

impl Password {
    /// Checks the policy: 8 characters or more, at most 1024 bytes, not only spaces.
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        if value.chars().count() < MIN_CHARS {
            return Err(DomainError::WeakPassword(format!(
                "must be at least {MIN_CHARS} characters"
            )));
        }
        if value.len() > MAX_BYTES {
            return Err(DomainError::WeakPassword(format!(
                "must be at most {MAX_BYTES} bytes"
            )));
        }
        if value.trim().is_empty() {
            return Err(DomainError::WeakPassword("must not be only spaces".into()));
        }
        Ok(Self(value.to_owned()))
    }

    /// The password's text, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("        ").is_err());
        assert!(Password::parse(&"x".repeat(MAX_BYTES + 1)).is_err());
        assert!(Password::parse("正确马电池订书钉").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("hunter22").ok()),
            "Some(Password(…))"
        );
    }
}
