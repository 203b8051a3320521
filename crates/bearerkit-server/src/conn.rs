//! The accept loop: a connection cap, HTTP/1.1 connections served by hyper with its
//! header-read timeout, a TLS handshake deadline, an idle timeout, and graceful shutdown.
//!
//! - **Connection cap**: a semaphore of `max_connections` permits; a permit is taken
//!   *before* `accept`, so when all are in use the server accepts nothing and new
//!   connections wait in the kernel's listen backlog. A connection (its TLS handshake
//!   included) holds its permit until it closes.
//! - **Header-read timeout**: hyper's own (`http1::Builder::header_read_timeout`, with
//!   hyper-util's tokio timer): a request head not complete within it closes the
//!   connection. hyper starts it when it begins waiting for a head: at the accept (after the
//!   TLS handshake with TLS), and after each response on a kept-alive connection. It is a
//!   deadline, not reset by each byte received: a head dripped a byte at a time is cut off
//!   too.
//! - **TLS handshake**: bounded by the same `header_read_timeout` (no setting of its own):
//!   a client that connects and stalls or drips its handshake is dropped after it. The
//!   first request head then has a header-read timeout of its own, so a TLS connection
//!   holds its permit at most twice that before sending a whole request.
//! - **Idle timeout**: hyper has none for HTTP/1, so this module keeps one: a connection
//!   with no request being handled on which no byte moved (read or written) for
//!   `idle_timeout` is closed.
//! - **Shutdown**: the listener is closed at once; each connection is told to finish
//!   (hyper's `graceful_shutdown`: the request in flight is answered, then the connection
//!   closes), a connection with nothing in flight is closed, and after the drain limit
//!   whatever is left is dropped.
//!
//! # Why a semaphore, and why draining by hand
//!
//! The accept loop is driven by hand (hyper's `http1` connection on a `TcpListener`, not
//! `axum::serve`, which has neither a header-read timeout nor a cap), and none of hyper,
//! hyper-util or tower offers a limit on *connections* for such a loop: hyper and
//! hyper-util serve one connection at a time and leave accepting to the caller, and tower's
//! `ConcurrencyLimit` (`limit::concurrency`) counts *requests* in flight in a `Service`, not
//! open connections: an idle kept-alive connection, or one still sending its head or its
//! TLS handshake, holds no request and would not count. A `tokio::sync::Semaphore` whose
//! permit is taken before `accept` and moved into the connection's task counts exactly the
//! open connections, and stops accepting (rather than accepting and closing) at the cap.
//! Taking back every permit (`acquire_many`) is also how shutdown knows that every
//! connection is closed.
//!
//! Draining is done here rather than with hyper-util's `server::graceful::GracefulShutdown`
//! (which only calls hyper's `graceful_shutdown` on each watched connection and waits for
//! all of them, with no limit): hyper's graceful shutdown leaves open a connection that has
//! not completed a request head (a fresh one, or a slow-loris partial head: hyper counts it
//! as busy until the header-read timeout), and a connection in its TLS handshake is not a
//! hyper connection yet. Each connection's task already watches its own activity (for the
//! idle timeout), so it can close itself at once when nothing is in flight, and the drain
//! limit is enforced by a phase (`Serving`, `Draining`, `Closing`) the tasks watch, with
//! the semaphore telling when they are all gone.

use axum::Router;
use axum::body::Body;
use core::future::{Future, poll_fn};
use core::net::SocketAddr;
use core::pin::pin;
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use core::task::{Context, Poll};
use core::time::Duration;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::io;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, oneshot, watch};
use tokio::time::Instant;

/// The connection limits, from the configuration.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub(crate) header_read_timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) max_connections: usize,
    /// How long shutdown waits for in-flight requests.
    pub(crate) drain: Duration,
}

/// Where the server is in its life; connections watch it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Serving,
    /// Finish what is in flight, then close.
    Draining,
    /// Close now.
    Closing,
}

