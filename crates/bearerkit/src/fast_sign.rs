//! Constant-time ES256 signing with a wide fixed-base comb (feature `fast-sign`).
//!
//! ECDSA signing is dominated by `R = k·G`. With feature `fast-sign` (`alloc` and atomics, no `std`:
//! `wasm32-unknown-unknown` included),
//! [`crate::SigningKey`] computes it here instead of with `p256`'s own radix-16 table, then
//! finishes ECDSA exactly as `p256` does, so every signature is byte-identical to `p256`'s:
//!
//! * the nonce `k` comes from RFC 6979 (HMAC-DRBG with SHA-256 over the private scalar and
//!   the message digest, `rfc6979::KGenerator`, the generator `p256`'s ECDSA uses);
//! * `r = x(R) mod n` and `s = k⁻¹·(z + r·d) mod n` with `p256`'s scalar arithmetic (the
//!   inversion of `k` in constant time), and **no** low-S normalisation (`p256` does none
//!   for P-256 either).
//!
//! # Method
//!
//! `k` is recoded into signed radix-`2^w` digits `k = Σ dᵢ·2^(w·i)`, `dᵢ ∈ (−2^(w−1), 2^(w−1)]`
//! (`⌈257/w⌉` positions: one spare bit for the final carry), without branches. A table built
//! once per process holds, for every position `i`, the affine points `j·2^(w·i)·G` for
//! `j = 1..=2^(w−1)`, so `k·G = Σ ±T[i][|dᵢ|]` costs one point addition per position and no
//! doublings. Each position:
//!
//! * reads **every** entry of its row and keeps the one it needs with `subtle`'s conditional
//!   selection (the memory touched and the instructions run do not depend on `k`);
//! * negates `y` by conditional selection when `dᵢ < 0`;
//! * adds the point with the complete mixed addition of Renes, Costello and Batina (2015,
//!   Algorithm 5, `a = −3`) in projective coordinates, which is correct for every input
//!   (the accumulator at infinity, equal or opposite points) without a branch;
//! * keeps the previous accumulator, again by conditional selection, when `dᵢ = 0`.
//!
//! The field arithmetic is `p256`'s own field element (constant time). The final `x(R)` takes
//! one constant-time field inversion. The feature turns on `subtle`'s `core_hint_black_box`
//! (for `p256` too: one `subtle` in the build), so that making a `Choice` is an inlined
//! `core::hint::black_box` rather than a call to a volatile read: that halves the cost of a
//! row scan. Both are optimisation barriers on a best-effort basis; the timing test in the
//! benchmarks measures the result.
//!
//! # Window, memory and cost
//!
//! [`WINDOW`] is 7: 37 positions, 36 rows of 64 points and a last row of 16 (2,320 points of
//! 64 bytes: 148,480 bytes, 145 KiB), built on first use behind `once_cell`'s `OnceBox` in
//! about 4 ms (about 33 µs saved per signature pays it back after about a hundred
//! signatures). One signature then costs 36 complete mixed additions and reads all
//! 2,320 table entries (the first position is selected, not added). Windows 6 and 8 measure
//! within a few per cent of 7 (6: 85 KiB, 8: 256 KiB and a longer scan); 4 and 5 are slower.
//! A table as constants would save the build but put 145 KiB into every binary that signs,
//! also those that sign once; the run-time table costs nothing until the first signature. See
//! `benches/RESULTS.md` for the measured speed per window and the
//! statistical timing test (dudect-style) of this code.

use core::fmt;

use p256::ecdsa::Signature;
use p256::elliptic_curve::Curve;
use p256::elliptic_curve::ff::PrimeField;
use p256::elliptic_curve::group::{Curve as _, Group as _};
use p256::elliptic_curve::hazmat::FieldArithmetic;
use p256::elliptic_curve::ops::{Invert, Reduce};
use p256::elliptic_curve::point::AffineCoordinates;
use p256::elliptic_curve::subtle::{
    Choice, ConditionallyNegatable, ConditionallySelectable, ConstantTimeEq, CtOption,
};
use p256::{AffinePoint, FieldBytes, NistP256, NonZeroScalar, ProjectivePoint, Scalar, U256};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use alloc::vec::Vec;

