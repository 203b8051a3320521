//! Interleaved ratios: bearerkit against raw `p256` (and `openssl speed`) measured in
//! alternating rounds, so that the machine's speed drifting during a run (a shared VM can
//! swing by 30% within a minute) cancels out of each ratio.
//!
//! Each round times every compared pair back to back as A B B A (pairs in an order that
//! rotates from round to round), then one short `openssl speed ecdsap256` between two
//! batches of each operation it is compared with; a ratio is computed within each round and
//! the report gives the median over all rounds (with the spread of the middle half).
//! `benches/run.sh` runs it and `benches/report.py` puts its table in `RESULTS.md`.
//!
//! `cargo bench -p bearerkit-benches --bench ratios [-- ROUNDS]` (default 15 rounds).
#![allow(missing_docs, clippy::unwrap_used, clippy::cast_precision_loss)]

use bearerkit::{PreparedVerifyingKey, verify};
use core::hint::black_box;
use core::time::Duration;
use p256::ecdsa::signature::{Signer, Verifier};
use std::time::Instant;

/// Wall time of one batch per operation.
const BATCH: Duration = Duration::from_millis(150);

/// Mean nanoseconds per call of `f` over a batch of about [`BATCH`].
fn time_batch(f: &mut dyn FnMut(), iters: u32) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_nanos() as f64 / f64::from(iters)
}

/// Iterations that take about [`BATCH`] (measured once, before the rounds).
fn calibrate(f: &mut dyn FnMut()) -> u32 {
    let per = time_batch(f, 20).max(1.0);
    let n = (BATCH.as_nanos() as f64 / per).clamp(20.0, 100_000.0);
    // At least 20, at most 100k calls per batch (so the cast is exact).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped to 20..=100000")]
    let n = n as u32;
    n
}

