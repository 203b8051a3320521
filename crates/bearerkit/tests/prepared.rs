//! Tests of the prepared (per-key comb table) ES256 verifier against plain `p256`.
#![cfg(feature = "alloc")]

use std::sync::{Arc, OnceLock};

use bearerkit::prepared::hazmat::{base_mul, key_mul, signed_digits};
use bearerkit::prepared::{BaseTable, MAX_WINDOW, MIN_WINDOW};
use bearerkit::{Error, Es256Verifier, PreparedVerifyingKey, VerifyingKey};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::ops::Reduce;
use p256::{FieldBytes, ProjectivePoint, Scalar};
use proptest::prelude::*;

const WINDOWS: core::ops::RangeInclusive<u8> = MIN_WINDOW..=MAX_WINDOW;

/// Proptest case count: `default`, or `$PREPARED_CASES` for deeper runs (e.g. with
/// `--release`; debug-build field arithmetic is slow).
fn cases(default: u32) -> ProptestConfig {
    let n = std::env::var("PREPARED_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    ProptestConfig::with_cases(n)
}

// ---------------------------------------------------------------- helpers

fn scalar_from_bytes(bytes: [u8; 32]) -> Scalar {
    <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(bytes))
}

fn scalar_from_i64(v: i64) -> Scalar {
    let s = Scalar::from(v.unsigned_abs());
    if v < 0 { -s } else { s }
}

/// `2^bit` as a scalar (reduced mod n).
fn pow2(bit: u32) -> Scalar {
    let mut s = Scalar::ONE;
    for _ in 0..bit {
        s = s + s;
    }
    s
}

/// Edge-case scalars: around 0, around n, around 2^255 and 2^256 (reduced), all-ones.
fn edge_scalars() -> Vec<Scalar> {
    let mut v = Vec::new();
    for k in 0..=4i64 {
        v.push(scalar_from_i64(k)); // 0, 1, 2, ...
        v.push(scalar_from_i64(-k)); // n, n-1, n-2, ...
        v.push(pow2(255) + scalar_from_i64(k));
        v.push(pow2(255) - scalar_from_i64(k));
        v.push(pow2(256) - scalar_from_i64(k)); // 2^256 - k mod n
    }
    v.push(scalar_from_bytes([0xff; 32]));
    v.push(scalar_from_bytes([0x55; 32]));
    v.push(scalar_from_bytes([0xaa; 32]));
    // Long runs of "digit = 2^(w-1)" patterns for every window (carry chains).
    for w in WINDOWS {
        let mut k = Scalar::ZERO;
        for _ in 0..(256 / u32::from(w)) {
            k = k * pow2(u32::from(w)) + Scalar::from(1u64 << (w - 1));
        }
        v.push(k);
        v.push(-k);
    }
    v
}

fn scalar_strategy() -> impl Strategy<Value = Scalar> {
    let edges = edge_scalars();
    let n_edges = edges.len();
    prop_oneof![
        3 => any::<[u8; 32]>().prop_map(scalar_from_bytes),
        1 => (0..n_edges).prop_map(move |i| edges[i]),
        1 => (any::<u64>(), any::<bool>()).prop_map(|(k, neg)| {
            let s = Scalar::from(k);
            if neg { -s } else { s }
        }),
    ]
}

/// A fixed key point (deterministic) for the table tests.
fn fixed_key(seed: u8) -> VerifyingKey {
    let sk = SigningKey::from_slice(&[seed; 32]).expect("valid scalar");
    VerifyingKey::from_p256(*sk.verifying_key())
}

/// Prepared keys for every window, built once (debug builds are slow). With `std` they use
/// the process-wide base table; without, a shared one of the same window (instead of one
/// owned per key, which `new`/`with_window` would build).
fn prepared_per_window() -> &'static Vec<PreparedVerifyingKey> {
    static CELL: OnceLock<Vec<PreparedVerifyingKey>> = OnceLock::new();
    CELL.get_or_init(|| {
        WINDOWS
            .zip(base_tables())
            .map(|(w, base)| {
                if cfg!(feature = "std") {
                    PreparedVerifyingKey::with_window(&fixed_key(7), w)
                } else {
                    PreparedVerifyingKey::with_base_table(&fixed_key(7), w, Arc::clone(base))
                }
                .expect("window")
            })
            .collect()
    })
}

