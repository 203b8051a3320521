//! Strict JSON scanner: time per byte from 8 KiB to 1 MiB, on an adversarial shape and on
//! ordinary claims. The duplicate-member check must keep the work linear in the input
//! whatever `max_bytes` a caller allows, so the ns/byte column should stay flat.
//!
//! `cargo bench -p bearerkit-benches --bench json` prints a Markdown table (also written by
//! `benches/run.sh` into `benches/RESULTS.md`). No thresholds: numbers only.
#![allow(missing_docs, clippy::unwrap_used, clippy::cast_precision_loss)]

use bearerkit::json::{MAX_DEPTH, MAX_MEMBERS, validate_object};
use core::hint::black_box;
use core::time::Duration;
use std::time::Instant;

/// A document of about the given size.
type Shape = fn(usize) -> Vec<u8>;

/// Nested objects, each holding one large value (the next object, or a long string at
/// the bottom) followed by the most small members an object may have: every member name
/// of every level comes after a large value, which is what made the old duplicate check
/// (re-reading the earlier members for each name) quadratic.
fn adversarial(size: usize, depth: usize) -> Vec<u8> {
    let tail: String = (0..MAX_MEMBERS - 1).map(|i| format!(",\"m{i}\":{i}")).collect();
    let overhead = depth * ("{\"v\":".len() + tail.len() + 1) + 2;
    let filler = size.saturating_sub(overhead).max(1);
    let mut doc = String::with_capacity(size + 64);
    for _ in 0..depth {
        doc.push_str("{\"v\":");
    }
    doc.push('"');
    doc.push_str(&"x".repeat(filler));
    doc.push('"');
    for _ in 0..depth {
        doc.push_str(&tail);
        doc.push('}');
    }
    doc.into_bytes()
}

/// Ordinary claims: registered claims plus private members, some nested, repeated (with
/// distinct names) until the document reaches `size` bytes; at most 128 members per object.
fn ordinary(size: usize) -> Vec<u8> {
    let mut doc = String::from(
        r#"{"iss":"MGW_ISSUER_0001","sub":"MGW_ISSUER_0001","aud":["prd","https://as.example/token"],"exp":1700000900,"iat":1700000000,"jti":"7f1c2d3e4b5a69788796a5b4c3d2e1f0""#,
    );
    let mut group = 0usize;
    while doc.len() < size {
        doc.push_str(&format!(",\"g{group}\":{{"));
        let mut first = true;
        for i in 0..MAX_MEMBERS {
            if doc.len() >= size {
                break;
            }
            if !first {
                doc.push(',');
            }
            first = false;
            doc.push_str(&format!(
                r#""claim_{i}":{{"name":"value \"{i}\" é","n":{i}.5e1,"ok":true,"list":[1,2,{{"k":null}}]}}"#
            ));
        }
        doc.push('}');
        group += 1;
        if group >= MAX_MEMBERS - 8 {
            break;
        }
    }
    doc.push('}');
    doc.into_bytes()
}

/// Median time of one validation, over enough runs to fill about `budget`.
fn time(doc: &[u8], budget: Duration) -> Duration {
    assert_eq!(validate_object(doc), Ok(()), "the benchmark documents are valid");
    let once = {
        let t = Instant::now();
        black_box(validate_object(black_box(doc))).unwrap();
        t.elapsed().max(Duration::from_nanos(1))
    };
    let runs = (budget.as_nanos() / once.as_nanos()).clamp(5, 10_000) as usize;
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(validate_object(black_box(doc))).unwrap();
            t.elapsed()
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn main() {
    // `cargo bench` passes `--bench`; a size list may follow for quick runs.
    let sizes = [8 << 10, 64 << 10, 256 << 10, 1 << 20];
    println!("## Strict JSON scanner: time per byte (`cargo bench -p bearerkit-benches --bench json`)");
    println!();
    println!("CPU: {}. Median of repeated `json::validate_object` calls per size; the ordinary", cpu_model());
    println!("shape is registered claims plus nested private members (at most 128 per object); the");
    println!(
        "adversarial shapes are N nested objects, each a large value followed by {} members (N = 6,",
        MAX_MEMBERS - 1
    );
    println!(
        "which fits in 8 KiB, and N = {}, the deepest allowed, whose members alone take 72 KiB).",
        MAX_DEPTH - 1
    );
    println!();
    println!("| shape | size | time | ns per byte |");
    println!("|---|---:|---:|---:|");
    let shapes: [(&str, Shape); 3] = [
        ("ordinary claims", ordinary),
        ("adversarial, 6 levels", |size| adversarial(size, 6)),
        ("adversarial, 63 levels", |size| adversarial(size, MAX_DEPTH - 1)),
    ];
    for (name, make) in shapes {
        for size in sizes {
            let doc = make(size);
            if doc.len() > size + size / 8 {
                continue; // this shape does not fit in `size`
            }
            let t = time(&doc, Duration::from_millis(700));
            let per_byte = t.as_nanos() as f64 / doc.len() as f64;
            println!(
                "| {name} | {} KiB | {:.1} µs | {per_byte:.2} |",
                doc.len() / 1024,
                t.as_nanos() as f64 / 1000.0
            );
        }
    }
}
