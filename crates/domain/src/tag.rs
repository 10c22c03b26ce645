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
        let value: String = unicode_normalization::UnicodeNormalization::nfc(input.trim())
            .collect::<String>()
            .to_lowercase();
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

/// Parses tags into a sorted set of at most [`MAX_PER_TICKET`].
pub fn parse_set<'a>(input: impl IntoIterator<Item = &'a String>) -> Result<Vec<Tag>, DomainError> {
    let mut tags = input
        .into_iter()
        .map(|t| Tag::parse(t))
        .collect::<Result<Vec<_>, _>>()?;
    normalise_set(&mut tags)?;
    Ok(tags)
}

/// Sorts and de-duplicates tags, and refuses more than [`MAX_PER_TICKET`].
pub fn normalise_set(tags: &mut Vec<Tag>) -> Result<(), DomainError> {
    tags.sort();
    tags.dedup();
    if tags.len() > MAX_PER_TICKET {
        return Err(DomainError::TooManyTags {
            max: MAX_PER_TICKET,
        });
    }
    Ok(())
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

    #[test]
    fn tag_sets_are_sorted_unique_and_bounded() {
        let input: Vec<String> = ["b", "A", "a"].map(String::from).to_vec();
        let set: Vec<String> = parse_set(&input)
            .map(|s| s.iter().map(ToString::to_string).collect())
            .unwrap_or_default();
        assert_eq!(set, ["a", "b"]);
        let many: Vec<String> = (0..=MAX_PER_TICKET).map(|i| format!("t{i}")).collect();
        assert_eq!(
            parse_set(&many),
            Err(DomainError::TooManyTags {
                max: MAX_PER_TICKET
            })
        );
    }
}
