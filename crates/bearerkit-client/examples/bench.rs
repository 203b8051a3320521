//! Cost of `TokenClient::token()`: a cached hit (a lock and a clone) and a full fetch over
//! loopback against `bearerkit-server`. Fixed iteration counts; prints a markdown table.
//!
//! ```sh
//! cargo run -p bearerkit-client --release --example bench
//! ```
//!
//! The full D1 fetch includes signing the assertion (ES256), the HTTP round trip on a kept-
//! alive connection, and the server's verification and token issuance; client and server
//! share the machine (and its 2 cores here).

use bearerkit::SigningKey;
use bearerkit::profile::d1;
use bearerkit_client::{ClientAuth, D1Grant, TokenClient};
use bearerkit_server::{BasicClient, D1Env, D1Issuer, ServerConfig};
use core::hint::black_box;
use core::time::Duration;
use std::time::Instant;

type Error = Box<dyn core::error::Error + Send + Sync>;

const CACHED_ITERS: u32 = 1_000_000;
const FETCHES: usize = 500;
const WARMUP: usize = 50;

struct Row {
    what: &'static str,
    n: String,
    mean: String,
    p50: String,
    p99: String,
}

fn nanos(d: Duration, n: u32) -> String {
    format!("{:.0} ns", d.as_secs_f64() * 1e9 / f64::from(n))
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

async fn fetches(what: &'static str, client: &TokenClient) -> Result<Row, Error> {
    for _ in 0..WARMUP {
        client.fetch_uncached().await?;
    }
    let mut lat = Vec::with_capacity(FETCHES);
    let started = Instant::now();
    for _ in 0..FETCHES {
        let t = Instant::now();
        black_box(client.fetch_uncached().await?);
        lat.push(t.elapsed());
    }
    let total = started.elapsed();
    lat.sort();
    let at = |q: usize| lat.get((lat.len() * q / 100).min(lat.len() - 1)).copied().unwrap_or_default();
    let n = u32::try_from(FETCHES)?;
    Ok(Row { what, n: FETCHES.to_string(), mean: ms(total / n), p50: ms(at(50)), p99: ms(at(99)) })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Error> {
    let key = SigningKey::from_bytes(&[42u8; 32])?;
    let config = ServerConfig::default()
        .with_d1_issuer(
            D1Issuer::new("BENCH_MGW", D1Env::Prd).key("k1", key.verifying_key().to_spki_pem_string()),
        )
        .with_outbound_client(BasicClient::new("bench", "bench-secret", ["cards"]));
    let server = bearerkit_server::spawn(config).await?;
    let d1 = TokenClient::builder(
        server.d1_token_url(),
        D1Grant::new("BENCH_MGW", d1::Env::Production, "k1", key),
    )
    .build()?;
    let basic =
        TokenClient::builder(server.outbound_token_url(), ClientAuth::secret_basic("bench", "bench-secret"))
            .build()?;

    let mut rows = Vec::new();
    // Cached: the first call fetches, the rest are hits.
    d1.token().await?;
    let started = Instant::now();
    for _ in 0..CACHED_ITERS {
        black_box(d1.token().await?);
    }
    let e = started.elapsed();
    rows.push(Row {
        what: "cached `token().await` (async)",
        n: CACHED_ITERS.to_string(),
        mean: nanos(e, CACHED_ITERS),
        p50: "".into(),
        p99: "".into(),
    });
    let started = Instant::now();
    for _ in 0..CACHED_ITERS {
        black_box(d1.cached());
    }
    let e = started.elapsed();
    rows.push(Row {
        what: "cached `cached()` (sync lock and clone)",
        n: CACHED_ITERS.to_string(),
        mean: nanos(e, CACHED_ITERS),
        p50: "".into(),
        p99: "".into(),
    });
    // Contended: both worker threads hammer the same client.
    let per_task = CACHED_ITERS / 2;
    let started = Instant::now();
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let c = d1.clone();
            tokio::spawn(async move {
                for _ in 0..per_task {
                    if black_box(c.token().await).is_err() {
                        break;
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        t.await?;
    }
    let e = started.elapsed();
    rows.push(Row {
        what: "cached `token().await`, 2 threads on one client (wall time per call)",
        n: CACHED_ITERS.to_string(),
        mean: nanos(e, CACHED_ITERS),
        p50: "".into(),
        p99: "".into(),
    });
    rows.push(fetches("full fetch, D1 JWT-bearer (sign + HTTP + server verify)", &d1).await?);
    rows.push(fetches("full fetch, client credentials with HTTP Basic (no signing)", &basic).await?);
    server.shutdown().await;

    println!("| operation | calls | mean | p50 | p99 |");
    println!("|---|---|---|---|---|");
    for r in rows {
        println!("| {} | {} | {} | {} | {} |", r.what, r.n, r.mean, r.p50, r.p99);
    }
    Ok(())
}
