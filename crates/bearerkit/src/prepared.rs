//! Prepared ES256 verifier: per-key precomputed *signed-window comb* tables.
//!
//! A [`PreparedVerifyingKey`] spends some memory and a one-off build time per public key
//! so that every later verification with that key is several times faster than plain
//! `p256` (which recomputes a small window table for the key on every call and spends
//! about 256 point doublings per verification).
//!
//! # Method
//!
//! ECDSA verification computes `R = u1·G + u2·Q` and checks `x(R) mod n == r`. Both scalar
//! multiplications here use a fixed-base *comb* over a signed radix-`2^w` recoding:
//!
//! * a scalar `k < n` is written as `k = Σ dᵢ·2^(w·i)` with digits `dᵢ ∈ (−2^(w−1), 2^(w−1)]`
//!   (see [`hazmat::signed_digits`]);
//! * the table holds the affine points `j·2^(w·i)·P` for every position `i` and
//!   `j = 1..=2^(w−1)`, so `k·P = Σ ±T[i][|dᵢ|]` costs one mixed point addition per non-zero
//!   digit and **no doublings at all**;
//! * `u1·G` and `u2·Q` are accumulated into one point in XYZZ coordinates
//!   (`x = X/ZZ`, `y = Y/ZZZ`) with *mixed* additions of the affine table points:
//!   8 field multiplications and 2 squarings each, against 11 multiplications and about
//!   twice the additions for `p256`'s complete projective formulas;
//! * there is no final inversion: `x(R) mod n == r` is checked as `r·ZZ == X`, or, when
//!   `r + n < p` (so that `x(R) = r + n` is possible), `(r + n)·ZZ == X`.
//!
//! These addition formulas are incomplete, so their exceptional cases are detected and
//! handled explicitly: an accumulator at infinity takes the next table point as it is, a
//! point added to itself is doubled, a point added to its opposite gives infinity (and a
//! sum that ends at infinity is refused, as `p256` refuses it). The field arithmetic is
//! `p256`'s own field element (reached through `elliptic_curve::hazmat::FieldArithmetic`),
//! so the crate keeps one arithmetic implementation. Verification runs in variable time,
//! which is fine because every input (key, message, signature) is public; signing never
//! uses this module.
//!
//! # The base-point (`G`) table
//!
//! * With feature **`std`**: one process-wide `G` table (window
//!   [`GLOBAL_BASE_WINDOW`]) is built lazily on first use behind a `std::sync::OnceLock` and
//!   shared by every prepared key (see `BaseTable::global`). This is the fast
//!   configuration (servers); a key then only costs its own table.
//! * Without `std` (`alloc` only) there is no safe lazy global in `core`, so by default each
//!   prepared key builds and owns a `G` table of its own window (twice the memory and build
//!   time of the table below). To avoid that, build one [`BaseTable`] and share it between
//!   keys via `Arc` with [`PreparedVerifyingKey::with_base_table`] (targets with
//!   pointer-sized atomics). (Falling back to `p256`'s generic `u1·G` would be *slower* than
//!   plain `p256` verification, which shares the doublings of `u1·G` and `u2·Q`.)
//!
//! # Memory, build time and speed per key
//!
//! One table point is two field elements, `x` and `y` (64 bytes, aligned to a cache line).
//! For window `w` there are `⌈257/w⌉` positions of `2^(w−1)` points (the last position needs
//! fewer), and a scalar costs at most one mixed addition per position (about half a
//! microsecond each on the machine below): the window trades memory and build time for
//! verification time.
//!
//! | window | positions | points | memory | build time | verify (prehash) |
//! |-------:|----------:|-------:|-------:|-----------:|-----------------:|
//! | 4           | 65 | 513   | 32,832 B (32 KiB)   | ≈ 0.6 ms | ≈ 0.15 × plain |
//! | 5           | 52 | 818   | 52,352 B (51 KiB)   | ≈ 0.9 ms | ≈ 0.14 × plain |
//! | 6 (default) | 43 | 1,360 | 87,040 B (85 KiB)   | ≈ 1.3 ms | ≈ 0.13 × plain |
//! | 7           | 37 | 2,320 | 148,480 B (145 KiB) | ≈ 2.1 ms | ≈ 0.12 × plain |
//! | 8           | 33 | 4,097 | 262,208 B (256 KiB) | ≈ 3.7 ms | ≈ 0.11 × plain |
//!
//! "Verify" is [`PreparedVerifyingKey::verify_prehash`] with the shared base-point table
//! (window 8), as a fraction of plain `p256` verification (≈ 370 µs on that machine); it
//! includes the scalar inversion `s⁻¹` (≈ 5 µs). Building doubles a base per position, adds
//! each row's points with mixed additions and makes the whole table affine with one batched
//! inversion, so it grows with the point count (≈ 2^w/w): the default window costs about as
//! much as three to four plain `p256` verifications. The default stays 6: one window more saves six
//! additions (about 2–3 µs, 5 %) for 60 KiB and 0.8 ms more per key. The shared process-wide
//! base-point table (`std`, window 8, the largest [`BaseTable::new`] accepts: 33 additions
//! per `u1·G`) adds 256 KiB and ≈ 4–5 ms once per process. Times were measured on a shared
//! 2-core AMD EPYC machine (x86-64, release build); use
//! [`PreparedVerifyingKey::memory_bytes`] for the exact size.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

