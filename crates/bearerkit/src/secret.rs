//! [`Secret`]: the one redacting wrapper every bearerkit crate and binding uses for secret
//! strings (client secrets, secrets in a server's configuration, secret CLI arguments).

use alloc::string::String;
use core::fmt;
use zeroize::Zeroizing;

/// A secret string: `Debug` prints `Secret([redacted])`, there is no `Display` and no
/// `PartialEq` (compare secrets in constant time, never with `==`), and the bytes are zeroed
/// when the value is dropped.
///
/// ```
/// use bearerkit::Secret;
/// let s = Secret::new("password123");
/// assert_eq!(format!("{s:?}"), "Secret([redacted])");
/// assert_eq!(s.expose(), "password123");
/// ```
#[derive(Clone, Default)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wrap a secret.
    #[must_use]
    pub fn new(secret: impl Into<String>) -> Self {
        Self(Zeroizing::new(secret.into()))
    }

    /// The secret itself. Call it only where the secret is used, never to log it.
    #[must_use]
    pub fn expose(&self) -> &str {
        self.0.as_str()
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
        Self::new(s)
    }
}

/// Parsing never fails and never quotes the text (command-line parsers show `FromStr`
/// errors, so a failing parse could print the secret).
impl core::str::FromStr for Secret {
    type Err = core::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(s))
    }
}

/// Deserializes from a string (for configuration files); error messages never quote it.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Secret;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Secret, E> {
                Ok(Secret::new(v))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Secret, E> {
                Ok(Secret::new(v))
            }
        }
        deserializer.deserialize_string(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;
    use alloc::format;

    #[test]
    fn redacted_and_exposed() {
        let s: Secret = "hunter2".parse().unwrap_or_default();
        let text = format!("{s:?} {:?}", Some(&s));
        assert!(!text.contains("hunter2"), "{text}");
        assert_eq!(text, "Secret([redacted]) Some(Secret([redacted]))");
        assert_eq!(s.clone().expose(), "hunter2");
        assert_eq!(Secret::from(alloc::string::String::from("x")).expose(), "x");
    }
}
