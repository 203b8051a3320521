//! The blocking twin of [`crate::TokenClient`], for plain synchronous code.
//!
//! It owns a one-worker tokio runtime and runs the async client on it, so it works from
//! any thread that is not itself inside an async runtime (calling it, or dropping the last
//! clone, from async code panics, as with `reqwest::blocking`: use the async client there).

use crate::{Error, Token, TokenResponse};
use core::fmt;
use std::sync::Arc;

/// A blocking token client: the same cache, single flight and retries as
/// [`crate::TokenClient`]. Cheap to clone; clones share the cache and the runtime.
#[derive(Clone)]
pub struct TokenClient {
    client: crate::TokenClient,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl fmt::Debug for TokenClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::TokenClient").field("client", &self.client).finish_non_exhaustive()
    }
}

impl TokenClient {
    pub(crate) fn new(client: crate::TokenClient) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("bearerkit-client")
            .enable_all()
            .build()
            .map_err(|e| Error::config(format!("tokio runtime: {e}")))?;
        Ok(Self { client, runtime: Arc::new(runtime) })
    }

    /// A valid access token; see [`crate::TokenClient::token`]. A fresh cached token is
    /// returned without touching the runtime.
    ///
    /// # Errors
    /// As [`crate::TokenClient::token`].
    pub fn token(&self) -> Result<Token, Error> {
        if let Some(t) = self.client.cached() {
            return Ok(t);
        }
        self.runtime.block_on(self.client.token())
    }

    /// One request bypassing the cache; see [`crate::TokenClient::fetch_uncached`].
    ///
    /// # Errors
    /// As [`crate::TokenClient::token`].
    pub fn fetch_uncached(&self) -> Result<TokenResponse, Error> {
        self.runtime.block_on(self.client.fetch_uncached())
    }

    /// Forget the cached token; see [`crate::TokenClient::invalidate`].
    pub fn invalidate(&self) {
        self.client.invalidate();
    }

    /// See [`crate::TokenClient::last_refresh_error`].
    #[must_use]
    pub fn last_refresh_error(&self) -> Option<Error> {
        self.client.last_refresh_error()
    }

    /// The async client underneath (sharing the same cache).
    #[must_use]
    pub fn as_async(&self) -> &crate::TokenClient {
        &self.client
    }
}