#[cfg(target_has_atomic = "ptr")]
use alloc::sync::Arc;

use p256::ecdsa::Signature;
use p256::elliptic_curve::ops::Reduce;
use p256::{AffinePoint, ProjectivePoint, Scalar, U256};
use sha2::{Digest, Sha256};

use crate::{Error, VerifyingKey};

mod xyzz;

use xyzz::{Accumulator, Affine};

/// Smallest supported comb window (bits per digit).
pub const MIN_WINDOW: u8 = 4;
/// Largest supported comb window (bits per digit).
pub const MAX_WINDOW: u8 = 8;
/// Window used by [`PreparedVerifyingKey::new`].
pub const DEFAULT_WINDOW: u8 = 6;
/// Window of the process-wide base-point table used with feature `std`.
pub const GLOBAL_BASE_WINDOW: u8 = 8;

/// Bit length of the scalars (P-256 group order `n < 2^256`).
const SCALAR_BITS: usize = 256;
/// Most digit positions of any supported window: `⌈257 / MIN_WINDOW⌉`.
const MAX_POSITIONS: usize = (SCALAR_BITS + 1).div_ceil(MIN_WINDOW as usize);

/// Shape of a comb for one window size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Layout {
    /// Bits per digit.
    window: usize,
    /// Number of digit positions: `⌈257 / w⌉` (one spare bit for the final carry).
    positions: usize,
    /// Points per (non-last) position: `2^(w−1)`.
    stride: usize,
    /// Points in the last position: `2^(256 − w·(positions − 1))` (≤ `stride`).
    last_len: usize,
}

impl Layout {
    fn new(window: u8) -> Result<Self, Error> {
        if !(MIN_WINDOW..=MAX_WINDOW).contains(&window) {
            return Err(Error::InvalidPolicy);
        }
        Ok(Self::of(window))
    }

    /// Layout for a window already known to be in `MIN_WINDOW..=MAX_WINDOW`.
    const fn of(window: u8) -> Self {
        let window = window as usize;
        let positions = (SCALAR_BITS + 1).div_ceil(window);
        // `window·(positions − 1) ≥ 257 − window`, so `top_bits ≤ window − 1`.
        let top_bits = SCALAR_BITS.saturating_sub(window * (positions - 1));
        Self { window, positions, stride: 1 << (window - 1), last_len: 1 << top_bits }
    }
}

/// Little-endian 64-bit limbs of a scalar's canonical integer value.
fn scalar_limbs(k: &Scalar) -> [u64; 4] {
    let be = k.to_bytes();
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(be.rchunks_exact(8)) {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(chunk);
        *limb = u64::from_be_bytes(buf);
    }
    limbs
}