/// `p256`'s field element (integers modulo `p`), which `p256` 0.14 does not name.
type Fe = <NistP256 as FieldArithmetic>::FieldElement;

/// Bits per signed digit of the signing comb.
pub const WINDOW: u8 = 7;
/// Smallest window [`CombTable::new`] accepts.
pub const MIN_WINDOW: u8 = 4;
/// Largest window [`CombTable::new`] accepts.
pub const MAX_WINDOW: u8 = 8;

/// Bit length of the scalars (`n < 2^256`).
const SCALAR_BITS: usize = 256;
/// Most positions of any window: `⌈257 / MIN_WINDOW⌉`.
const MAX_POSITIONS: usize = (SCALAR_BITS + 1).div_ceil(MIN_WINDOW as usize);

/// A finite affine point as the canonical integers of its coordinates: 64 bytes, aligned to
/// a cache line. Selecting plain machine words costs less than half of selecting `p256`'s
/// field elements; the selected point then takes two conversions into field elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[repr(align(64))]
struct Entry {
    x: U256,
    y: U256,
}

impl Entry {
    fn from_p256(p: &AffinePoint) -> Self {
        Self { x: U256::from_be_slice(&p.x()), y: U256::from_be_slice(&p.y()) }
    }

    /// `self = other` when `choice` is set, word by word with `subtle`.
    fn conditional_assign(&mut self, other: &Self, choice: Choice) {
        for (dst, src) in self.x.as_mut_words().iter_mut().zip(other.x.as_words()) {
            dst.conditional_assign(src, choice);
        }
        for (dst, src) in self.y.as_mut_words().iter_mut().zip(other.y.as_words()) {
            dst.conditional_assign(src, choice);
        }
    }

    /// The coordinates as field elements (the table's values are below `p`).
    fn to_fe(self) -> (Fe, Fe) {
        (Fe::from_uint(&self.x).unwrap_or(Fe::ZERO), Fe::from_uint(&self.y).unwrap_or(Fe::ZERO))
    }
}

/// A point in homogeneous projective coordinates `(X : Y : Z)`, `x = X/Z`, `y = Y/Z`;
/// the identity is `(0 : 1 : 0)`.
#[derive(Clone, Copy, Debug)]
struct Proj {
    x: Fe,
    y: Fe,
    z: Fe,
}

impl Proj {
    const IDENTITY: Self = Self { x: Fe::ZERO, y: Fe::ONE, z: Fe::ZERO };

    fn conditional_assign(&mut self, other: &Self, choice: Choice) {
        self.x.conditional_assign(&other.x, choice);
        self.y.conditional_assign(&other.y, choice);
        self.z.conditional_assign(&other.z, choice);
    }

    /// `self + (x2, y2)`: the complete mixed addition of Renes–Costello–Batina 2015,
    /// Algorithm 5 (`a = −3`), correct for every `self` (the identity, `±(x2, y2)` included)
    /// and every finite affine `(x2, y2)`. 11 multiplications, 2 by `b`, no branch.
    fn add_mixed(&self, x2: &Fe, y2: &Fe, b: &Fe) -> Self {
        let xx = self.x * x2;
        let yy = self.y * y2;
        let xy_pairs = ((self.x + self.y) * (*x2 + y2)) - (xx + yy);
        let yz_pairs = (*y2 * self.z) + self.y;
        let xz_pairs = (*x2 * self.z) + self.x;

        let bz_part = xz_pairs - (*b * self.z);
        let bz3_part = bz_part.double() + bz_part;
        let yy_m_bzz3 = yy - bz3_part;
        let yy_p_bzz3 = yy + bz3_part;

        let z3 = self.z.double() + self.z;
        let bxz_part = (*b * xz_pairs) - (z3 + xx);
        let bxz3_part = bxz_part.double() + bxz_part;
        let xx3_m_zz3 = xx.double() + xx - z3;

        Self {
            x: (yy_p_bzz3 * xy_pairs) - (yz_pairs * bxz3_part),
            y: (yy_p_bzz3 * yy_m_bzz3) + (xx3_m_zz3 * bxz3_part),
            z: (yy_m_bzz3 * yz_pairs) + (xy_pairs * xx3_m_zz3),
        }
    }

