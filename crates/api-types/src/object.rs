//! Structs read only from JSON objects. Serde reads a struct from an array too, field by field
//! in order (`["solved"]` as a change whose first field, the status, is `solved`); request
//! bodies and the structs inside them refuse that.

use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor, value::MapAccessDeserializer};
use serde::{Deserialize, Deserializer};

/// Reads `T` from a JSON object only (`#[serde(deserialize_with = "object::required")]`).
pub fn required<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    deserializer.deserialize_map(Fields(PhantomData))
}

/// Reads an optional `T` from a JSON object or `null` only (with `#[serde(default)]`).
pub fn optional<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    /// `Some` of an object, or `None` for `null`.
    struct Present<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Present<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object or null")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            required(d).map(Some)
        }
    }
    deserializer.deserialize_option(Present(PhantomData))
}

/// Hands a JSON object's fields to `T`.
struct Fields<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for Fields<T> {
    type Value = T;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        status: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Outer {
        #[serde(deserialize_with = "required")]
        changes: Inner,
        #[serde(default, deserialize_with = "optional")]
        extra: Option<Inner>,
    }

    #[test]
    #[expect(clippy::unwrap_used, reason = "fixed test input")]
    fn objects_are_read_and_arrays_refused() {
        let read: Outer =
            serde_json::from_str(r#"{"changes": {"status": "solved"}, "extra": null}"#).unwrap();
        assert_eq!(read.changes.status.as_deref(), Some("solved"));
        assert_eq!(read.extra, None);
        let error = serde_json::from_str::<Outer>(r#"{"changes": ["solved"]}"#).unwrap_err();
        assert!(
            error.to_string().contains("expected a JSON object"),
            "{error}"
        );
        let error =
            serde_json::from_str::<Outer>(r#"{"changes": {}, "extra": ["x"]}"#).unwrap_err();
        assert!(
            error.to_string().contains("expected a JSON object"),
            "{error}"
        );
        // Serde alone would have read the array.
        let positional: Inner = serde_json::from_str(r#"["solved"]"#).unwrap();
        assert_eq!(positional.status.as_deref(), Some("solved"));
    }
}