/// `w` bits of `limbs` starting at bit `start` (bits past 256 read as zero).
fn window_bits(limbs: &[u64; 4], start: usize, w: usize) -> u64 {
    let idx = start / 64;
    let off = start % 64;
    let lo = limbs.get(idx).map_or(0, |l| l >> off);
    let hi = if off == 0 { 0 } else { limbs.get(idx + 1).map_or(0, |l| l << (64 - off)) };
    (lo | hi) & ((1u64 << w) - 1)
}

/// Signed radix-`2^w` recoding into `out`; returns the number of digits written.
///
/// `None` if a window's bits do not fit a digit, which cannot happen for the supported
/// windows (at most 8 bits): the caller then refuses, rather than dropping the digit.
fn recode(k: &Scalar, layout: &Layout, out: &mut [i16; MAX_POSITIONS]) -> Option<usize> {
    let limbs = scalar_limbs(k);
    let w = layout.window;
    // `stride = 2^(w−1)` and `2^w` are ≤ 256 for the supported windows, so they fit in i16.
    let half = i16::try_from(layout.stride).ok()?;
    let full = half.checked_mul(2)?;
    let mut carry = 0i16;
    for (i, digit) in out.iter_mut().take(layout.positions).enumerate() {
        let raw = i16::try_from(window_bits(&limbs, i * w, w)).ok()?;
        let mut v = raw + carry;
        if v > half {
            v -= full;
            carry = 1;
        } else {
            carry = 0;
        }
        *digit = v;
    }
    // The last position has at least one spare bit, so the final carry is always 0.
    (carry == 0).then_some(layout.positions)
}

/// A fixed-base comb: `points[i·stride + j] = (j+1)·2^(w·i)·P`.
#[derive(Clone)]
struct Comb {
    layout: Layout,
    points: Box<[Affine]>,
}

impl Comb {
    /// The comb of `point` (see [`xyzz::comb_points`]); an empty table for the identity,
    /// which refuses every signature.
    fn new(point: &AffinePoint, layout: Layout) -> Self {
        let mut rows = [layout.stride; MAX_POSITIONS];
        let rows = rows.get_mut(..layout.positions).unwrap_or_default();
        if let Some(last) = rows.last_mut() {
            *last = layout.last_len;
        }
        let points =
            Affine::from_p256(point).map(|p| xyzz::comb_points(&p, layout.window, rows)).unwrap_or_default();
        Self { layout, points: points.into_boxed_slice() }
    }

    fn memory_bytes(&self) -> usize {
        size_of_val::<[Affine]>(&self.points)
    }

    /// `acc += k·P`: one mixed addition (or subtraction) per non-zero digit.
    ///
    /// A digit whose table point is missing cannot happen with a table built by
    /// [`Comb::new`] for the same layout; if a future change ever broke that, the result
    /// is an error (and the signature is refused), never a sum with a digit left out.
    fn mul_add(&self, acc: &mut Accumulator, k: &Scalar) -> Result<(), Error> {
        let mut digits = [0i16; MAX_POSITIONS];
        let len = recode(k, &self.layout, &mut digits).ok_or(Error::BadSignature)?;
        let stride = self.layout.stride;
        for (i, &d) in digits.iter().take(len).enumerate() {
            if d == 0 {
                continue;
            }
            let idx = i * stride + usize::from(d.unsigned_abs()) - 1;
            let p = self.points.get(idx).ok_or(Error::BadSignature)?;
            acc.add(p, d < 0);
        }
        Ok(())
    }

    fn mul(&self, k: &Scalar) -> Result<ProjectivePoint, Error> {
        let mut acc = Accumulator::IDENTITY;
        self.mul_add(&mut acc, k)?;
        acc.to_projective().ok_or(Error::BadSignature)
    }
}