fn base_tables() -> &'static Vec<Arc<BaseTable>> {
    static CELL: OnceLock<Vec<Arc<BaseTable>>> = OnceLock::new();
    CELL.get_or_init(|| WINDOWS.map(|w| Arc::new(BaseTable::new(w).expect("window"))).collect())
}

fn plain_verdict(vk: &VerifyingKey, msg: &[u8], sig: &Signature) -> bool {
    vk.as_p256().verify(msg, sig).is_ok()
}

fn prepared_verdict(pk: &PreparedVerifyingKey, msg: &[u8], sig: &Signature) -> bool {
    let result = pk.verify_es256(msg, sig);
    assert!(matches!(result, Ok(()) | Err(Error::BadSignature)), "unexpected {result:?}");
    result.is_ok()
}

/// Signature from raw r, s bytes; `None` when p256 rejects the encoding (0 or ≥ n).
fn sig_from(r: [u8; 32], s: [u8; 32]) -> Option<Signature> {
    let mut bytes = [0u8; 64];
    bytes[..32].copy_from_slice(&r);
    bytes[32..].copy_from_slice(&s);
    Signature::from_slice(&bytes).ok()
}

fn small(v: u16) -> [u8; 32] {
    let mut b = [0u8; 32];
    b[30..].copy_from_slice(&v.to_be_bytes());
    b
}

/// The signature mutations checked against plain p256.
#[derive(Clone, Debug)]
enum Mutation {
    None,
    FlipR(u8),
    FlipS(u8),
    SwapRS,
    NegateS,
    NegateR,
    SmallR(u16),
    SmallS(u16),
    SmallBoth(u16, u16),
    MaxR,
    MaxS,
    FlipMsg(usize, u8),
}

fn mutation_strategy() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::None),
        any::<u8>().prop_map(Mutation::FlipR),
        any::<u8>().prop_map(Mutation::FlipS),
        Just(Mutation::SwapRS),
        Just(Mutation::NegateS),
        Just(Mutation::NegateR),
        any::<u16>().prop_map(Mutation::SmallR),
        any::<u16>().prop_map(Mutation::SmallS),
        (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Mutation::SmallBoth(a, b)),
        Just(Mutation::MaxR),
        Just(Mutation::MaxS),
        (any::<usize>(), 0u8..8).prop_map(|(i, b)| Mutation::FlipMsg(i, b)),
    ]
}

/// Apply `m`; returns the (possibly changed) message and the signature, or `None` when the
/// mutated signature is not encodable (r or s zero / ≥ n), which both sides reject.
fn mutate(msg: &[u8], sig: &Signature, m: &Mutation) -> (Vec<u8>, Option<Signature>) {
    let bytes = sig.to_bytes();
    let mut r = [0u8; 32];
    let mut s = [0u8; 32];
    r.copy_from_slice(&bytes[..32]);
    s.copy_from_slice(&bytes[32..]);
    let mut msg = msg.to_vec();
    let n_minus_1 = (-Scalar::ONE).to_bytes().into();
    let (r, s) = match *m {
        Mutation::None => (r, s),
        Mutation::FlipR(bit) => {
            r[usize::from(bit / 8)] ^= 1 << (bit % 8);
            (r, s)
        }
        Mutation::FlipS(bit) => {
            s[usize::from(bit / 8)] ^= 1 << (bit % 8);
            (r, s)
        }
        Mutation::SwapRS => (s, r),
        Mutation::NegateS => {
            let s_scalar = scalar_from_bytes(s);
            (r, (-s_scalar).to_bytes().into())
        }
        Mutation::NegateR => {
            let r_scalar = scalar_from_bytes(r);
            ((-r_scalar).to_bytes().into(), s)
        }
        Mutation::SmallR(v) => (small(v), s),
        Mutation::SmallS(v) => (r, small(v)),
        Mutation::SmallBoth(a, b) => (small(a), small(b)),
        Mutation::MaxR => (n_minus_1, s),
        Mutation::MaxS => (r, n_minus_1),
        Mutation::FlipMsg(i, bit) => {
            if msg.is_empty() {
                msg.push(0);
            }
            let len = msg.len();
            msg[i % len] ^= 1 << bit;
            (r, s)
        }
    };
    (msg, sig_from(r, s))
}

// ---------------------------------------------------------------- digits

#[test]
fn digit_edge_cases_recombine() {
    for k in edge_scalars() {
        for w in WINDOWS {
            check_digits(&k, w);
        }
    }
}

