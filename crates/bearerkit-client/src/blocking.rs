//! The blocking twin of [`crate::TokenClient`], for plain synchronous code.
//!
//! It owns a one-worker tokio runtime of its own: each blocking call that needs the network
//! hands the work to that runtime and waits for the answer on a standard channel. So it
//! works from any thread (plain threads, `tokio::task::spawn_blocking` threads, a thread
//! inside another runtime), never starts a runtime inside a runtime and never panics.
//!
//! # Inside async code
//! A call that fetches blocks the calling thread until the answer arrives. On a thread that
//! drives async tasks (inside `#[tokio::main]` or an `async fn`) that stalls every other task
//! of that thread: use the async client there ([`as_async`](TokenClient::as_async), sharing
//! the same cache). A fresh cached token is returned without waiting on anything.
//!
//! If the token endpoint itself is served by tasks of the blocked thread (an in-process test
//! server on a current-thread runtime, say), nobody can answer: the request then fails with
//! `timeout` at the client's deadline (`RetryPolicy::max_elapsed`, 30 s by default) instead of
//! returning a token. Run such a server on a runtime of its own, or use the async client.
//!
//! The blocking and the async handle share one HTTP connection pool. A pooled connection
//! belongs to the runtime that opened it, so after that runtime ends a reused connection can
//! fail once; the client's retries take care of it (one extra attempt).

use crate::{Error, Token, TokenResponse};
use core::fmt;
use std::sync::Arc;

/// The client's own runtime. Shut down in the background when the last clone goes, so a
/// drop never blocks (and never panics inside another runtime); an answer nobody waits for
/// any more is abandoned.
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl Runtime {
    /// Run `future` on this runtime and wait for its output on the calling thread.
    fn run<T, F>(&self, future: F) -> Result<T, Error>
    where
        F: core::future::Future<Output = Result<T, Error>> + Send + 'static,
        T: Send + 'static,
    {
        let runtime = self.0.as_ref().ok_or_else(|| Error::config("tokio runtime: shut down"))?;
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        runtime.spawn(async move {
            // The receiver only goes away with the caller; nothing to do then.
            let _ = tx.send(future.await);
        });
        // The task only ends without sending if it panicked, which no input should cause.
        rx.recv().map_err(|_| Error::transport("the token request task stopped without an answer"))?
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
    /// As [`crate::TokenClient::token`].
    pub fn token(&self) -> Result<Token, Error> {
        if let Some(t) = self.client.cached() {
            return Ok(t);
        }
        let client = self.client.clone();
        self.runtime.run(async move { client.token().await })
    }

    /// One request bypassing the cache; see [`crate::TokenClient::fetch_uncached`].
    ///
    /// # Errors
    /// As [`crate::TokenClient::fetch_uncached`].
    pub fn fetch_uncached(&self) -> Result<TokenResponse, Error> {
        let client = self.client.clone();
        self.runtime.run(async move { client.fetch_uncached().await })
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
