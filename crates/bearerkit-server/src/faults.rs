//! Fault injection for the token endpoints.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use core::sync::atomic::{AtomicU64, Ordering};
use core::time::Duration;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

/// What an injected fault does to one token-endpoint request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Answer this status (meant for 5xx) instead of handling the request.
    Status {
        /// The status.
        status: StatusCode,
        /// The body sent with it.
        body: FaultBody,
    },
    /// Answer 429 with `Retry-After: seconds` and an OAuth-style JSON body.
    RetryAfter {
        /// The `Retry-After` value.
        seconds: u64,
    },
    /// Answer this status (e.g. 200 or 502) with a body that is not JSON.
    Malformed {
        /// The status.
        status: StatusCode,
    },
}

/// The body of a [`Fault::Status`] answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultBody {
    /// `{"error":"server_error"|"temporarily_unavailable","error_description":"injected fault"}`.
    OAuth,
    /// No body at all.
    Empty,
}

/// The body sent by [`Fault::Malformed`].
pub const MALFORMED_BODY: &str =
    "<html><body><h1>bearerkit-server: injected malformed response</h1></body></html>";

#[derive(Debug, Default)]
struct Inner {
    queue: Mutex<VecDeque<(Fault, u64)>>,
    requests: AtomicU64,
}

/// A handle on the server's fault queue and request counter; cheap to clone.
///
/// Each token-endpoint request (D1, outbound, Keycloak) is counted and takes the next
/// queued fault, if any: queue "503 once" and the next request gets 503, the one after
/// it is handled normally.
///
/// ```
/// use bearerkit_server::FaultInjector;
/// use core::time::Duration;
/// let faults = FaultInjector::default();
/// faults.status_next(1, axum::http::StatusCode::SERVICE_UNAVAILABLE);
/// faults.delay_next(2, Duration::from_millis(200));
/// assert_eq!(faults.pending(), 3);
/// ```
#[derive(Clone, Debug, Default)]
pub struct FaultInjector {
    inner: Arc<Inner>,
}

impl FaultInjector {
    /// Queue `fault` for the next `count` token requests (after those already queued).
    pub fn push(&self, fault: Fault, count: u64) {
        if count == 0 {
            return;
        }
        self.lock().push_back((fault, count));
    }

    /// Delay the next `count` token requests by `delay` (then answer normally).
    pub fn delay_next(&self, count: u64, delay: Duration) {
        self.push(Fault::Delay(delay), count);
    }

    /// Answer the next `count` token requests with `status` and an OAuth-style JSON body.
    pub fn status_next(&self, count: u64, status: StatusCode) {
        self.push(Fault::Status { status, body: FaultBody::OAuth }, count);
    }

    /// Answer the next `count` token requests with `status` and an empty body.
    pub fn empty_status_next(&self, count: u64, status: StatusCode) {
        self.push(Fault::Status { status, body: FaultBody::Empty }, count);
    }

    /// Answer the next `count` token requests with 429 and `Retry-After: seconds`.
    pub fn retry_after_next(&self, count: u64, seconds: u64) {
        self.push(Fault::RetryAfter { seconds }, count);
    }

    /// Answer the next `count` token requests with `status` and a non-JSON body.
    pub fn malformed_next(&self, count: u64, status: StatusCode) {
        self.push(Fault::Malformed { status }, count);
    }

    /// Drop every queued fault.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many requests the queued faults still cover.
    #[must_use]
    pub fn pending(&self) -> u64 {
        self.lock().iter().map(|(_, n)| *n).sum()
    }

    /// Token-endpoint requests seen so far (faulted ones included).
    #[must_use]
    pub fn request_count(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// Count one token request and take the fault it gets, if any.
    pub(crate) fn on_request(&self) -> Option<Fault> {
        self.inner.requests.fetch_add(1, Ordering::Relaxed);
        let mut queue = self.lock();
        let (fault, remaining) = queue.front_mut()?;
        let fault = fault.clone();
        *remaining = remaining.saturating_sub(1);
        if *remaining == 0 {
            queue.pop_front();
        }
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<(Fault, u64)>> {
        self.inner.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The response for a fault that replaces the normal answer (`None` for a delay).
pub(crate) fn fault_response(fault: &Fault) -> Option<Response> {
    match fault {
        Fault::Delay(_) => None,
        Fault::Status { status, body: FaultBody::Empty } => Some((*status).into_response()),
        Fault::Status { status, body: FaultBody::OAuth } => {
            let code = if *status == StatusCode::SERVICE_UNAVAILABLE {
                "temporarily_unavailable"
            } else {
                "server_error"
            };
            let body = serde_json::json!({ "error": code, "error_description": "injected fault" });
            Some((*status, axum::Json(body)).into_response())
        }
        Fault::RetryAfter { seconds } => {
            let body = serde_json::json!({ "error": "temporarily_unavailable", "error_description": "injected fault: rate limited" });
            let mut response = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
            Some(response)
        }
        Fault::Malformed { status } => {
            let mut response = (*status, MALFORMED_BODY).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            Some(response)
        }
    }
}

/// `POST /_test/faults` body.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultRequest {
    kind: FaultKind,
    status: Option<u16>,
    seconds: Option<u64>,
    millis: Option<u64>,
    #[serde(default = "one")]
    count: u64,
    body: Option<FaultBodyKind>,
}

fn one() -> u64 {
    1
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum FaultKind {
    Status,
    RetryAfter,
    Delay,
    Malformed,
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum FaultBodyKind {
    Oauth,
    Empty,
}

impl FaultRequest {
    /// The fault and its count, or why the request is unusable.
    pub(crate) fn into_fault(self) -> Result<(Fault, u64), String> {
        let status = |default: u16| -> Result<StatusCode, String> {
            let code = self.status.unwrap_or(default);
            StatusCode::from_u16(code).map_err(|_| format!("invalid status {code}"))
        };
        let fault = match self.kind {
            FaultKind::Status => {
                let body = match self.body {
                    Some(FaultBodyKind::Empty) => FaultBody::Empty,
                    Some(FaultBodyKind::Oauth) | None => FaultBody::OAuth,
                };
                Fault::Status { status: status(503)?, body }
            }
            FaultKind::RetryAfter => Fault::RetryAfter { seconds: self.seconds.unwrap_or(1) },
            FaultKind::Delay => {
                let millis = match (self.millis, self.seconds) {
                    (Some(ms), _) => ms,
                    (None, Some(s)) => s.saturating_mul(1000),
                    (None, None) => return Err("delay needs millis or seconds".to_owned()),
                };
                if millis > 600_000 {
                    return Err("delay must be at most 600 s".to_owned());
                }
                Fault::Delay(Duration::from_millis(millis))
            }
            FaultKind::Malformed => Fault::Malformed { status: status(200)? },
        };
        if self.count > 1_000_000 {
            return Err("count must be at most 1000000".to_owned());
        }
        Ok((fault, self.count))
    }
}