/// Accept and serve connections until `stop` fires (a send or a dropped sender), then
/// drain: at most `limits.drain` for the requests in flight.
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    router: Router,
    limits: Limits,
    stop: oneshot::Receiver<()>,
) {
    // Validated: 1 to MAX_CONNECTIONS_LIMIT, which fits a u32.
    let max = u32::try_from(limits.max_connections).unwrap_or(u32::MAX).max(1);
    let permits = Arc::new(Semaphore::new(max as usize));
    let (phase, phase_rx) = watch::channel(Phase::Serving);
    let mut stop = pin!(stop);
    loop {
        let permit = tokio::select! {
            biased;
            _ = &mut stop => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_closed) => break,
            },
        };
        let (tcp, peer) = tokio::select! {
            biased;
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    tracing::debug!(error = %e, "accept failed");
                    drop(permit);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        if permits.available_permits() == 0 {
            tracing::debug!(
                max = limits.max_connections,
                "connection cap reached: accepting no more for now"
            );
        }
        let (tls, router, phase) = (tls.clone(), router.clone(), phase_rx.clone());
        tokio::spawn(async move {
            connection(tcp, peer, tls, router, limits, phase).await;
            drop(permit);
        });
    }
    drop(listener);
    tracing::debug!("listener closed: draining connections");
    let _ = phase.send(Phase::Draining);
    // Every permit back means every connection closed.
    if tokio::time::timeout(limits.drain, permits.acquire_many(max)).await.is_err() {
        tracing::info!(drain = ?limits.drain, "connections still open after the drain limit: closing them");
        let _ = phase.send(Phase::Closing);
        let _ = tokio::time::timeout(Duration::from_secs(1), permits.acquire_many(max)).await;
    }
}

/// One connection: the TLS handshake if any, then HTTP/1.1.
async fn connection(
    tcp: TcpStream,
    peer: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
    router: Router,
    limits: Limits,
    phase: watch::Receiver<Phase>,
) {
    let _ = tcp.set_nodelay(true);
    let Some(acceptor) = tls else {
        return http(tcp, peer, router, limits, phase).await;
    };
    let mut draining = phase.clone();
    let handshake = tokio::time::timeout(limits.header_read_timeout, acceptor.accept(tcp));
    let stream = tokio::select! {
        result = handshake => match result {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => {
                tracing::info!(%peer, error = %e, "TLS handshake failed");
                return;
            }
            Err(_) => {
                tracing::info!(%peer, timeout = ?limits.header_read_timeout, "TLS handshake timed out");
                return;
            }
        },
        _ = draining.wait_for(|p| *p >= Phase::Draining) => return,
    };
    http(stream, peer, router, limits, phase).await;
}

/// How a connection ended.
enum End {
    /// hyper finished it (the client closed, or a protocol error or header-read timeout).
    Done(Result<(), hyper::Error>),
    /// Idle for the idle timeout.
    Idle,
    /// Shutdown, with nothing in flight.
    Drained,
    /// Shutdown, past the drain limit.
    Closed,
}

