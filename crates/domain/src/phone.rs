//! Phone numbers, normalised to E.164 (`+8613800138000`).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{LazyLock, Mutex, PoisonError};

use phonenumber::{Mode, country};
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The region numbers without a `+country` prefix are read in, e.g. `CN` or `US`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PhoneRegion(country::Id);

impl PhoneRegion {
    /// Parses an ISO 3166-1 alpha-2 code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        country::Id::from_str(&code.trim().to_uppercase())
            .map(Self)
            .map_err(|_| DomainError::InvalidRegion(code.to_owned()))
    }

    /// The region's two-letter code.
    pub fn code(&self) -> &str {
        self.0.as_ref()
    }
}

/// How many numbers' displayed forms are remembered before the memory starts over.
const DISPLAYED_CAPACITY: usize = 20_000;

/// Displayed forms already worked out, by number and home region.
type Displayed = HashMap<(String, Option<PhoneRegion>), String>;

/// Numbers as [`PhoneNumber::display`] showed them.
static DISPLAYED: LazyLock<Mutex<Displayed>> = LazyLock::new(Mutex::default);

/// A dialable phone number in E.164 form.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// The longest input looked at; anything longer is not a phone number.
    const MAX_INPUT: usize = 64;

    /// Parses a number as people write it (`+86 138 0013 8000`, `(415) 555-0100`), reading
    /// numbers without a country prefix in `region`, and checks it is a valid number there.
    pub fn parse(input: &str, region: Option<PhoneRegion>) -> Result<Self, DomainError> {
        let invalid = |reason: &str| DomainError::InvalidPhone {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(invalid("it is empty"));
        }
        if trimmed.len() > Self::MAX_INPUT {
            return Err(invalid("it is too long"));
        }
        if trimmed.chars().any(|c| c.is_alphabetic()) {
            return Err(invalid("it contains letters"));
        }
        if !trimmed.starts_with('+') && region.is_none() {
            return Err(invalid(
                "start it with + and the country code, or configure a default phone region",
            ));
        }
        let parsed = phonenumber::parse(region.map(|r| r.0), trimmed)
            .map_err(|_| invalid("it is not a phone number"))?;
        if !parsed.is_valid() {
            return Err(invalid(
                "no such number exists in its country's numbering plan",
            ));
        }
        Ok(Self(parsed.format().mode(Mode::E164).to_string()))
    }

    /// Like [`PhoneNumber::parse`], for a field that may be left out or blank (`None`).
    pub fn parse_optional(
        input: Option<&str>,
        region: Option<PhoneRegion>,
    ) -> Result<Option<Self>, DomainError> {
        input
            .filter(|p| !p.trim().is_empty())
            .map(|p| Self::parse(p, region))
            .transpose()
    }

    /// The number in E.164 form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as people read it: in national format when it belongs to `home` (the
    /// business's region), in international format otherwise (`138 0013 8000` at home in China,
    /// `+86 138 0013 8000` elsewhere).
    pub fn display(&self, home: Option<PhoneRegion>) -> String {
        let key = (self.0.clone(), home);
        let cached = DISPLAYED
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        if let Some(shown) = cached {
            return shown;
        }
        let shown = self.format_for(home);
        let mut displayed = DISPLAYED.lock().unwrap_or_else(PoisonError::into_inner);
        if displayed.len() >= DISPLAYED_CAPACITY {
            displayed.clear();
        }
        displayed.insert(key, shown.clone());
        shown
    }

    /// [`PhoneNumber::display`], worked out (the number is parsed again: that costs tens of
    /// microseconds, and a queue page shows fifty numbers).
    fn format_for(&self, home: Option<PhoneRegion>) -> String {
        let Ok(parsed) = phonenumber::parse(None, &self.0) else {
            return self.0.clone();
        };
        let at_home = home.is_some_and(|h| parsed.country().id() == Some(h.0));
        let mode = if at_home {
            Mode::National
        } else {
            Mode::International
        };
        parsed.format().mode(mode).to_string()
    }

    /// Wraps a number that was stored in E.164 form by [`PhoneNumber::parse`].
    pub fn from_stored(e164: String) -> Self {
        Self(e164)
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str) -> Option<PhoneRegion> {
        PhoneRegion::parse(code).ok()
    }

    #[test]
    fn normalises_to_e164() {
        let cases = [
            ("+86 138 0013 8000", None, "+8613800138000"),
            ("138-0013-8000", region("CN"), "+8613800138000"),
            ("(415) 555-0132", region("us"), "+14155550132"),
            ("+44 20 7946 0958", region("US"), "+442079460958"),
            // The OpenAPI document's example of a team line and a called number.
            ("+86 21 6123 4567", None, "+862161234567"),
        ];
        for (input, region, expected) in cases {
            assert_eq!(
                PhoneNumber::parse(input, region).map(|p| p.to_string()),
                Ok(expected.to_owned()),
                "{input}"
            );
        }
    }

    #[test]
    fn numbers_read_nationally_at_home_and_internationally_elsewhere() {
        let mobile = PhoneNumber::from_stored("+8613800138000".into());
        assert_eq!(mobile.display(region("CN")), "138 0013 8000");
        assert_eq!(mobile.display(region("US")), "+86 138 0013 8000");
        assert_eq!(mobile.display(None), "+86 138 0013 8000");
        let us = PhoneNumber::from_stored("+14155550132".into());
        assert_eq!(us.display(region("US")), "(415) 555-0132");
    }

    #[test]
    fn refuses_what_cannot_be_dialled() {
        for input in [
            "",
            "12345",
            "+1 555",
            "call me",
            "+86 138 0013 8000 ext",
            &"9".repeat(80),
        ] {
            assert!(
                PhoneNumber::parse(input, region("CN")).is_err(),
                "{input:?} should be refused"
            );
        }
        assert!(PhoneNumber::parse("138 0013 8000", None).is_err());
        assert!(PhoneRegion::parse("XX").is_err());
    }
}
