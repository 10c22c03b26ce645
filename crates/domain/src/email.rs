//! Email addresses.

use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::DomainError;

/// A syntactically valid email address, with its domain in lower case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses an address of the form `local@domain.tld` (RFC 5321 lengths, no display name).
    /// It is NFC-normalised with full-width forms folded (`ａdmin＠example．com` is
    /// `admin@example.com`); invisible and reordering characters are refused.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let invalid = || DomainError::InvalidEmail(input.to_owned());
        if crate::text::find_invisible(input).is_some() {
            return Err(invalid());
        }
        let folded: String = input.nfc().map(fold_width).collect();
        let value = folded.trim();
        let (local, domain) = value.rsplit_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| !c.is_control() && !c.is_whitespace() && !"<>()[]\\,;:@\"".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = domain.len() <= 253
            && labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok && value.len() <= 254 {
            Ok(Self(format!("{local}@{}", domain.to_lowercase())))
        } else {
            Err(invalid())
        }
    }

    /// Wraps an address that was stored after [`EmailAddress::parse`] accepted it. Addresses
    /// stored by earlier versions, under looser rules, still load.
    pub fn from_stored(address: String) -> Self {
        Self(address)
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address folded for lookups: addresses that differ only in case are the same mailbox
    /// in practice.
    pub fn lookup_key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// Folds a full-width form (and the ideographic full stop) to its ASCII twin.
fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{3002}' | '\u{FF61}' => '.',
        _ => c,
    }
}

/// The TR39 skeleton of an address: two addresses with the same skeleton look alike
/// (`аdmin@` with a Cyrillic а and `admin@`).
pub fn skeleton(address: &EmailAddress) -> String {
    unicode_security::confusable_detection::skeleton(&address.lookup_key())
        .collect::<String>()
        .to_lowercase()
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = DomainError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_and_international_addresses() {
        assert_eq!(
            EmailAddress::parse(" Li.Wei+orders@Example.COM ").map(|e| e.to_string()),
            Ok("Li.Wei+orders@example.com".into())
        );
        assert!(EmailAddress::parse("客户@例子.中国").is_ok());
    }

    #[test]
    fn look_alike_spellings_are_one_address_or_refused() {
        let plain = EmailAddress::parse("admin@example.com").map(|e| e.lookup_key());
        assert_eq!(
            EmailAddress::parse("ａdmin@example.com").map(|e| e.lookup_key()),
            plain
        );
        assert_eq!(
            EmailAddress::parse("ａｄｍｉｎ＠ｅｘａｍｐｌｅ．ｃｏｍ").map(|e| e.lookup_key()),
            plain
        );
        assert_eq!(
            EmailAddress::parse("jose\u{301}@example.com").map(|e| e.lookup_key()),
            EmailAddress::parse("jos\u{e9}@example.com").map(|e| e.lookup_key())
        );
        assert!(EmailAddress::parse("ad\u{200b}min@example.com").is_err());
        assert!(EmailAddress::parse("admin@exa\u{202e}mple.com").is_err());
        // A Cyrillic а is a different address, but it looks the same.
        let cyrillic = EmailAddress::parse("\u{430}dmin@example.com");
        assert!(cyrillic.is_ok());
        let skeletons = [cyrillic, EmailAddress::parse("admin@example.com")]
            .map(|e| e.as_ref().map(skeleton).unwrap_or_default());
        assert_eq!(skeletons[0], skeletons[1]);
        assert_ne!(
            EmailAddress::parse("admin@example.com")
                .as_ref()
                .map(skeleton)
                .ok(),
            EmailAddress::parse("adrnin@example.org")
                .as_ref()
                .map(skeleton)
                .ok()
        );
    }

    #[test]
    fn refuses_what_cannot_be_an_address() {
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            "a@-b.com",
            "a@b..com",
            ".a@b.com",
            "Name <a@b.com>",
            "a@b.com\r\nBcc: x@y.com",
        ] {
            assert!(
                EmailAddress::parse(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
    }
}