    /// The affine `x` coordinate in constant time; `None` for the identity.
    fn x(&self) -> CtOption<Fe> {
        self.z.invert().map(|z_inv| self.x * z_inv)
    }

    /// As a `p256` point (tests and hazmat).
    fn to_p256(self) -> ProjectivePoint {
        let Some(z_inv) = Option::<Fe>::from(self.z.invert()) else {
            return ProjectivePoint::IDENTITY;
        };
        let x = (self.x * z_inv).to_repr();
        let y = (self.y * z_inv).to_repr();
        Option::<AffinePoint>::from(AffinePoint::from_coordinates(&x, &y))
            .map_or(ProjectivePoint::IDENTITY, ProjectivePoint::from)
    }
}

/// The curve's `b`, from the generator: `y² − x³ + 3x` (the curve is `y² = x³ − 3x + b`).
fn curve_b() -> Fe {
    let g = AffinePoint::GENERATOR;
    let x = Option::<Fe>::from(Fe::from_repr(g.x())).unwrap_or(Fe::ZERO);
    let y = Option::<Fe>::from(Fe::from_repr(g.y())).unwrap_or(Fe::ZERO);
    y.square() - x.square() * x + x.double() + x
}

/// A signed digit as (magnitude, negative: 0 or 1), computed without branches.
#[derive(Clone, Copy, Default)]
struct Digit {
    magnitude: u32,
    negative: u8,
}

/// Signed radix-`2^w` recoding of `k` in constant time: `positions` digits
/// `dᵢ ∈ (−2^(w−1), 2^(w−1)]` with `Σ dᵢ·2^(w·i) = k`. Which bits are read depends only on
/// `w` (public); the digit values are computed with arithmetic, not branches.
fn recode(k: &Scalar, window: usize, positions: usize, out: &mut [Digit; MAX_POSITIONS]) {
    let mut be = k.to_bytes();
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(be.rchunks_exact(8)) {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(chunk);
        *limb = u64::from_be_bytes(buf);
        buf.zeroize();
    }
    be.zeroize();
    let mask = (1u64 << window) - 1;
    let half = 1i64 << (window - 1);
    let full = 1i64 << window;
    let mut carry = 0i64;
    for (i, digit) in out.iter_mut().take(positions).enumerate() {
        let start = i * window;
        let (idx, off) = (start / 64, start % 64);
        let lo = limbs.get(idx).map_or(0, |l| l >> off);
        let hi = if off == 0 { 0 } else { limbs.get(idx + 1).map_or(0, |l| l << (64 - off)) };
        // At most 8 bits: the cast is exact.
        #[allow(clippy::cast_possible_wrap, reason = "a value of at most 8 bits")]
        let v = ((lo | hi) & mask) as i64 + carry;
        // carry = 1 exactly when v > half: the sign bit of (half − v).
        carry = ((half - v) >> 63) & 1;
        let d = v - carry * full;
        let sign = d >> 63; // 0 or −1
        let magnitude = (d ^ sign) - sign;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "0..=128")]
        let magnitude = magnitude as u32;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "0 or 1")]
        let negative = (sign & 1) as u8;
        *digit = Digit { magnitude, negative };
    }
    limbs.zeroize();
}

/// A fixed-base comb table of `G` for constant-time signing: row `i` holds
/// `j·2^(w·i)·G` for `j = 1..=2^(w−1)` (fewer in the last row).
///
/// The process-wide table ([`CombTable::global`], window [`WINDOW`]) is the one signing
/// uses; other windows exist for benchmarks.
#[derive(Clone)]
pub struct CombTable {
    window: usize,
    positions: usize,
    stride: usize,
    last_len: usize,
    points: Vec<Entry>,
    b: Fe,
}

