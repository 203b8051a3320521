//! Redacting types for the secrets the client holds: client secrets ([`Secret`], the core's)
//! and access tokens.

use core::fmt;
use std::sync::Arc;
use zeroize::Zeroizing;

/// The one redacting secret-string type of bearerkit (client secrets here), from the core.
pub use bearerkit::Secret;

/// An access token: cheap to clone (one reference count), never printed.
///
/// `Debug` prints `AccessToken([redacted], N chars)`; [`AccessToken::preview`] gives the
/// first characters for transcripts; [`AccessToken::expose`] the token itself.
#[derive(Clone)]
pub struct AccessToken(Arc<Zeroizing<String>>);

impl AccessToken {
    pub(crate) fn new(token: String) -> Self {
        Self(Arc::new(Zeroizing::new(token)))
    }

    /// The token itself, for the `Authorization: Bearer` header. Never log it.
    #[must_use]
    pub fn expose(&self) -> &str {
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