/// A precomputed comb table for the P-256 base point `G`, shareable between prepared keys.
///
/// With feature `std` a process-wide instance (`BaseTable::global`) is used automatically;
/// without `std` each prepared key owns one unless you build one and pass it (in an `Arc`)
/// to [`PreparedVerifyingKey::with_base_table`]. Memory and build time are those of a key
/// table of the same window (see the [module docs](self)).
#[derive(Clone)]
pub struct BaseTable {
    comb: Comb,
}

impl BaseTable {
    /// Build the base-point table with the given window (`4..=8`).
    ///
    /// # Errors
    /// [`Error::InvalidPolicy`] when `window` is outside [`MIN_WINDOW`]`..=`[`MAX_WINDOW`].
    pub fn new(window: u8) -> Result<Self, Error> {
        let layout = Layout::new(window)?;
        Ok(Self { comb: Comb::new(&AffinePoint::GENERATOR, layout) })
    }

    /// The process-wide base-point table (window [`GLOBAL_BASE_WINDOW`]), built on first use.
    #[cfg(feature = "std")]
    #[must_use]
    pub fn global() -> &'static Self {
        static GLOBAL: std::sync::OnceLock<BaseTable> = std::sync::OnceLock::new();
        GLOBAL
            .get_or_init(|| Self { comb: Comb::new(&AffinePoint::GENERATOR, Layout::of(GLOBAL_BASE_WINDOW)) })
    }

    /// Window (bits per digit) of this table.
    #[must_use]
    pub fn window(&self) -> u8 {
        u8::try_from(self.comb.layout.window).unwrap_or(0)
    }

    /// Size of the table in bytes.
    #[must_use]
    pub fn memory_bytes(&self) -> usize {
        self.comb.memory_bytes()
    }
}

impl fmt::Debug for BaseTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BaseTable")
            .field("window", &self.comb.layout.window)
            .field("memory_bytes", &self.memory_bytes())
            .finish()
    }
}

/// Where the base-point table comes from.
#[derive(Clone)]
enum Base {
    /// The process-wide table (`std`).
    #[cfg(feature = "std")]
    Global(&'static BaseTable),
    /// A caller-supplied shared table.
    #[cfg(target_has_atomic = "ptr")]
    Shared(Arc<BaseTable>),
    /// A table owned by this key (default without `std`).
    #[cfg_attr(feature = "std", allow(dead_code))]
    Owned(Box<BaseTable>),
}

impl Base {
    /// The process-wide table with `std`; otherwise a table of `layout` owned by the key.
    fn default_for(layout: Layout) -> Self {
        #[cfg(feature = "std")]
        {
            let _ = layout;
            Self::Global(BaseTable::global())
        }
        #[cfg(not(feature = "std"))]
        {
            Self::Owned(Box::new(BaseTable { comb: Comb::new(&AffinePoint::GENERATOR, layout) }))
        }
    }

    fn table(&self) -> &BaseTable {
        match self {
            #[cfg(feature = "std")]
            Self::Global(table) => table,
            #[cfg(target_has_atomic = "ptr")]
            Self::Shared(table) => table,
            Self::Owned(table) => table,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            #[cfg(feature = "std")]
            Self::Global(_) => "global",
            #[cfg(target_has_atomic = "ptr")]
            Self::Shared(_) => "shared",
            Self::Owned(_) => "owned",
        }
    }
}

/// An ES256 verifying key with precomputed comb tables for fast repeated verification.
///
/// Holds the original [`VerifyingKey`] and a signed-window comb table of the key point
/// (see the [module docs](self) for the method, the memory per window and build time).
/// Verification gives exactly the same verdict as `p256::ecdsa::VerifyingKey::verify`
/// (including accepting high-S signatures) for every input, in about an eighth of the
/// time with feature `std` (shared base-point table).
///
/// Memory per key: window 4: 32 KiB, 5: 51 KiB, **6 (default): 85 KiB**, 7: 145 KiB,
/// 8: 256 KiB (twice that without `std` unless the base-point table is shared); build time
/// is ≈ 1.3 ms for the default window.
/// `Clone` copies the table; wrap the key in an `Arc` to share it instead.
#[derive(Clone)]
pub struct PreparedVerifyingKey {
    key: VerifyingKey,
    table: Comb,
    base: Base,
}

impl PreparedVerifyingKey {
    /// Prepare `key` with the default window ([`DEFAULT_WINDOW`] = 6, 85 KiB).
    ///
    /// Takes ≈ 1.3 ms (plus, once per process with `std`, ≈ 4–5 ms for the shared base-point
    /// table; without `std`, the same again for the key's own base-point table).
    #[must_use]
    pub fn new(key: &VerifyingKey) -> Self {
        let layout = Layout::of(DEFAULT_WINDOW);
        Self::build(key, layout, Base::default_for(layout))
    }