impl CombTable {
    /// Build the table for a window of `window` bits (`4..=8`), with `p256`'s arithmetic
    /// (all values are public multiples of `G`) and one batched inversion.
    ///
    /// # Errors
    /// [`crate::Error::InvalidPolicy`] for a window outside [`MIN_WINDOW`]`..=`[`MAX_WINDOW`].
    pub fn new(window: u8) -> Result<Self, crate::Error> {
        if !(MIN_WINDOW..=MAX_WINDOW).contains(&window) {
            return Err(crate::Error::InvalidPolicy);
        }
        let window = usize::from(window);
        let positions = (SCALAR_BITS + 1).div_ceil(window);
        let stride = 1usize << (window - 1);
        // `window·(positions − 1) ≥ 257 − window`, so the top digit is at most 2^(top bits).
        let top_bits = SCALAR_BITS.saturating_sub(window * (positions - 1));
        let last_len = (1usize << top_bits).min(stride);
        let mut projective = Vec::with_capacity(stride * (positions - 1) + last_len);
        let mut base = ProjectivePoint::GENERATOR;
        for i in 0..positions {
            let len = if i + 1 == positions { last_len } else { stride };
            let mut acc = base;
            for _ in 0..len {
                projective.push(acc);
                acc += base;
            }
            for _ in 0..window {
                base = base.double();
            }
        }
        let mut affine = alloc::vec![AffinePoint::IDENTITY; projective.len()];
        ProjectivePoint::batch_normalize(&projective, &mut affine);
        let points = affine.iter().map(Entry::from_p256).collect();
        Ok(Self { window, positions, stride, last_len, points, b: curve_b() })
    }

    /// The process-wide table (window [`WINDOW`]), built on first use.
    #[must_use]
    pub fn global() -> &'static Self {
        // Lock-free: threads that race on the first signature may each build a table; one is
        // kept and the others are dropped (the same contents, so only the time is lost).
        static GLOBAL: once_cell::race::OnceBox<CombTable> = once_cell::race::OnceBox::new();
        GLOBAL.get_or_init(|| {
            alloc::boxed::Box::new(Self::new(WINDOW).unwrap_or_else(|_| unreachable_window()))
        })
    }

    /// Window (bits per digit).
    #[must_use]
    pub fn window(&self) -> u8 {
        u8::try_from(self.window).unwrap_or(0)
    }

    /// Size of the table's points in bytes.
    #[must_use]
    pub fn memory_bytes(&self) -> usize {
        size_of_val::<[Entry]>(&self.points)
    }

    /// `k·G` in constant time (see the [module docs](self)).
    fn mul(&self, k: &Scalar) -> Proj {
        let mut digits = [Digit::default(); MAX_POSITIONS];
        recode(k, self.window, self.positions, &mut digits);
        let mut acc = Proj::IDENTITY;
        for (i, digit) in digits.iter().take(self.positions).enumerate() {
            let len = if i + 1 == self.positions { self.last_len } else { self.stride };
            let row = self.points.get(i * self.stride..i * self.stride + len).unwrap_or_default();
            // Read every entry of the row; keep the one whose multiple is |dᵢ|.
            let mut p = Entry::default();
            for (j, entry) in (1u32..).zip(row) {
                p.conditional_assign(entry, j.ct_eq(&digit.magnitude));
            }
            let (x, mut y) = p.to_fe();
            y.conditional_negate(Choice::from(digit.negative));
            let is_zero = digit.magnitude.ct_eq(&0);
            if i == 0 {
                // The accumulator is the identity: take the point itself (Z = 1), or keep
                // the identity for a zero digit.
                acc = Proj { x, y, z: Fe::ONE };
                acc.conditional_assign(&Proj::IDENTITY, is_zero);
            } else {
                let sum = acc.add_mixed(&x, &y, &self.b);
                acc.conditional_assign(&sum, !is_zero);
            }
        }
        // The digits spell the nonce: do not leave them on the stack.
        for digit in &mut digits {
            digit.magnitude.zeroize();
            digit.negative.zeroize();
        }
        acc
    }
}

