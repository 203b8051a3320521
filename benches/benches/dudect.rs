//! A statistical timing test in the style of dudect (Reparaz, Balasch and Verbauwhede, 2017)
//! for the constant-time signing comb (`bearerkit::fast_sign`): each subject is timed on two
//! classes of input, a fixed one and fresh random ones, in a random order of classes, and
//! Welch's t-test compares the two timing distributions, on all measurements and again after
//! cropping the slowest ones at several percentiles (as dudect does, to remove interrupts
//! and other noise). `|t| > 4.5` is the usual threshold for "the classes differ": a leak.
//!
//! Subjects: the comb `k·G` with `k = 1` (every other digit zero) and with `k = n − 1`
//! (every digit non-zero, most negative) against random `k`; a whole ES256 signature over a
//! prehash with a fixed key and message (so a fixed RFC 6979 nonce) against random keys and
//! messages (random nonces). As a control that the harness can see a leak, the prepared
//! verifier's variable-time `u1·G` (`prepared::hazmat::base_mul`, meant for public scalars)
//! with `k = 1` against random `k`.
//!
//! Written by hand instead of using the `dudect-bencher` crate: that crate depends on
//! `clap` 2, whose `atty` and `ansi_term` are flagged unmaintained, which `cargo deny`
//! (scripts/deny.sh) refuses.
//!
//! `cargo bench -p bearerkit-benches --bench dudect [-- MEASUREMENTS]` (default 100000 per
//! subject). It runs in the benchmarks, not in the test suite: it takes minutes and its
//! verdict is statistical.
#![allow(missing_docs, clippy::unwrap_used, clippy::cast_precision_loss)]

use bearerkit::fast_sign::{CombTable, WINDOW, mul_generator_with, sign_prehash_with};
use bearerkit::prepared::BaseTable;
use bearerkit::prepared::hazmat::base_mul;
use core::hint::black_box;
use p256::elliptic_curve::ops::Reduce;
use p256::{FieldBytes, Scalar};
use std::time::Instant;

/// splitmix64: random classes and inputs (statistical quality is all that is needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn bytes(&mut self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for chunk in out.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        out
    }
    fn scalar(&mut self) -> Scalar {
        <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(self.bytes()))
    }
}

/// Welford's running mean and variance.
#[derive(Clone, Copy, Default)]
struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn push(&mut self, x: f64) {
        self.n += 1.0;
        let d = x - self.mean;
        self.mean += d / self.n;
        self.m2 += d * (x - self.mean);
    }
    fn var(&self) -> f64 {
        if self.n > 1.0 { self.m2 / (self.n - 1.0) } else { 0.0 }
    }
}

/// Welch's t statistic of two samples.
fn welch(a: &Moments, b: &Moments) -> f64 {
    let se = (a.var() / a.n + b.var() / b.n).sqrt();
    if se > 0.0 { (a.mean - b.mean) / se } else { 0.0 }
}

struct Outcome {
    n: usize,
    fixed_median: f64,
    random_median: f64,
    t_all: f64,
    t_max: f64,
    crop_at: &'static str,
    /// The smallest difference of mean times the test would call a leak (4.5 standard
    /// errors), at the crop that resolves best.
    resolution: f64,
}