    /// Prepare `key` with a window of `window` bits (`4..=8`; memory per window in the
    /// [module docs](self)).
    ///
    /// # Errors
    /// [`Error::InvalidPolicy`] when `window` is outside [`MIN_WINDOW`]`..=`[`MAX_WINDOW`].
    pub fn with_window(key: &VerifyingKey, window: u8) -> Result<Self, Error> {
        let layout = Layout::new(window)?;
        Ok(Self::build(key, layout, Base::default_for(layout)))
    }

    /// Prepare `key` with a window of `window` bits and a caller-built, shared base-point
    /// table (the way to get the full speed-up without `std`).
    ///
    /// # Errors
    /// [`Error::InvalidPolicy`] when `window` is outside [`MIN_WINDOW`]`..=`[`MAX_WINDOW`].
    #[cfg(target_has_atomic = "ptr")]
    pub fn with_base_table(key: &VerifyingKey, window: u8, base: Arc<BaseTable>) -> Result<Self, Error> {
        let layout = Layout::new(window)?;
        Ok(Self::build(key, layout, Base::Shared(base)))
    }

    fn build(key: &VerifyingKey, layout: Layout, base: Base) -> Self {
        Self { key: *key, table: Comb::new(key.as_p256().as_affine(), layout), base }
    }

    /// Window (bits per digit) of the key table.
    #[must_use]
    pub fn window(&self) -> u8 {
        u8::try_from(self.table.layout.window).unwrap_or(0)
    }

    /// Heap bytes of the tables this key owns: its own comb table, plus the base-point
    /// table when the key owns one (the default without `std`). A shared base-point table
    /// (the process-wide one with `std`, or one passed to
    /// [`with_base_table`](Self::with_base_table)) is not counted.
    #[must_use]
    pub fn memory_bytes(&self) -> usize {
        let base = match &self.base {
            Base::Owned(table) => table.memory_bytes(),
            #[cfg(any(feature = "std", target_has_atomic = "ptr"))]
            _ => 0,
        };
        self.table.memory_bytes() + base
    }

    /// The original verifying key.
    #[must_use]
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// The base-point table used for `u1·G` (the shared process-wide one with `std`).
    #[must_use]
    pub fn base_table(&self) -> &BaseTable {
        self.base.table()
    }

    /// Verify `signature` over a SHA-256 `prehash` (the digest of the JWS signing input).
    ///
    /// Same verdict as `p256`'s `PrehashVerifier::verify_prehash` with a 32-byte prehash;
    /// high-S signatures are accepted.
    ///
    /// # Errors
    /// [`Error::BadSignature`] when the signature does not verify.
    pub fn verify_prehash(&self, prehash: &[u8; 32], signature: &Signature) -> Result<(), Error> {
        let z = <Scalar as Reduce<U256>>::reduce(&U256::from_be_slice(prehash));
        let (r, s) = signature.split_scalars();
        let s_inv = Option::<Scalar>::from(s.invert_vartime()).ok_or(Error::BadSignature)?;
        let u1 = z * s_inv;
        let u2 = *r * s_inv;

        let mut acc = Accumulator::IDENTITY;
        self.base.table().comb.mul_add(&mut acc, &u1)?;
        self.table.mul_add(&mut acc, &u2)?;

        // `x(R) mod n == r` without an inversion. A sum equal to the identity has no x and is
        // refused (p256 maps it to x = 0, which never equals r ≠ 0: the same verdict).
        if acc.x_reduces_to(&r) { Ok(()) } else { Err(Error::BadSignature) }
    }
}

impl fmt::Debug for PreparedVerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedVerifyingKey")
            .field("window", &self.table.layout.window)
            .field("memory_bytes", &self.memory_bytes())
            .field("base_table", &self.base.name())
            .finish()
    }
}

