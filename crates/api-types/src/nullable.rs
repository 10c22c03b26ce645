//! Fields that distinguish "absent" (leave alone) from `null` (clear).

use serde::{Deserialize, Deserializer, Serialize};

/// Deserialises a present field, `null` included, as `Some(value)`; pair with
/// `#[serde(default)]` so that an absent field is `None`.
pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Serialises `Some(None)` as `null` and `Some(Some(v))` as `v`; pair with
/// `skip_serializing_if = "Option::is_none"` so that `None` is left out.
pub fn serialize<T, S>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error>
where
    T: serde::Serialize,
    S: serde::Serializer,
{
    match value {
        Some(inner) => inner.serialize(serializer),
        None => serializer.serialize_none(),
    }
}
