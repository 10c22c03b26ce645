//! The languages Kefu speaks, and reading a browser's or user's language tag.

use std::fmt;

use crate::DomainError;

/// The languages Kefu speaks, as stored and sent.
pub const LOCALES: &[&str] = &["en", "zh-CN"];

/// A language Kefu speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Locale {
    /// English.
    En,
    /// Simplified Chinese.
    ZhCn,
}

impl Locale {
    /// Reads a language tag (`en-GB`, `zh`, `zh-cn`, `zh_Hans` …) as the language Kefu speaks
    /// for it.
    pub fn parse(tag: &str) -> Result<Self, DomainError> {
        let lower = tag.trim().to_lowercase();
        match lower.split(['-', '_']).next().unwrap_or_default() {
            "en" => Ok(Locale::En),
            "zh" => Ok(Locale::ZhCn),
            _ => Err(DomainError::InvalidLocale(tag.to_owned())),
        }
    }

    /// Reads a language tag and gives back the tag Kefu stores for it (`zh_Hans` → `zh-CN`).
    pub fn normalise(tag: &str) -> Result<String, DomainError> {
        Ok(Self::parse(tag)?.as_str().to_owned())
    }

    /// The language a customer most likely reads, from what they wrote: Chinese when the
    /// text has Chinese characters, else English.
    pub fn guess(text: &str) -> Self {
        let han = text.chars().any(|c| {
            matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
        });
        if han { Locale::ZhCn } else { Locale::En }
    }

    /// The tag as stored and sent (`en`, `zh-CN`).
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Locale {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Locale {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let tag = String::deserialize(deserializer)?;
        Locale::parse(&tag).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_writing_chinese_is_answered_in_chinese() {
        assert_eq!(Locale::guess("打印机卡纸了"), Locale::ZhCn);
        assert_eq!(Locale::guess("Re: 订单 1042 where is it?"), Locale::ZhCn);
        assert_eq!(Locale::guess("Where is my order?"), Locale::En);
        assert_eq!(Locale::guess(""), Locale::En);
    }

    #[test]
    fn tags_are_read_as_the_language_kefu_speaks() {
        for (tag, expected) in [
            ("en", Locale::En),
            ("en-GB", Locale::En),
            (" EN_us ", Locale::En),
            ("zh", Locale::ZhCn),
            ("zh-cn", Locale::ZhCn),
            ("zh-Hans", Locale::ZhCn),
            ("zh_TW", Locale::ZhCn),
        ] {
            assert_eq!(Locale::parse(tag), Ok(expected), "{tag}");
        }
        assert_eq!(Locale::ZhCn.to_string(), "zh-CN");
        assert!(LOCALES.contains(&Locale::En.as_str()));
    }

    #[test]
    fn other_languages_are_refused_by_name() {
        assert_eq!(
            Locale::parse("fr-FR"),
            Err(DomainError::InvalidLocale("fr-FR".into()))
        );
        assert!(Locale::parse("").is_err());
    }
}
