//! The signature on each webhook call: `Kefu-Signature: t=<unix seconds>,v1=<hex>`, where
//! the hex is HMAC-SHA256 under the vendor's secret of `<t>.<body>`. The timestamp lets a
//! receiver refuse a replayed call; `docs/vendors.md` shows how to check it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The `Kefu-Signature` value for `body` sent at `timestamp` (Unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", digest(secret, timestamp, body))
}

/// The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`.
pub fn digest(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes keys of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new signing secret: `whsec_` and 43 random URL-safe characters.
pub fn new_secret() -> String {
    format!("whsec_{}", crate::tokens::generate())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_documented_hmac() {
        // The example in docs/vendors.md, as Python's hmac module computes it.
        assert_eq!(
            signature("whsec_test", 1_764_924_000, br#"{"type":"ping"}"#),
            "t=1764924000,v1=0a1c7d9f2927e9ed034f82e3ba049c2c467d0176a2b61243a0a4439a209cda3b"
        );
        assert_ne!(digest("k", 1, b"x"), digest("k", 2, b"x"));
        assert_ne!(digest("k", 1, b"x"), digest("other", 1, b"x"));
    }
}