impl crate::verify::Es256Verifier for PreparedVerifyingKey {
    fn verify_es256(&self, signing_input: &[u8], signature: &Signature) -> Result<(), Error> {
        let digest: [u8; 32] = Sha256::digest(signing_input).into();
        self.verify_prehash(&digest, signature)
    }
}

/// <div class="warning">
///
/// **Hazardous: never call these with a secret scalar.** They run in variable time: which
/// table entries are read and how many point additions are made depend on the scalar's
/// digits, so its value leaks through timing and cache behaviour. They are right for
/// verification only because every input there (key, message, signature) is public.
/// Signing never uses them.
///
/// </div>
///
/// Variable-time scalar multiplications with the prepared tables, exposed for tests and
/// benchmarks.
pub mod hazmat {
    use super::{
        BaseTable, Error, Layout, MAX_POSITIONS, PreparedVerifyingKey, ProjectivePoint, Scalar, Vec, recode,
    };

    /// Signed radix-`2^window` digits of `k` (least significant first), as used by the comb.
    ///
    /// Returns `⌈257/window⌉` digits `dᵢ ∈ (−2^(window−1), 2^(window−1)]` with
    /// `Σ dᵢ·2^(window·i) = k` (as integers, hence also mod `n`). Variable time.
    ///
    /// # Errors
    /// [`Error::InvalidPolicy`] when `window` is outside
    /// [`MIN_WINDOW`](super::MIN_WINDOW)`..=`[`MAX_WINDOW`](super::MAX_WINDOW).
    pub fn signed_digits(k: &Scalar, window: u8) -> Result<Vec<i16>, Error> {
        let layout = Layout::new(window)?;
        let mut digits = [0i16; MAX_POSITIONS];
        let len = recode(k, &layout, &mut digits).ok_or(Error::InvalidPolicy)?;
        Ok(digits.get(..len).unwrap_or(&[]).to_vec())
    }

    /// `k·G` with a base-point table. Variable time: public scalars only.
    ///
    /// # Errors
    /// [`Error::BadSignature`] if the table lacks a point a digit needs (cannot happen for
    /// a table built by [`BaseTable::new`]).
    pub fn base_mul(table: &BaseTable, k: &Scalar) -> Result<ProjectivePoint, Error> {
        table.comb.mul(k)
    }

    /// `k·Q` with a prepared key's table (`Q` its public point). Variable time: public
    /// scalars only.
    ///
    /// # Errors
    /// As [`base_mul`].
    pub fn key_mul(key: &PreparedVerifyingKey, k: &Scalar) -> Result<ProjectivePoint, Error> {
        key.table.mul(k)
    }
}

#[cfg(test)]
mod tests {
    use super::{Accumulator, AffinePoint, Comb, Layout, ProjectivePoint, Scalar};

    /// A table that lacks a point a digit needs is an error, never a sum without that digit.
    #[test]
    fn a_missing_table_point_is_an_error() {
        let layout = Layout::of(4);
        let mut comb = Comb::new(&AffinePoint::GENERATOR, layout);
        let full = comb.mul(&Scalar::from(0x0f0f_u64));
        assert_eq!(full, Ok(ProjectivePoint::GENERATOR * Scalar::from(0x0f0f_u64)));
        comb.points = comb.points.get(..3).unwrap_or_default().into();
        let mut acc = Accumulator::IDENTITY;
        assert_eq!(comb.mul_add(&mut acc, &Scalar::from(0x0f0f_u64)), Err(crate::Error::BadSignature));
        assert!(comb.mul(&Scalar::from(0x0f0f_u64)).is_err());
    }
}
