//! The constant-time signing comb (`bearerkit::fast_sign`) per window: table size, build
//! time, `k·G` and a whole ES256 signature over a prehash, each against `p256`'s own
//! (`ProjectivePoint::mul_by_generator` and `SigningKey::sign_prehash`, with its
//! precomputed tables), interleaved as A B B A per round so that drift cancels out of each
//! ratio; medians over the rounds.
//!
//! `cargo bench -p bearerkit-benches --bench comb [-- ROUNDS]` (default 9 rounds).
#![allow(missing_docs, clippy::unwrap_used, clippy::cast_precision_loss)]

use bearerkit::fast_sign::{
    CombTable, MAX_WINDOW, MIN_WINDOW, WINDOW, mul_generator_with, sign_prehash_with,
};
use core::hint::black_box;
use p256::elliptic_curve::group::Group;
use p256::elliptic_curve::ops::Reduce;
use std::time::Instant;

fn time_batch(f: &mut dyn FnMut(), iters: u32) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_nanos() as f64 / f64::from(iters)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// (median ours, median p256, median ratio) over `rounds` rounds of A B B A.
fn interleaved(
    ours: &mut dyn FnMut(),
    theirs: &mut dyn FnMut(),
    iters: u32,
    rounds: usize,
) -> (f64, f64, f64) {
    let (mut a, mut b, mut r) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let d1 = time_batch(theirs, iters);
        let n1 = time_batch(ours, iters);
        let n2 = time_batch(ours, iters);
        let d2 = time_batch(theirs, iters);
        a.push((n1 + n2) / 2.0);
        b.push((d1 + d2) / 2.0);
        r.push((n1 + n2) / (d1 + d2));
    }
    (median(&mut a), median(&mut b), median(&mut r))
}

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .find_map(|a| a.parse().ok())
        .unwrap_or(9)
        .max(3);
    let key = bearerkit::SigningKey::from_pem(bearerkit_benches::D1_GUIDE_PEM).unwrap();
    let raw = key.as_p256().clone();
    let prehash = [0x5au8; 32];
    let k = <p256::Scalar as Reduce<p256::FieldBytes>>::reduce(&p256::FieldBytes::from([0xa7u8; 32]));
    // Warm p256's own table.
    black_box(p256::ProjectivePoint::mul_by_generator(&k));

    println!("| window | table | build | k·G | × p256 k·G | sign (prehash) | × p256 sign |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for w in MIN_WINDOW..=MAX_WINDOW {
        let mut builds: Vec<f64> = (0..3)
            .map(|_| {
                let t = Instant::now();
                black_box(CombTable::new(w).unwrap());
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        let build = median(&mut builds);
        let table = CombTable::new(w).unwrap();
        let (mul, _, mul_ratio) = interleaved(
            &mut || {
                black_box(mul_generator_with(&table, black_box(&k)));
            },
            &mut || {
                black_box(p256::ProjectivePoint::mul_by_generator(black_box(&k)));
            },
            500,
            rounds,
        );
        let (sign, _, sign_ratio) = interleaved(
            &mut || {
                black_box(sign_prehash_with(&table, key.as_p256(), black_box(&prehash)));
            },
            &mut || {
                use p256::ecdsa::signature::hazmat::PrehashSigner;
                let s: p256::ecdsa::Signature = raw.sign_prehash(black_box(&prehash)).unwrap();
                black_box(s);
            },
            500,
            rounds,
        );
        let mark = if w == WINDOW { " (default)" } else { "" };
        println!(
            "| {w}{mark} | {} KiB | {build:.1} ms | {:.1} µs | {mul_ratio:.3} | {:.1} µs | {sign_ratio:.3} |",
            table.memory_bytes() / 1024,
            mul / 1e3,
            sign / 1e3
        );
        eprintln!("comb: window {w} done");
    }
}
