//! Secrets held by the server: the core's [`Secret`] and a constant-time comparison.

/// The one redacting secret-string type of bearerkit (client secrets in the configuration),
/// from the core: `Debug` prints `Secret([redacted])`, no `Display`, no `PartialEq`, zeroed
/// on drop, deserialized from a TOML string.
pub use bearerkit::Secret;

/// Constant-time comparison of a presented secret with the configured one.
///
/// Both sides are hashed with SHA-256 first, so the comparison takes the same time
/// whatever the lengths, and then compared with `subtle`.
pub(crate) fn secret_matches(presented: &[u8], expected: Option<&Secret>) -> bool {
    use sha2::{Digest, Sha256};
    use subtle::ConstantTimeEq;
    // An absent secret is compared against a fixed value so the work done is the same.
    let expected_bytes = expected.map_or(&b"\0bearerkit-no-secret\0"[..], |s| s.expose().as_bytes());
    let a = Sha256::digest(presented);
    let b = Sha256::digest(expected_bytes);
    let equal: bool = a.as_slice().ct_eq(b.as_slice()).into();
    equal && expected.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("hunter2");
        let text = format!("{s:?} {:?}", Some(&s));
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("[redacted]"));
    }

    #[test]
    fn compare() {
        let s = Secret::new("abc");
        assert!(secret_matches(b"abc", Some(&s)));
        assert!(!secret_matches(b"abd", Some(&s)));
        assert!(!secret_matches(b"ab", Some(&s)));
        assert!(!secret_matches(b"\0bearerkit-no-secret\0", None));
    }
}