fn check_digits(k: &Scalar, w: u8) {
    let digits = signed_digits(k, w).expect("supported window");
    let half = 1i64 << (w - 1);
    assert_eq!(digits.len(), 257usize.div_ceil(usize::from(w)), "window {w}");
    for &d in &digits {
        let d = i64::from(d);
        assert!(-half < d && d <= half, "digit {d} out of range for window {w}");
    }
    assert!(*digits.last().expect("non-empty") >= 0);
    // Horner: Σ dᵢ·2^(w·i), most significant first.
    let radix = pow2(u32::from(w));
    let mut acc = Scalar::ZERO;
    for &d in digits.iter().rev() {
        acc = acc * radix + scalar_from_i64(i64::from(d));
    }
    assert_eq!(acc, *k, "window {w}");
}

#[test]
fn unsupported_windows_are_rejected() {
    let vk = fixed_key(3);
    for w in [0u8, 1, 2, 3, 9, 16, 255] {
        assert!(matches!(PreparedVerifyingKey::with_window(&vk, w), Err(Error::InvalidPolicy)));
        assert!(matches!(BaseTable::new(w), Err(Error::InvalidPolicy)));
        assert!(signed_digits(&Scalar::ONE, w).is_err());
    }
}

#[test]
fn accessors_memory_and_debug() {
    let vk = fixed_key(5);
    // A table point is two field elements of 32 bytes (x, y), on every target.
    let point = 64;
    let expected_points = [(4u8, 513usize), (5, 818), (6, 1360), (7, 2320), (8, 4097)];
    // Shared base tables are not counted.
    for (pk, (w, points)) in prepared_per_window().iter().zip(expected_points) {
        assert_eq!(pk.window(), w);
        assert_eq!(pk.memory_bytes(), points * point, "window {w}");
    }
    // Without `std` a key built by `with_window` also owns a base-point table of its window.
    let owned = PreparedVerifyingKey::with_window(&vk, 4).expect("window");
    let tables = if cfg!(feature = "std") { 1 } else { 2 };
    assert_eq!(owned.memory_bytes(), tables * 513 * point);
    for (table, (w, points)) in base_tables().iter().zip(expected_points) {
        assert_eq!(table.window(), w);
        assert_eq!(table.memory_bytes(), points * point, "window {w}");
    }
    let pk = PreparedVerifyingKey::new(&vk);
    assert_eq!(pk.window(), 6);
    assert_eq!(pk.verifying_key(), &vk);
    #[cfg(feature = "std")]
    assert!(core::ptr::eq(pk.base_table(), BaseTable::global()));
    #[cfg(not(feature = "std"))]
    assert_eq!(pk.base_table().window(), 6);
    let dbg = format!("{pk:?}");
    assert!(dbg.len() < 200, "{dbg}");
    assert!(dbg.contains("window: 6"), "{dbg}");
    let clone = pk.clone();
    assert_eq!(clone.memory_bytes(), pk.memory_bytes());
    #[cfg(feature = "std")]
    assert_eq!(BaseTable::global().window(), bearerkit::prepared::GLOBAL_BASE_WINDOW);
}

// ---------------------------------------------------------------- verification

#[test]
fn sign_verify_every_window_and_base() {
    let sk = SigningKey::from_slice(&[7; 32]).expect("key");
    let vk = fixed_key(7);
    let msg = b"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0";
    let sig: Signature = sk.sign(msg);
    let high_s =
        Signature::from_scalars(sig.r().to_bytes(), (-*sig.s()).to_bytes()).expect("n - s is in range");
    for pk in prepared_per_window() {
        assert!(prepared_verdict(pk, msg, &sig));
        assert!(prepared_verdict(pk, msg, &high_s), "high-S must be accepted");
        assert!(!prepared_verdict(pk, b"other", &sig));
    }
    assert!(plain_verdict(&vk, msg, &high_s));
    // An explicitly shared base table, every window.
    for w in WINDOWS {
        let base = Arc::new(BaseTable::new(w).expect("window"));
        let pk = PreparedVerifyingKey::with_base_table(&vk, 4 + (w % 5), base.clone()).expect("window");
        assert!(core::ptr::eq(pk.base_table(), &*base));
        assert_eq!(pk.memory_bytes(), pk.clone().memory_bytes());
        assert!(prepared_verdict(&pk, msg, &sig));
        assert!(prepared_verdict(&pk, msg, &high_s));
        assert!(!prepared_verdict(&pk, b"other", &sig));
    }
}

