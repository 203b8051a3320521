//! Core sign and verify of a D1-sized assertion, side by side with raw `p256` ECDSA over the
//! same signing input, in one run. `benches/run.sh` adds `openssl speed ecdsap256` and writes
//! the ratios to `benches/RESULTS.md`.
#![allow(missing_docs, clippy::unwrap_used)]

use bearerkit::{PreparedVerifyingKey, verify};
use core::hint::black_box;
use criterion::{Criterion, criterion_group, criterion_main};
use p256::ecdsa::signature::{Signer, Verifier};

fn benches(c: &mut Criterion) {
    let bearerkit_benches::Fixture { key, vk, assertion, policy, token, input, raw_sk, raw_vk, raw_sig } =
        bearerkit_benches::Fixture::new();

    // Raw p256 is measured before and after bearerkit and the two are averaged, so slow
    // drift of the machine's speed during the run does not bias the ratio.
    let raw_sign = |b: &mut criterion::Bencher<'_>| {
        b.iter(|| {
            let s: p256::ecdsa::Signature = raw_sk.sign(black_box(&input));
            black_box(s);
        });
    };
    let mut g = c.benchmark_group("sign");
    g.bench_function("raw_p256", raw_sign);
    g.bench_function("bearerkit_d1_assertion", |b| {
        b.iter(|| {
            let mut buf = [0u8; 1024];
            black_box(assertion.sign(&key, &mut buf).unwrap().len());
        });
    });
    g.bench_function("bearerkit_signing_input_only", |b| {
        b.iter(|| {
            let mut buf = [0u8; 1024];
            black_box(assertion.signing_input(&mut buf).unwrap().len());
        });
    });
    g.bench_function("raw_p256_after", raw_sign);
    g.finish();

    let prepared = PreparedVerifyingKey::new(&vk);
    let raw_verify = |b: &mut criterion::Bencher<'_>| {
        b.iter(|| black_box(raw_vk.verify(black_box(&input), &raw_sig).is_ok()));
    };
    let mut g = c.benchmark_group("verify");
    g.bench_function("raw_p256", raw_verify);
    g.bench_function("bearerkit_d1_plain", |b| {
        b.iter(|| {
            let mut scratch = [0u8; 1024];
            black_box(verify(black_box(&token), &vk, &policy, &mut scratch).is_ok());
        });
    });
    g.bench_function("bearerkit_d1_prepared", |b| {
        b.iter(|| {
            let mut scratch = [0u8; 1024];
            black_box(verify(black_box(&token), &prepared, &policy, &mut scratch).is_ok());
        });
    });
    g.bench_function("raw_p256_after", raw_verify);
    g.finish();

    // Memory against speed: the same verification with each supported comb window.
    let mut g = c.benchmark_group("verify_window");
    for w in bearerkit::prepared::MIN_WINDOW..=bearerkit::prepared::MAX_WINDOW {
        let key = PreparedVerifyingKey::with_window(&vk, w).unwrap();
        g.bench_function(format!("w{w}"), |b| {
            b.iter(|| {
                let mut scratch = [0u8; 1024];
                black_box(verify(black_box(&token), &key, &policy, &mut scratch).is_ok());
            });
        });
    }
    g.finish();

    let mut g = c.benchmark_group("prepare");
    g.bench_function("prepared_key_build", |b| {
        b.iter(|| black_box(PreparedVerifyingKey::new(black_box(&vk))))
    });
    g.finish();
}

criterion_group!(core, benches);
criterion_main!(core);
