//! Load test of the D1 token endpoint: throughput and latency at 1 and 16 concurrent
//! clients, over loopback HTTP (reqwest), with a fixed number of requests.
//!
//! ```sh
//! cargo run -p bearerkit-server --release --example load
//! ```
//!
//! Every request carries a distinct, pre-signed assertion (unique `jti`), so the numbers
//! include form parsing, assertion verification with the prepared key, the replay cache
//! and token issuance, but not client-side signing. Client and server share the machine.

use bearerkit::SigningKey;
use bearerkit::profile::d1;
use bearerkit_server::{D1Env, D1Issuer, ServerConfig};
use core::sync::atomic::{AtomicUsize, Ordering};
use core::time::Duration;
use std::sync::Arc;
use std::time::Instant;

const ISSUER: &str = "LOAD_MGW";
const KID: &str = "load-key";
const GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// (concurrent clients, measured requests); each run is preceded by 200 warm-up requests.
const RUNS: &[(usize, usize)] = &[(1, 2_000), (16, 8_000)];
const WARMUP: usize = 200;

type Error = Box<dyn core::error::Error + Send + Sync>;

struct Stats {
    clients: usize,
    requests: usize,
    rps: f64,
    p50: Duration,
    p99: Duration,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let key = SigningKey::from_bytes(&[42u8; 32])?;
    let config = ServerConfig::default()
        .with_d1_issuer(D1Issuer::new(ISSUER, D1Env::Prd).key(KID, key.verifying_key().to_spki_pem_string()));
    let server = bearerkit_server::spawn(config).await?;
    let http = reqwest::Client::builder().no_proxy().pool_max_idle_per_host(32).build()?;
    let url = server.d1_token_url();

    let mut results = Vec::new();
    for (run, &(clients, requests)) in RUNS.iter().enumerate() {
        let now = bearerkit::now_unix();
        let assertions = (0..WARMUP + requests)
            .map(|i| {
                let jti = format!("load-{run}-{i}");
                d1::assertion(ISSUER, d1::Env::Production, KID, now).jwt_id(&jti).sign_to_string(&key)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (warmup, measured) = assertions.split_at(WARMUP);
        drive(&http, &url, clients, warmup.to_vec()).await?;
        let started = Instant::now();
        let mut latencies = drive(&http, &url, clients, measured.to_vec()).await?;
        let elapsed = started.elapsed();
        latencies.sort_unstable();
        results.push(Stats {
            clients,
            requests,
            rps: f64::from(u32::try_from(requests)?) / elapsed.as_secs_f64(),
            p50: percentile(&latencies, 50),
            p99: percentile(&latencies, 99),
        });
    }
    let total = server.request_count();
    server.shutdown().await;

    println!("| D1 token endpoint (loopback, reqwest) | requests | requests/s | p50 | p99 |");
    println!("|---|---:|---:|---:|---:|");
    for s in &results {
        println!(
            "| {} concurrent client{} | {} | {:.0} | {:.3} ms | {:.3} ms |",
            s.clients,
            if s.clients == 1 { "" } else { "s" },
            s.requests,
            s.rps,
            s.p50.as_secs_f64() * 1e3,
            s.p99.as_secs_f64() * 1e3
        );
    }
    println!("\n{total} token requests in all (warm-up included), all answered 200.");
    Ok(())
}

/// Send every assertion once with `clients` concurrent workers; return each latency.
async fn drive(
    http: &reqwest::Client,
    url: &str,
    clients: usize,
    assertions: Vec<String>,
) -> Result<Vec<Duration>, Error> {
    let assertions = Arc::new(assertions);
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (http, url, assertions, next) =
            (http.clone(), url.to_owned(), Arc::clone(&assertions), Arc::clone(&next));
        workers.spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(assertion) = assertions.get(i) else { break };
                let t = Instant::now();
                let response =
                    http.post(&url).form(&[("grant_type", GRANT), ("assertion", assertion)]).send().await?;
                let status = response.status();
                let _ = response.bytes().await?;
                latencies.push(t.elapsed());
                if status != reqwest::StatusCode::OK {
                    return Err(Error::from(format!("request {i}: status {status}")));
                }
            }
            Ok::<_, Error>(latencies)
        });
    }
    let mut all = Vec::new();
    while let Some(joined) = workers.join_next().await {
        all.extend(joined??);
    }
    Ok(all)
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let idx = (sorted.len().saturating_sub(1) * p) / 100;
    sorted.get(idx).copied().unwrap_or_default()
}
