//! Whole numbers read from JSON as JSON Schema reads them: `515` and `515.0` are the same
//! integer; `515.5` is refused.

use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{Error, Visitor};

/// The largest float that is read as a whole number exactly (2^53).
const EXACT: f64 = 9_007_199_254_740_992.0;

/// Reads a whole number, written with or without a zero fraction
/// (`#[serde(deserialize_with = "whole::number")]`).
pub fn number<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    deserializer.deserialize_any(Whole(PhantomData))
}

/// Reads an optional whole number, or `null` (with `#[serde(default)]`).
pub fn optional<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    /// `Some` of a whole number, or `None` for `null`.
    struct Present<T>(PhantomData<T>);
    impl<'de, T: TryFrom<i64>> Visitor<'de> for Present<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a whole number or null")
        }
        fn visit_none<E: Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_unit<E: Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            number(d).map(Some)
        }
    }
    deserializer.deserialize_option(Present(PhantomData))
}

/// A whole number of type `T`.
struct Whole<T>(PhantomData<T>);

impl<T: TryFrom<i64>> Whole<T> {
    fn fit<E: Error>(value: i64) -> Result<T, E> {
        T::try_from(value).map_err(|_| E::custom(format!("{value} is out of range")))
    }
}

impl<'de, T: TryFrom<i64>> Visitor<'de> for Whole<T> {
    type Value = T;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a whole number")
    }
    fn visit_i64<E: Error>(self, value: i64) -> Result<T, E> {
        Self::fit(value)
    }
    fn visit_u64<E: Error>(self, value: u64) -> Result<T, E> {
        let value =
            i64::try_from(value).map_err(|_| E::custom(format!("{value} is out of range")))?;
        Self::fit(value)
    }
    fn visit_f64<E: Error>(self, value: f64) -> Result<T, E> {
        if value.fract() != 0.0 || !value.is_finite() || value.abs() > EXACT {
            return Err(E::custom(format!("{value} is not a whole number")));
        }
        #[expect(clippy::cast_possible_truncation, reason = "whole and within 2^53")]
        Self::fit(value as i64)
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Call {
        #[serde(deserialize_with = "super::number")]
        seconds: i32,
        #[serde(default, deserialize_with = "super::optional")]
        days: Option<i64>,
    }

    fn read(json: &str) -> Result<Call, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn whole_numbers_are_read_with_or_without_a_zero_fraction() {
        let call = read(r#"{"seconds": 515.0, "days": 30.0}"#).unwrap();
        assert_eq!((call.seconds, call.days), (515, Some(30)));
        let call = read(r#"{"seconds": 515, "days": null}"#).unwrap();
        assert_eq!((call.seconds, call.days), (515, None));
        assert_eq!(read(r#"{"seconds": 1}"#).unwrap().days, None);
    }

    #[test]
    fn call_durations_and_token_lifetimes_take_whole_decimals() {
        let call: crate::tickets::CallInput = serde_json::from_str(
            r#"{"direction": "inbound", "from": "+8613800138000", "to": "+862161234567",
                "duration_seconds": 515.0, "outcome": "answered"}"#,
        )
        .unwrap();
        assert_eq!(call.duration_seconds, 515);
        let token: crate::auth::CreateApiTokenRequest = serde_json::from_str(
            r#"{"name": "CRM sync", "scope": "read", "expires_in_days": 30.0}"#,
        )
        .unwrap();
        assert_eq!(token.expires_in_days, Some(30));
    }

    #[test]
    fn fractions_text_and_numbers_out_of_range_are_refused() {
        for bad in [
            r#"{"seconds": 515.5}"#,
            r#"{"seconds": "515"}"#,
            r#"{"seconds": 3000000000}"#,
            r#"{"seconds": 1e300}"#,
            r#"{"seconds": 1, "days": 1.5}"#,
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }
}