#[cold]
fn unreachable_window() -> CombTable {
    // `WINDOW` is within `MIN_WINDOW..=MAX_WINDOW` (checked at compile time below).
    CombTable { window: 0, positions: 0, stride: 0, last_len: 0, points: Vec::new(), b: Fe::ZERO }
}

const _: () = assert!(WINDOW >= MIN_WINDOW && WINDOW <= MAX_WINDOW);

impl fmt::Debug for CombTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CombTable")
            .field("window", &self.window)
            .field("memory_bytes", &self.memory_bytes())
            .finish()
    }
}

/// `k·G` with the process-wide comb table, in constant time.
#[must_use]
pub fn mul_generator(k: &Scalar) -> ProjectivePoint {
    CombTable::global().mul(k).to_p256()
}

/// `k·G` with `table`, in constant time (other windows, for benchmarks).
#[must_use]
pub fn mul_generator_with(table: &CombTable, k: &Scalar) -> ProjectivePoint {
    table.mul(k).to_p256()
}

/// ECDSA over a SHA-256 `prehash` with the private scalar `d`, byte-identical to `p256`'s
/// `SigningKey::sign_prehash`: RFC 6979 nonce, `R = k·G` with `table`, no low-S
/// normalisation.
pub(crate) fn sign_prehash(table: &CombTable, d: &NonZeroScalar, prehash: &[u8; 32]) -> Signature {
    let z = <Scalar as Reduce<U256>>::reduce(&U256::from_be_slice(prehash));
    let mut d_bytes = d.to_repr();
    let order = NistP256::ORDER;
    let mut kgen = rfc6979::KGenerator::<Sha256, U256>::new(&d_bytes, prehash, &[], &order);
    d_bytes.zeroize();
    loop {
        let mut k_bytes = FieldBytes::default();
        kgen.fill_next_k(&mut k_bytes);
        let k = NonZeroScalar::from_repr(k_bytes);
        k_bytes.zeroize();
        // `fill_next_k` only yields `1 ≤ k < n`, so this is always `Some`.
        let Some(k) = Option::<NonZeroScalar>::from(k) else { continue };
        let x = table.mul(k.as_ref()).x();
        let k_inv = <NonZeroScalar as Invert>::invert(&k);
        // x(R) of the identity (which no k in [1, n) gives) would be r = 0: try the next k,
        // as p256 does.
        let x = Option::<Fe>::from(x).unwrap_or(Fe::ZERO);
        let r = <Scalar as Reduce<FieldBytes>>::reduce(&x.to_repr());
        let s = *k_inv * (z + r * d.as_ref());
        if let Ok(signature) = Signature::from_scalars(r, s) {
            return signature;
        }
    }
}

/// ECDSA (ES256) over `msg` with the process-wide table: SHA-256, then [`sign_prehash`].
pub(crate) fn sign(d: &NonZeroScalar, msg: &[u8]) -> Signature {
    let prehash: [u8; 32] = Sha256::digest(msg).into();
    sign_prehash(CombTable::global(), d, &prehash)
}

/// ES256 over a SHA-256 `prehash` with `key` (`SigningKey::as_p256`), using a given `table`
/// (benchmarks and tests; [`crate::SigningKey`] uses the process-wide table). Byte-identical
/// to `p256`.
#[must_use]
pub fn sign_prehash_with(table: &CombTable, key: &p256::ecdsa::SigningKey, prehash: &[u8; 32]) -> Signature {
    sign_prehash(table, key.as_nonzero_scalar(), prehash)
}

#[cfg(test)]
mod tests {
    use super::{CombTable, Entry, Fe, MAX_WINDOW, MIN_WINDOW, Proj, curve_b};
    use p256::elliptic_curve::ff::PrimeField;
    use p256::elliptic_curve::group::Group as _;
    use p256::elliptic_curve::ops::Reduce;
    use p256::elliptic_curve::point::AffineCoordinates;
    use p256::{AffinePoint, FieldBytes, ProjectivePoint, Scalar};
    use proptest::prelude::*;