#[test]
fn special_prehashes_match_p256() {
    let sk = SigningKey::from_slice(&[9; 32]).expect("key");
    let vk = *sk.verifying_key();
    let pk = PreparedVerifyingKey::new(&VerifyingKey::from_p256(vk));
    let n: [u8; 32] = (-Scalar::ONE).to_bytes().into(); // n - 1
    let mut n_exact = n;
    n_exact[31] = n_exact[31].wrapping_add(1); // n (n - 1 ends in 0x50, no carry)
    let prehashes = [[0u8; 32], [0xff; 32], n, n_exact, small(1)];
    for prehash in prehashes {
        let sig: Signature = sk.sign_prehash_with(&prehash);
        let expect = vk.verify_prehash(&prehash, &sig).is_ok();
        assert!(expect);
        assert_eq!(pk.verify_prehash(&prehash, &sig).is_ok(), expect);
        for m in [Mutation::NegateS, Mutation::FlipS(3), Mutation::SmallR(1), Mutation::SwapRS] {
            let (_, mutated) = mutate(b"", &sig, &m);
            if let Some(mutated) = mutated {
                assert_eq!(
                    pk.verify_prehash(&prehash, &mutated).is_ok(),
                    vk.verify_prehash(&prehash, &mutated).is_ok(),
                    "{m:?}"
                );
            }
        }
    }
}

/// Sign a prehash directly (test helper over p256's hazmat signer).
trait SignPrehash {
    fn sign_prehash_with(&self, prehash: &[u8; 32]) -> Signature;
}

impl SignPrehash for SigningKey {
    fn sign_prehash_with(&self, prehash: &[u8; 32]) -> Signature {
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        self.sign_prehash(prehash).expect("sign")
    }
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn digits_recombine(k in scalar_strategy()) {
        for w in WINDOWS {
            check_digits(&k, w);
        }
    }

}

proptest! {
    #![proptest_config(cases(48))]

    #[test]
    fn key_table_mul_matches_p256(k in scalar_strategy()) {
        let q = ProjectivePoint::from(*fixed_key(7).as_p256().as_affine());
        let expected = q * k;
        for pk in prepared_per_window() {
            prop_assert_eq!(key_mul(pk, &k).unwrap(), expected, "window {}", pk.window());
        }
    }

    #[test]
    fn base_table_mul_matches_p256(k in scalar_strategy()) {
        let expected = ProjectivePoint::GENERATOR * k;
        for table in base_tables() {
            prop_assert_eq!(base_mul(table, &k).unwrap(), expected, "window {}", table.window());
        }
        #[cfg(feature = "std")]
        prop_assert_eq!(base_mul(BaseTable::global(), &k).unwrap(), expected);
    }

    #[test]
    fn random_key_table_mul_matches_p256(seed in any::<[u8; 32]>(), k in scalar_strategy()) {
        let sk = SigningKey::from_slice(&seed);
        prop_assume!(sk.is_ok());
        let vk = VerifyingKey::from_p256(*sk.expect("checked").verifying_key());
        let pk = PreparedVerifyingKey::with_window(&vk, 4).expect("window");
        let q = ProjectivePoint::from(*vk.as_p256().as_affine());
        prop_assert_eq!(key_mul(&pk, &k).unwrap(), q * k);
    }
}

proptest! {
    #![proptest_config(cases(32))]

    #[test]
    fn prepared_matches_p256_random_keys(
        seed in any::<[u8; 32]>(),
        msg in proptest::collection::vec(any::<u8>(), 0..96),
        mutation in mutation_strategy(),
    ) {
        let sk = SigningKey::from_slice(&seed);
        prop_assume!(sk.is_ok());
        let sk = sk.expect("checked");
        let vk = VerifyingKey::from_p256(*sk.verifying_key());
        let pk = PreparedVerifyingKey::new(&vk);
        let sig: Signature = sk.sign(&msg);
        prop_assert!(prepared_verdict(&pk, &msg, &sig));
        let (msg2, sig2) = mutate(&msg, &sig, &mutation);
        if let Some(sig2) = sig2 {
            let plain = plain_verdict(&vk, &msg2, &sig2);
            prop_assert_eq!(prepared_verdict(&pk, &msg2, &sig2), plain, "{:?}", mutation);
            if matches!(mutation, Mutation::None | Mutation::NegateS) {
                prop_assert!(plain, "unmodified / high-S signature must verify");
            }
        }
    }
}

