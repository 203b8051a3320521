//! The blocking twin of [`crate::TokenClient`], for plain synchronous code.
//!
//! It owns a one-worker tokio runtime and runs the async client on it, for threads that are
//! not inside an async runtime.
//!
//! # Inside an async runtime
//! Blocking there would stall the runtime's thread (and tokio panics when a runtime blocks
//! inside another), so it is refused, never a panic:
//! [`build_blocking`](crate::TokenClientBuilder::build_blocking), and
//! [`token`](TokenClient::token) (when it would fetch) and
//! [`fetch_uncached`](TokenClient::fetch_uncached) called on a thread that is inside a
//! tokio runtime (`tokio::runtime::Handle::try_current()` succeeds) return an error with
//! code `blocking_in_async` ([`ErrorKind::BlockingInAsync`]) and send nothing. A fresh
//! cached token is still returned there (that blocks on nothing), and dropping the last
//! clone there is fine. In async code use the async client
//! ([`as_async`](TokenClient::as_async)); that includes the threads of
//! `tokio::task::spawn_blocking`, which count as inside the runtime: there,
//! `tokio::runtime::Handle::current().block_on(client.as_async().token())` works.

use crate::error::ErrorKind;
use crate::{Error, Token, TokenResponse};
use core::fmt;
use std::sync::Arc;

/// `blocking_in_async` when this thread is inside a tokio runtime.
fn refuse_inside_a_runtime() -> Result<(), Error> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::new(ErrorKind::BlockingInAsync));
    }
    Ok(())
}

/// The client's own runtime; dropped without blocking when that happens inside another
/// runtime (where a blocking shutdown panics).
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take()
            && tokio::runtime::Handle::try_current().is_ok()
        {
            runtime.shutdown_background();
        }
    }
}

impl Runtime {
    fn block_on<F: core::future::Future>(&self, future: F) -> Result<F::Output, Error> {
        refuse_inside_a_runtime()?;
        match &self.0 {
            Some(runtime) => Ok(runtime.block_on(future)),
            None => Err(Error::config("tokio runtime: shut down")),
        }
    }
}

/// A blocking token client: the same cache, single flight and retries as
/// [`crate::TokenClient`]. Cheap to clone; clones share the cache and the runtime.
#[derive(Clone)]
pub struct TokenClient {
    client: crate::TokenClient,
    runtime: Arc<Runtime>,
}

impl fmt::Debug for TokenClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::TokenClient").field("client", &self.client).finish_non_exhaustive()
    }
}

impl TokenClient {
    pub(crate) fn new(client: crate::TokenClient) -> Result<Self, Error> {
        refuse_inside_a_runtime()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("bearerkit-client")
            .enable_all()
            .build()
            .map_err(|e| Error::config(format!("tokio runtime: {e}")))?;
        Ok(Self { client, runtime: Arc::new(Runtime(Some(runtime))) })
    }

    /// A valid access token; see [`crate::TokenClient::token`]. A fresh cached token is
    /// returned without touching the runtime.
    ///
    /// # Errors
    /// As [`crate::TokenClient::token`], and [`ErrorKind::BlockingInAsync`] when it would
    /// fetch on a thread inside an async runtime (see [the module](self#inside-an-async-runtime)).
    pub fn token(&self) -> Result<Token, Error> {
        if let Some(t) = self.client.cached() {
            return Ok(t);
        }
        self.runtime.block_on(self.client.token())?
    }

    /// One request bypassing the cache; see [`crate::TokenClient::fetch_uncached`].
    ///
    /// # Errors
    /// As [`crate::TokenClient::token`], and [`ErrorKind::BlockingInAsync`] on a thread
    /// inside an async runtime.
    pub fn fetch_uncached(&self) -> Result<TokenResponse, Error> {
        self.runtime.block_on(self.client.fetch_uncached())?
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