    fn scalar(bytes: [u8; 32]) -> Scalar {
        <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(bytes))
    }

    /// The affine coordinates of `p` as field elements; `None` for the identity.
    fn coords(p: &ProjectivePoint) -> Option<(Fe, Fe)> {
        let a = p.to_affine();
        if bool::from(a.is_identity()) {
            return None;
        }
        Some((Fe::from_repr(a.x()).unwrap(), Fe::from_repr(a.y()).unwrap()))
    }

    fn entry(p: &ProjectivePoint) -> Option<Entry> {
        let a = p.to_affine();
        (!bool::from(a.is_identity())).then(|| Entry::from_p256(&a))
    }

    /// A projective form of `p` with a random-looking `Z ≠ 1` (or the identity `(0 : 1 : 0)`
    /// scaled), so the addition is exercised away from `Z = 1`.
    fn proj(p: &ProjectivePoint, z: Fe) -> Proj {
        match coords(p) {
            Some((x, y)) => Proj { x: x * z, y: y * z, z },
            None => Proj { x: Fe::ZERO, y: z, z: Fe::ZERO },
        }
    }

    /// `a + b` through the complete mixed addition against `p256`.
    fn check_add(a: &ProjectivePoint, b: &ProjectivePoint, z: Fe) -> Result<(), TestCaseError> {
        let Some((x, y)) = coords(b) else { return Ok(()) };
        let sum = proj(a, z).add_mixed(&x, &y, &curve_b());
        prop_assert_eq!(sum.to_p256(), *a + b);
        Ok(())
    }

    fn nonzero_fe(bytes: [u8; 32]) -> Fe {
        let s = scalar(bytes);
        let fe = Fe::from_repr(s.to_repr()).unwrap();
        if bool::from(fe.is_zero()) { Fe::ONE } else { fe }
    }

    /// The table's scalars of interest: 1, 2, n − 1, n − 2, small values, powers of two,
    /// long runs of zero (and of one) bits, digits at the window's edge (2^(w−1) ± 1).
    fn edge_scalars() -> alloc::vec::Vec<Scalar> {
        let mut out = alloc::vec::Vec::new();
        for k in [1u64, 2, 3, 63, 64, 65, 127, 128, 129, 255, 256, 0x4000_0000, u64::MAX] {
            out.push(Scalar::from(k));
            out.push(-Scalar::from(k));
        }
        let two = Scalar::from(2u64);
        let mut p = Scalar::ONE;
        for i in 0..256 {
            if i % 7 == 0 || i % 8 == 0 || i > 248 {
                out.push(p);
                out.push(p + Scalar::ONE);
                out.push(p - Scalar::ONE);
            }
            p *= two;
        }
        // Long runs of zeros: a high bit and a low bit only, and a pattern of sparse bytes.
        let mut bytes = [0u8; 32];
        bytes[0] = 0x80;
        bytes[31] = 0x01;
        out.push(scalar(bytes));
        let mut sparse = [0u8; 32];
        sparse[3] = 0x40;
        sparse[17] = 0x01;
        out.push(scalar(sparse));
        // All-ones runs (every digit at the carry boundary) and alternating windows.
        out.push(scalar([0xff; 32]));
        out.push(scalar([0x7f; 32]));
        out.push(scalar([0x80; 32]));
        out.push(scalar([0x40; 32]));
        out.push(scalar([0xc0; 32]));
        out
    }

    #[test]
    fn curve_b_is_p256_b() {
        let b = curve_b();
        assert_eq!(
            hex::encode(b.to_repr()),
            "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b"
        );
    }

    #[test]
    fn exceptional_additions() {
        let b = curve_b();
        let g = ProjectivePoint::GENERATOR;
        let (x, y) = coords(&g).unwrap();
        let z = Fe::from(12345u64);
        // Identity + G, G + G (doubling), −G + G (opposite: the identity), with Z ≠ 1.
        assert_eq!(proj(&ProjectivePoint::IDENTITY, z).add_mixed(&x, &y, &b).to_p256(), g);
        assert_eq!(proj(&g, z).add_mixed(&x, &y, &b).to_p256(), g.double());
        let opposite = proj(&-g, z).add_mixed(&x, &y, &b);
        assert!(bool::from(opposite.z.is_zero()));
        assert_eq!(opposite.to_p256(), ProjectivePoint::IDENTITY);
        // The identity plus −G, and −G − G.
        let neg = Fe::ZERO - y;
        assert_eq!(proj(&ProjectivePoint::IDENTITY, z).add_mixed(&x, &neg, &b).to_p256(), -g);
        assert_eq!(proj(&-g, z).add_mixed(&x, &neg, &b).to_p256(), -g.double());
    }

    #[test]
    fn comb_matches_p256_on_edge_scalars_every_window() {
        for w in MIN_WINDOW..=MAX_WINDOW {
            let table = CombTable::new(w).unwrap();
            assert_eq!(table.mul(&Scalar::ZERO).to_p256(), ProjectivePoint::IDENTITY, "window {w}: 0");
            for k in edge_scalars() {
                assert_eq!(table.mul(&k).to_p256(), ProjectivePoint::GENERATOR * k, "window {w}: {k:?}");
            }
        }
    }

    #[test]
    fn table_windows() {
        assert!(CombTable::new(MIN_WINDOW - 1).is_err());
        assert!(CombTable::new(MAX_WINDOW + 1).is_err());
        let global = CombTable::global();
        assert_eq!(global.window(), super::WINDOW);
        // 36 rows of 64 points and a last row of 2^(256 − 7·36) = 16.
        assert_eq!(global.memory_bytes(), (36 * 64 + 16) * 64);
        // Every entry is the multiple it stands for.
        for (i, row) in global.points.chunks(global.stride).enumerate() {
            for (j, e) in row.iter().enumerate() {
                let mut k = Scalar::from(j as u64 + 1);
                for _ in 0..7 * i {
                    k = k.double();
                }
                assert_eq!(Some(*e), entry(&(ProjectivePoint::GENERATOR * k)), "row {i}, multiple {}", j + 1);
            }
        }
    }

    #[test]
    fn the_identity_has_no_x() {
        assert!(bool::from(Proj::IDENTITY.x().is_none()));
        let g = AffinePoint::GENERATOR;
        let x = CombTable::global().mul(&Scalar::ONE).x().unwrap();
        assert_eq!(x.to_repr(), g.x());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The complete mixed addition against `p256`'s `ProjectivePoint` on random points:
        /// distinct points, equal points (doubling), opposite points, the identity.
        #[test]
        fn mixed_addition_matches_p256(a in any::<[u8; 32]>(), b in any::<[u8; 32]>(), z in any::<[u8; 32]>()) {
            let (a, b, z) = (scalar(a), scalar(b), nonzero_fe(z));
            let g = ProjectivePoint::GENERATOR;
            let (pa, pb) = (g * a, g * b);
            check_add(&pa, &pb, z)?;
            check_add(&pa, &pa, z)?;
            check_add(&-pa, &pa, z)?;
            check_add(&ProjectivePoint::IDENTITY, &pb, z)?;
            check_add(&(pa + pb), &-pb, z)?;
        }

        /// Comb `k·G` equals `p256`'s `k·G` for random scalars.
        #[test]
        fn comb_matches_p256(k in any::<[u8; 32]>()) {
            let k = scalar(k);
            prop_assert_eq!(CombTable::global().mul(&k).to_p256(), ProjectivePoint::GENERATOR * k);
        }

        /// Random scalars with long runs of zero bits (a few set bytes only).
        #[test]
        fn comb_matches_p256_on_sparse_scalars(
            set in proptest::collection::vec((0usize..32, any::<u8>()), 0..4),
        ) {
            let mut bytes = [0u8; 32];
            for (i, v) in set {
                bytes[i] = v;
            }
            let k = scalar(bytes);
            prop_assert_eq!(CombTable::global().mul(&k).to_p256(), ProjectivePoint::GENERATOR * k);
        }
    }
}