proptest! {
    #![proptest_config(cases(96))]

    /// Fixed key, every window, many messages and mutations (tables built once).
    #[test]
    fn prepared_matches_p256_every_window(
        msg in proptest::collection::vec(any::<u8>(), 0..96),
        mutation in mutation_strategy(),
        foreign in any::<bool>(),
    ) {
        // Sign with the matching key, or with an unrelated one (must not verify).
        let sk = SigningKey::from_slice(&[if foreign { 8 } else { 7 }; 32]).expect("key");
        let vk = fixed_key(7);
        let sig: Signature = sk.sign(&msg);
        let (msg2, sig2) = mutate(&msg, &sig, &mutation);
        if let Some(sig2) = sig2 {
            let plain = plain_verdict(&vk, &msg2, &sig2);
            for pk in prepared_per_window() {
                prop_assert_eq!(prepared_verdict(pk, &msg2, &sig2), plain,
                    "window {} {:?}", pk.window(), mutation);
            }
        }
    }
}

// ---------------------------------------------------------------- x(R) ≥ n

/// `n + i` as 32 big-endian bytes (`i` small: `n − 1` ends in 0x50, the sum stays below p).
fn n_plus(i: u8) -> [u8; 32] {
    let mut bytes: [u8; 32] = (-Scalar::ONE).to_bytes().into();
    let (last, carry) = bytes[31].overflowing_add(i + 1);
    assert!(!carry, "n + {i} carries past the last byte");
    bytes[31] = last;
    bytes
}

/// The first point whose x coordinate is `n + i` for a small `i` (x in `[n, p)`), and `i`.
fn point_with_x_at_least_n() -> (ProjectivePoint, [u8; 32]) {
    (0u8..=100)
        .find_map(|i| {
            let mut sec1 = [0u8; 33];
            sec1[0] = 0x02;
            sec1[1..].copy_from_slice(&n_plus(i));
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).ok()?;
            Some((ProjectivePoint::from(*vk.as_affine()), n_plus(i)))
        })
        .expect("a curve point with x = n + i for some i ≤ 100")
}

/// A valid signature whose `R = u1·G + u2·Q` has `x(R) ≥ n`, so `r = x(R) − n` and
/// `r + n < p`: for a chosen `R`, `s` and prehash `z`, the public key
/// `Q = r⁻¹·(s·R − z·G)` makes `u1·G + u2·Q = s⁻¹·(z·G + r·Q) = R`.
fn signature_with_large_x(s: Scalar, prehash: &[u8; 32]) -> Option<(VerifyingKey, Signature, Scalar)> {
    let (big_r, x) = point_with_x_at_least_n();
    let r = scalar_from_bytes(x);
    assert_eq!(<[u8; 32]>::from(big_r.to_affine().x()), x);
    let z = scalar_from_bytes(*prehash);
    let r_inv = Option::<Scalar>::from(r.invert())?;
    let q = (big_r * s - ProjectivePoint::GENERATOR * z) * r_inv;
    let vk = p256::ecdsa::VerifyingKey::from_affine(q.to_affine()).ok()?;
    let sig = Signature::from_scalars(r.to_bytes(), s.to_bytes()).ok()?;
    Some((VerifyingKey::from_p256(vk), sig, r))
}

use p256::elliptic_curve::point::AffineCoordinates;

/// Prepared keys of every window for `vk`, sharing base tables (no per-key base table
/// without `std`).
fn prepared_every_window(vk: &VerifyingKey) -> Vec<PreparedVerifyingKey> {
    WINDOWS
        .zip(base_tables())
        .map(|(w, base)| PreparedVerifyingKey::with_base_table(vk, w, Arc::clone(base)).expect("window"))
        .collect()
}

#[test]
fn r_plus_n_below_p_is_accepted_as_p256_does() {
    let prehash = [0x5a; 32];
    let s = scalar_from_bytes([0x33; 32]);
    let (vk, sig, r) = signature_with_large_x(s, &prehash).expect("a valid key");
    // r is x(R) − n, a small number (x(R) = n + i).
    assert!(r.to_bytes()[..31].iter().all(|&b| b == 0), "r = {r:?}");
    assert!(vk.as_p256().verify_prehash(&prehash, &sig).is_ok(), "p256 accepts it");
    let mut keys = prepared_every_window(&vk);
    if cfg!(feature = "std") {
        keys.push(PreparedVerifyingKey::new(&vk));
    }
    for pk in &keys {
        assert_eq!(pk.verify_prehash(&prehash, &sig), Ok(()), "window {}", pk.window());
        // The high-S twin (R negated, same x ≥ n) is accepted; a neighbouring r, another s
        // or another prehash is refused; by both verifiers.
        let cases = [
            (r, -s, prehash, true),
            (r + Scalar::ONE, s, prehash, false),
            (r - Scalar::ONE, s, prehash, false),
            (r, s + Scalar::ONE, prehash, false),
            (r, s, [0x5b; 32], false),
        ];
        for (r2, s2, h, valid) in cases {
            let sig2 = Signature::from_scalars(r2.to_bytes(), s2.to_bytes()).expect("in range");
            assert_eq!(vk.as_p256().verify_prehash(&h, &sig2).is_ok(), valid);
            assert_eq!(pk.verify_prehash(&h, &sig2).is_ok(), valid, "window {}", pk.window());
        }
    }
}

