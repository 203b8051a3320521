//! A redacting wrapper for secrets held by the server.

use core::fmt;

/// A client secret (or any other secret string) from the configuration.
///
/// `Debug` prints `Secret([redacted])`; there is no `Display` and no `PartialEq`, so a
/// secret can neither reach a log line by accident nor be compared in variable time.
/// The bytes are overwritten with zeros when the value is dropped.
///
/// ```
/// use bearerkit_server::Secret;
/// let s = Secret::new("password123");
/// assert_eq!(format!("{s:?}"), "Secret([redacted])");
/// assert_eq!(s.expose(), "password123");
/// ```
#[derive(Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret.
    #[must_use]
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself. Call it only where the secret is used, never to log it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.0.zeroize();
    }
}

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