async fn http<IO>(io: IO, peer: SocketAddr, router: Router, limits: Limits, phase: watch::Receiver<Phase>)
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Tracked { inner: io, activity: activity.clone() });
    let service = {
        let activity = activity.clone();
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let in_flight = InFlight::begin(activity.clone());
            let response = tower::Service::call(&mut router.clone(), request.map(Body::new));
            async move {
                let response = response.await;
                drop(in_flight);
                response
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true);
    let mut conn = pin!(builder.serve_connection(io, service));

    let mut draining = pin!(reached(phase.clone(), Phase::Draining));
    let mut closing = pin!(reached(phase, Phase::Closing));
    let mut idle = pin!(tokio::time::sleep_until(activity.idle_deadline(limits.idle_timeout)));
    let mut is_draining = false;
    let end = poll_fn(|cx: &mut Context<'_>| {
        if let Poll::Ready(result) = conn.as_mut().poll(cx) {
            return Poll::Ready(End::Done(result));
        }
        if closing.as_mut().poll(cx).is_ready() {
            return Poll::Ready(End::Closed);
        }
        if !is_draining && draining.as_mut().poll(cx).is_ready() {
            is_draining = true;
            // hyper answers the request in flight, then closes; it closes an idle
            // kept-alive connection at its next poll.
            conn.as_mut().graceful_shutdown();
            if let Poll::Ready(result) = conn.as_mut().poll(cx) {
                return Poll::Ready(End::Done(result));
            }
        }
        if is_draining && activity.quiet() {
            // Nothing in flight, nothing left to write: a fresh connection or a partial
            // request head, which hyper's graceful shutdown leaves open.
            return Poll::Ready(End::Drained);
        }
        loop {
            let deadline = activity.idle_deadline(limits.idle_timeout);
            if idle.deadline() != deadline {
                idle.as_mut().reset(deadline);
            }
            if idle.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            if activity.in_flight() == 0 && Instant::now() >= activity.idle_deadline(limits.idle_timeout) {
                return Poll::Ready(End::Idle);
            }
            if activity.in_flight() > 0 {
                // A request is being handled (bounded by the request timeout): look again
                // one idle period from now.
                activity.touch();
            }
        }
    })
    .await;
    match end {
        End::Done(Ok(())) => {}
        End::Done(Err(e)) => tracing::debug!(%peer, error = %e, "connection ended with an error"),
        End::Idle => tracing::debug!(%peer, timeout = ?limits.idle_timeout, "idle connection closed"),
        End::Drained => tracing::debug!(%peer, "idle connection closed for shutdown"),
        End::Closed => tracing::debug!(%peer, "connection closed at the drain limit"),
    }
}

/// Resolves once the server reaches `phase` (or is gone).
async fn reached(mut phase: watch::Receiver<Phase>, wanted: Phase) {
    let _ = phase.wait_for(|p| *p >= wanted).await;
}

/// What a connection is doing: requests in flight, and when a byte last moved.
#[derive(Debug)]
struct Activity {
    start: Instant,
    /// Milliseconds from `start` to the last byte read or written, or the last request
    /// finished.
    last: AtomicU64,
    in_flight: AtomicUsize,
    /// The last write or flush could not complete (the client is not reading).
    write_pending: AtomicBool,
}

impl Activity {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            last: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            write_pending: AtomicBool::new(false),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }

    fn idle_deadline(&self, idle: Duration) -> Instant {
        let last = Duration::from_millis(self.last.load(Ordering::Relaxed));
        self.start + last + idle
    }

    fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// No request in flight and nothing waiting to be written.
    fn quiet(&self) -> bool {
        self.in_flight() == 0 && !self.write_pending.load(Ordering::Relaxed)
    }
}

/// A request being handled; counts as activity when it ends.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn begin(activity: Arc<Activity>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::Relaxed);
        activity.touch();
        Self(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The connection's stream, noting each byte read or written in its [`Activity`].
struct Tracked<IO> {
    inner: IO,
    activity: Arc<Activity>,
}

impl<IO: AsyncRead + Unpin> AsyncRead for Tracked<IO> {
    fn poll_read(
        mut self: core::pin::Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = core::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        result
    }
}

impl<IO: AsyncWrite + Unpin> Tracked<IO> {
    /// Note a write-side result: progress is activity, `Pending` is a pending write.
    fn note<T>(&self, result: &Poll<io::Result<T>>, progress: bool) {
        match result {
            Poll::Pending => self.activity.write_pending.store(true, Ordering::Relaxed),
            Poll::Ready(_) => {
                self.activity.write_pending.store(false, Ordering::Relaxed);
                if progress {
                    self.activity.touch();
                }
            }
        }
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Tracked<IO> {
    fn poll_write(
        mut self: core::pin::Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = core::pin::Pin::new(&mut self.inner).poll_write(cx, buf);
        let progress = matches!(result, Poll::Ready(Ok(n)) if n > 0);
        self.note(&result, progress);
        result
    }

    fn poll_write_vectored(
        mut self: core::pin::Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = core::pin::Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        let progress = matches!(result, Poll::Ready(Ok(n)) if n > 0);
        self.note(&result, progress);
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: core::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = core::pin::Pin::new(&mut self.inner).poll_flush(cx);
        self.note(&result, false);
        result
    }

    fn poll_shutdown(mut self: core::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        core::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