/// `openssl speed -seconds 1 ecdsap256`: (sign ns, verify ns), or `None` without openssl.
fn openssl_speed() -> Option<(f64, f64)> {
    let out = std::process::Command::new("openssl")
        .args(["speed", "-seconds", "1", "ecdsap256"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    // "256 bits ecdsa (nistp256)   0.0000s   0.0001s  31971.9  11241.1"
    let line = text.lines().find(|l| l.trim_start().starts_with("256 bits ecdsa (nistp256)"))?;
    let nums: Vec<f64> = line.split_whitespace().filter_map(|w| w.parse::<f64>().ok()).collect();
    let (sign_per_s, verify_per_s) = (nums.get(nums.len().checked_sub(2)?)?, nums.last()?);
    Some((1e9 / sign_per_s, 1e9 / verify_per_s))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// (25th, 75th) percentiles.
fn quartiles(v: &mut [f64]) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 4], v[(3 * v.len()) / 4])
}

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .find_map(|a| a.parse().ok())
        .unwrap_or(15)
        .max(3);

    let bearerkit_benches::Fixture { key, vk, assertion, policy, token, input, raw_sk, raw_vk, raw_sig } =
        bearerkit_benches::Fixture::new();
    let prepared = PreparedVerifyingKey::new(&vk);
    // Warm the shared base-point table before timing anything.
    let mut scratch = [0u8; 1024];
    assert!(verify(&token, &prepared, &policy, &mut scratch).is_ok());

    let names = ["raw_sign", "bk_sign", "raw_verify", "bk_verify", "bk_prepared"];
    let mut ops: Vec<Box<dyn FnMut()>> = vec![
        Box::new(|| {
            let s: p256::ecdsa::Signature = raw_sk.sign(black_box(&input));
            black_box(s);
        }),
        Box::new(|| {
            let mut buf = [0u8; 1024];
            black_box(assertion.sign(&key, &mut buf).unwrap().len());
        }),
        Box::new(|| {
            black_box(raw_vk.verify(black_box(&input), &raw_sig).is_ok());
        }),
        Box::new(|| {
            let mut scratch = [0u8; 1024];
            black_box(verify(black_box(&token), &vk, &policy, &mut scratch).is_ok());
        }),
        Box::new(|| {
            let mut scratch = [0u8; 1024];
            black_box(verify(black_box(&token), &prepared, &policy, &mut scratch).is_ok());
        }),
    ];
    let iters: Vec<u32> = ops.iter_mut().map(|f| calibrate(f.as_mut())).collect();

    // Pairs (numerator, denominator) timed back to back as A B B A within a round, so a
    // linear drift of the machine's speed cancels out of each ratio.
    const PAIRS: [(usize, usize); 3] = [(1, 0), (3, 2), (4, 2)];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let mut ratios: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); PAIRS.len()];
    // Per round: (prepared verify, raw verify, raw sign) around the round's `openssl speed`,
    // divided by OpenSSL's verify, verify and sign.
    let mut vs_ossl: [Vec<f64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let mut ossl: Vec<(f64, f64)> = Vec::with_capacity(rounds);
    let mut timed = |i: usize, times: &mut Vec<Vec<f64>>| -> f64 {
        let t = time_batch(ops[i].as_mut(), iters[i]);
        times[i].push(t);
        t
    };
    for round in 0..rounds {
        for k in 0..PAIRS.len() {
            let p = (k + round) % PAIRS.len();
            let (num, den) = PAIRS[p];
            let d1 = timed(den, &mut times);
            let n1 = timed(num, &mut times);
            let n2 = timed(num, &mut times);
            let d2 = timed(den, &mut times);
            ratios[p].push((n1 + n2) / (d1 + d2));
        }
        // OpenSSL between two batches of each operation compared with it (A B A).
        let before = [timed(4, &mut times), timed(2, &mut times), timed(0, &mut times)];
        if let Some(o) = openssl_speed() {
            let after = [timed(0, &mut times), timed(2, &mut times), timed(4, &mut times)];
            let ours =
                [(before[0] + after[2]) / 2.0, (before[1] + after[1]) / 2.0, (before[2] + after[0]) / 2.0];
            vs_ossl[0].push(ours[0] / o.1);
            vs_ossl[1].push(ours[1] / o.1);
            vs_ossl[2].push(ours[2] / o.0);
            ossl.push(o);
        }
        eprintln!("ratios: round {}/{rounds}", round + 1);
    }

    let have_ossl = ossl.len() == rounds;
    let row = |label: &str, r: &mut [f64], target: &str| {
        let m = median(r);
        let (lo, hi) = quartiles(r);
        println!("| {label} | {m:.3} | {lo:.3} – {hi:.3} | {target} |");
    };
    println!("| ratio (median of {rounds} interleaved rounds) | median | middle half | target |");
    println!("|---|---:|---:|---|");
    row("bearerkit sign / raw p256 sign (constant-time comb, `fast-sign`)", &mut ratios[0], "≤ 0.7");
    row("bearerkit verify, plain key / raw p256 verify", &mut ratios[1], "≤ 1.05");
    row("bearerkit verify, `PreparedVerifyingKey` / raw p256 verify", &mut ratios[2], "≤ 0.3");
    if have_ossl {
        row("bearerkit verify, `PreparedVerifyingKey` / OpenSSL verify", &mut vs_ossl[0], "≤ 0.85");
        row("raw p256 verify / OpenSSL verify", &mut vs_ossl[1], "");
        row("raw p256 sign / OpenSSL sign", &mut vs_ossl[2], "");
    }
    println!();
    println!("| operation (median of {rounds} rounds) | time per call |");
    println!("|---|---:|");
    let labels = [
        "raw p256 0.14 sign",
        "bearerkit sign (D1 assertion: JSON + base64url + ES256)",
        "raw p256 0.14 verify",
        "bearerkit verify, plain key (full D1 policy)",
        "bearerkit verify, `PreparedVerifyingKey` (full D1 policy)",
    ];
    for (label, t) in labels.iter().zip(times.iter_mut()) {
        println!("| {label} | {:.1} µs |", median(t) / 1000.0);
    }
    if have_ossl {
        let mut s: Vec<f64> = ossl.iter().map(|o| o.0).collect();
        let mut v: Vec<f64> = ossl.iter().map(|o| o.1).collect();
        println!(
            "| OpenSSL sign (`openssl speed -seconds 1 ecdsap256`) | {:.1} µs |",
            median(&mut s) / 1000.0
        );
        println!("| OpenSSL verify (same) | {:.1} µs |", median(&mut v) / 1000.0);
    }
}
