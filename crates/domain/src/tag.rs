//! Ticket tags.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The most tags one ticket may carry.
pub const MAX_PER_TICKET: usize = 20;

/// A tag: 1 to 50 letters (any script), digits, `-` or `_`, in lower case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Tag(String);

impl Tag {
    /// Parses and lower-cases a tag.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let value = input.trim().to_lowercase();
        let ok = (1..=50).contains(&value.chars().count())
            && value
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if ok {
            Ok(Self(value))
        } else {
            Err(DomainError::InvalidTag(input.to_owned()))
        }
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Tag {
    type Error = DomainError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Tag> for String {
    fn from(value: Tag) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_lower_case_words() {
        assert_eq!(
            Tag::parse(" Warranty ").map(|t| t.to_string()),
            Ok("warranty".into())
        );
        assert!(Tag::parse("退货").is_ok());
        assert!(Tag::parse("vip_customer-2").is_ok());
        for bad in ["", "two words", "a,b", &"x".repeat(51)] {
            assert!(Tag::parse(bad).is_err(), "{bad:?}");
        }
    }
}
