//! Redacting newtypes for the secrets the client holds: client secrets and access tokens.

use core::fmt;
use std::sync::Arc;
use zeroize::Zeroizing;

/// A client secret (or any secret string given to the client).
///
/// `Debug` prints `Secret([redacted])`; there is no `Display` and no `PartialEq`. The
/// bytes are zeroed when the last clone is dropped.
///
/// ```
/// use bearerkit_client::Secret;
/// let s = Secret::new("password123");
/// assert_eq!(format!("{s:?}"), "Secret([redacted])");
/// assert_eq!(s.expose(), "password123");
/// ```
#[derive(Clone)]
pub struct Secret(Arc<Zeroizing<String>>);

impl Secret {
    /// Wrap a secret.
    #[must_use]
    pub fn new(secret: impl Into<String>) -> Self {
        Self(Arc::new(Zeroizing::new(secret.into())))
    }

    /// The secret itself. Call it only where it is sent, never to log it.
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

/// An access token: cheap to clone (one reference count), never printed.
///
/// `Debug` prints `AccessToken([redacted], N chars)`; [`AccessToken::preview`] gives the
/// first characters for transcripts; [`AccessToken::secret`] the token itself.
#[derive(Clone)]
pub struct AccessToken(Arc<Zeroizing<String>>);

impl AccessToken {
    pub(crate) fn new(token: String) -> Self {
        Self(Arc::new(Zeroizing::new(token)))
    }

    /// The token itself, for the `Authorization: Bearer` header. Never log it.
    #[must_use]
    pub fn secret(&self) -> &str {
        self.0.as_str()
    }

    /// The first 8 characters and the length, e.g. `AbCdEfGh… (43 chars)`.
    #[must_use]
    pub fn preview(&self) -> String {
        let head: String = self.0.chars().take(8).collect();
        format!("{head}… ({} chars)", self.0.len())
    }

    /// Whether both are the same token (not constant time: for tests and cache logic).
    #[must_use]
    pub fn same_as(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.as_str() == other.0.as_str()
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccessToken([redacted], {} chars)", self.0.len())
    }
}