proptest! {
    #![proptest_config(cases(8))]

    /// The same construction with random `s` and prehash, against plain `p256`.
    #[test]
    fn r_plus_n_below_p_random(s in scalar_strategy(), prehash in any::<[u8; 32]>(), window in WINDOWS) {
        prop_assume!(s != Scalar::ZERO);
        let Some((vk, sig, _)) = signature_with_large_x(s, &prehash) else { return Ok(()) };
        prop_assert!(vk.as_p256().verify_prehash(&prehash, &sig).is_ok());
        let base = Arc::clone(&base_tables()[usize::from(window - MIN_WINDOW)]);
        let pk = PreparedVerifyingKey::with_base_table(&vk, window, base).expect("window");
        prop_assert_eq!(pk.verify_prehash(&prehash, &sig), Ok(()));
        let flipped = Signature::from_scalars((*sig.r() + Scalar::ONE).to_bytes(), sig.s().to_bytes());
        if let Ok(flipped) = flipped {
            prop_assert!(pk.verify_prehash(&prehash, &flipped).is_err());
        }
    }
}

// ---------------------------------------------------------------- Wycheproof

#[test]
fn wycheproof_p1363() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/wycheproof/wycheproof_p256_sha256_p1363.json"
    );
    let text = std::fs::read_to_string(path).expect("read the Wycheproof P1363 vectors");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let groups = doc["testGroups"].as_array().expect("testGroups");
    let mut checked = 0usize;
    let mut valid = 0usize;
    for (gi, group) in groups.iter().enumerate() {
        assert_eq!(group["sha"], "SHA-256");
        let key_hex = group["publicKey"]["uncompressed"].as_str().expect("uncompressed key");
        let key_bytes = hex::decode(key_hex).expect("hex key");
        let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key_bytes).expect("valid key");
        let vk = VerifyingKey::from_p256(vk);
        // Default window for every group (`new`, except without `std` where `new` would
        // build a base-point table per group: slow in debug builds), plus one other window
        // in rotation, both sharing one base-point table.
        let rotated = 4 + u8::try_from(gi % 5).expect("small");
        let shared = Arc::clone(&base_tables()[usize::from(rotated - MIN_WINDOW)]);
        let prepared = [
            if cfg!(feature = "std") {
                PreparedVerifyingKey::new(&vk)
            } else {
                PreparedVerifyingKey::with_base_table(&vk, 6, shared.clone()).expect("window")
            },
            PreparedVerifyingKey::with_base_table(&vk, rotated, shared).expect("window"),
        ];
        for test in group["tests"].as_array().expect("tests") {
            let id = &test["tcId"];
            let msg = hex::decode(test["msg"].as_str().expect("msg")).expect("hex msg");
            let sig = hex::decode(test["sig"].as_str().expect("sig")).expect("hex sig");
            let expected = match test["result"].as_str().expect("result") {
                "valid" => true,
                "invalid" => false,
                other => panic!("tcId {id}: unexpected result {other}"),
            };
            let verdicts = match Signature::from_slice(&sig) {
                Err(_) => vec![false; prepared.len() + 1],
                Ok(sig) => {
                    let mut v = vec![plain_verdict(&vk, &msg, &sig)];
                    v.extend(prepared.iter().map(|pk| prepared_verdict(pk, &msg, &sig)));
                    v
                }
            };
            for (i, verdict) in verdicts.iter().enumerate() {
                assert_eq!(*verdict, expected, "tcId {id} verifier {i} ({})", test["comment"]);
            }
            checked += 1;
            valid += usize::from(expected);
        }
    }
    assert_eq!(checked, 262);
    assert!(valid > 100);
}
