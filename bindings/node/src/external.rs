//! An external (KMS/HSM) signer for the token client: the client signs its assertions on a
//! tokio worker of napi's runtime, synchronously (the core's `Signer` seam), while the
//! signature comes from a JavaScript function that may return a promise.
//!
//! [`JsSigner::try_sign`] queues a call of the function on the JavaScript main thread (a
//! weak napi thread-safe function, so it never keeps the process alive by itself), gets
//! back the promise the function returned, and waits for it on the worker, at most the
//! signer's timeout. While it waits, the worker hands its other tasks to another thread
//! (`tokio::task::block_in_place`), so a signer that itself awaits the runtime (another
//! client's `token()`, say) cannot starve it. The main thread is free meanwhile: the
//! caller of `token()` only holds a promise.
//!
//! Every failure (the function threw or rejected, returned something that is not a
//! P-256 signature, or did not answer in time; the environment shutting down) is the
//! core's `signer_failed`: nothing of the message, the signature or the key reaches the
//! error. `index.js` hands over a function that always returns a promise of a `Buffer`
//! (it wraps the caller's `sign`, sync or async).

use crate::errors;
use bearerkit::p256::ecdsa::Signature;
use bearerkit::signature::{Error as SignatureError, Signer};
use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use core::time::Duration;
use napi::Status;
use napi::bindgen_prelude::{Buffer, Function, Promise};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use std::sync::{Arc, mpsc};
use std::time::Instant;

/// The JavaScript function: `(message: Buffer) => Promise<Buffer>`; errors are handled in
/// Rust (not by the callee), and the function does not keep the event loop alive.
type SignFn = ThreadsafeFunction<Buffer, Promise<Buffer>, Buffer, Status, false, true>;

/// An ES256 signer whose signature comes from JavaScript (`ExternalSigner` in `index.js`),
/// for the token client's flows.
#[napi(js_name = "_JsSigner")]
#[derive(Clone)]
pub struct JsSigner {
    sign: Arc<SignFn>,
    timeout: Duration,
}

#[napi]
impl JsSigner {
    /// A signer calling `sign` (which must return a promise of a `Buffer`) and waiting at
    /// most `timeout` seconds for each signature.
    ///
    /// # Errors
    /// `invalid_argument` for a timeout that is not a positive number of seconds.
    #[napi(constructor)]
    pub fn new(sign: Function<'_, Buffer, Promise<Buffer>>, timeout: f64) -> napi::Result<Self> {
        let timeout = Duration::try_from_secs_f64(timeout)
            .ok()
            .filter(|t| !t.is_zero())
            .ok_or_else(|| errors::argument("timeout must be a positive number of seconds"))?;
        let sign =
            sign.build_threadsafe_function::<Buffer>().callee_handled::<false>().weak::<true>().build()?;
        Ok(Self { sign: Arc::new(sign), timeout })
    }
}

impl JsSigner {
    /// The signature of `message` from JavaScript, as `r‖s` (DER converted by the core).
    fn sign_raw(&self, message: &[u8]) -> Result<Signature, bearerkit::Error> {
        let deadline = Instant::now() + self.timeout;
        let (tx, rx) = mpsc::sync_channel(1);
        let status = self.sign.call_with_return_value(
            Buffer::from(message.to_vec()),
            ThreadsafeFunctionCallMode::NonBlocking,
            move |returned: napi::Result<Promise<Buffer>>, _env| {
                // The waiting side may have given up (timeout): nothing to do then.
                let _ = tx.send(returned);
                Ok(())
            },
        );
        if status != Status::Ok {
            return Err(bearerkit::Error::SignerFailed);
        }
        let wait = move || -> Option<Vec<u8>> {
            let promise = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).ok()?.ok()?;
            let signature = wait_until(promise, deadline)?.ok()?;
            Some(signature.to_vec())
        };
        let bytes = if on_multi_thread_runtime() { tokio::task::block_in_place(wait) } else { wait() };
        let bytes = bytes.ok_or(bearerkit::Error::SignerFailed)?;
        let raw = match <[u8; 64]>::try_from(bytes.as_slice()) {
            Ok(raw) => raw,
            Err(_) => bearerkit::der_to_raw_signature(&bytes)?,
        };
        Signature::from_slice(&raw).map_err(|_| bearerkit::Error::SignatureRange)
    }
}

impl Signer<Signature> for JsSigner {
    fn try_sign(&self, message: &[u8]) -> Result<Signature, SignatureError> {
        // The core turns any failure into `signer_failed`.
        self.sign_raw(message).map_err(|_| SignatureError::new())
    }
}

/// Whether this thread runs inside a multi-threaded tokio runtime, where
/// `block_in_place` may be used (elsewhere it would panic, or is not needed).
fn on_multi_thread_runtime() -> bool {
    tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread)
}

/// Wakes the thread that polls in [`wait_until`].
struct Unpark(std::thread::Thread);

impl std::task::Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Poll `future` on this thread until it is ready or `deadline` has passed (`None`).
fn wait_until<F: Future>(future: F, deadline: Instant) -> Option<F::Output> {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return Some(out);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        std::thread::park_timeout(left);
    }
}