/// Time `f(input)` `n` times, each time on the fixed input or on a fresh random one (a coin
/// decides), and compare the classes with Welch's t-test, uncropped and cropped.
fn run<I: Clone>(
    n: usize,
    rng: &mut Rng,
    fixed: &I,
    random: &mut dyn FnMut(&mut Rng) -> I,
    f: &mut dyn FnMut(&I),
) -> Outcome {
    // Inputs first, so that making them is not timed.
    let classes: Vec<bool> = (0..n).map(|_| rng.next() & 1 == 1).collect();
    let inputs: Vec<Option<I>> = classes.iter().map(|&r| r.then(|| random(rng))).collect();
    for _ in 0..n.min(1000) / 10 {
        f(fixed); // warm-up
    }
    let mut times = Vec::with_capacity(n);
    for input in &inputs {
        // A fresh copy for both classes, so that neither is timed from a colder cache line
        // (the random inputs live in a large array, the fixed one would stay hot).
        let x = input.as_ref().unwrap_or(fixed).clone();
        let start = Instant::now();
        f(black_box(&x));
        times.push(start.elapsed().as_nanos() as f64);
    }
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    // A percentile in per mille, by index (no float-to-integer cast).
    let pct = |per_mille: usize| sorted[(sorted.len() - 1) * per_mille / 1000];
    let crops: [(&'static str, f64); 6] = [
        ("none", f64::INFINITY),
        ("99 %", pct(990)),
        ("95 %", pct(950)),
        ("90 %", pct(900)),
        ("75 %", pct(750)),
        ("50 %", pct(500)),
    ];
    let mut t_all = 0.0;
    let (mut t_max, mut crop_at) = (0.0f64, "none");
    let mut resolution = f64::INFINITY;
    for (name, limit) in crops {
        let (mut fixed_m, mut random_m) = (Moments::default(), Moments::default());
        for (&t, &r) in times.iter().zip(&classes) {
            if t <= limit {
                if r { random_m.push(t) } else { fixed_m.push(t) }
            }
        }
        let t = welch(&fixed_m, &random_m);
        let se = (fixed_m.var() / fixed_m.n + random_m.var() / random_m.n).sqrt();
        resolution = resolution.min(4.5 * se);
        if name == "none" {
            t_all = t;
        }
        if t.abs() > t_max.abs() {
            (t_max, crop_at) = (t, name);
        }
    }
    let median_of = |want: bool| {
        let mut v: Vec<f64> =
            times.iter().zip(&classes).filter(|(_, r)| **r == want).map(|(t, _)| *t).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    Outcome {
        n,
        fixed_median: median_of(false),
        random_median: median_of(true),
        t_all,
        t_max,
        crop_at,
        resolution,
    }
}

fn row(subject: &str, fixed: &str, o: &Outcome) {
    let verdict = if o.t_max.abs() > 4.5 { "**leak** (|t| > 4.5)" } else { "no leak seen" };
    println!(
        "| {subject} | {fixed} | {} | {:.1} µs | {:.1} µs | {:.2} | {:.2} ({}) | {:.0} ns | {verdict} |",
        o.n,
        o.fixed_median / 1e3,
        o.random_median / 1e3,
        o.t_all,
        o.t_max,
        o.crop_at,
        o.resolution
    );
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000)
        .max(1000);
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let table = CombTable::new(WINDOW).unwrap();
    let key = bearerkit::SigningKey::from_pem(bearerkit_benches::D1_GUIDE_PEM).unwrap();

    println!(
        "| subject | fixed class | measurements | median, fixed | median, random | t (all) | max \\|t\\| (crop) | resolution | verdict |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---|");

    let comb = |k: &Scalar| {
        black_box(mul_generator_with(&table, k));
    };
    for (label, k) in [("k = 1", Scalar::ONE), ("k = n − 1", -Scalar::ONE)] {
        let o = run(n, &mut rng, &k, &mut Rng::scalar, &mut |k: &Scalar| comb(k));
        row("comb k·G (constant time)", label, &o);
        eprintln!("dudect: comb {label} done");
    }

    let fixed = (key.clone(), [0x42u8; 32]);
    let o = run(
        n,
        &mut rng,
        &fixed,
        &mut |rng: &mut Rng| {
            let key = loop {
                if let Ok(k) = bearerkit::SigningKey::from_bytes(&rng.bytes()) {
                    break k;
                }
            };
            (key, rng.bytes())
        },
        &mut |(key, prehash): &(bearerkit::SigningKey, [u8; 32])| {
            black_box(sign_prehash_with(&table, key.as_p256(), prehash));
        },
    );
    row("ES256 sign, comb (constant time)", "fixed key and message", &o);
    eprintln!("dudect: sign done");

    // Control: variable time by design (public scalars only), so the test must see it.
    let base = BaseTable::new(6).unwrap();
    let o = run(n.min(20_000), &mut rng, &Scalar::ONE, &mut Rng::scalar, &mut |k: &Scalar| {
        black_box(base_mul(&base, k).unwrap());
    });
    row("control: prepared verifier's u1·G (variable time)", "k = 1", &o);

    // A finer control: the comb followed by p256's variable-time scalar inversion (safegcd
    // with early exit), a difference of a few per cent of the whole.
    let o = run(n.min(100_000), &mut rng, &Scalar::ONE, &mut Rng::scalar, &mut |k: &Scalar| {
        black_box(mul_generator_with(&table, k));
        black_box(k.invert_vartime());
    });
    row("control: comb k·G + p256's variable-time k⁻¹", "k = 1", &o);
}
