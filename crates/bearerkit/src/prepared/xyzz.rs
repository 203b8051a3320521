//! Variable-time P-256 point arithmetic for the prepared verifier.
//!
//! The sum `u1·G + u2·Q` is accumulated in *XYZZ* coordinates (Cohen–Miyaji–Ono, as in the
//! Explicit-Formulas Database): a point `(X, Y, ZZ, ZZZ)` with `ZZ³ = ZZZ²` stands for the
//! affine point `(X/ZZ, Y/ZZZ)`. Every term is an affine table point, so each step is a
//! *mixed* addition (`madd-2008-s`): 8 multiplications, 2 squarings and 7 additions or
//! subtractions of field elements, against 11 multiplications and about 20 additions for
//! `p256`'s complete projective formulas. The field arithmetic is `p256`'s own field element.
//!
//! The formulas are incomplete, so the exceptional cases are detected and handled
//! explicitly: an accumulator at infinity takes the table point as it is; adding a point to
//! itself doubles it (`mdbl-2008-s-1`); adding a point to its opposite gives infinity.
//!
//! Everything here runs in variable time (branches and the number of operations depend on
//! the values): it is only for public inputs, which is what verification handles.

use p256::elliptic_curve::ff::PrimeField;
use p256::elliptic_curve::hazmat::FieldArithmetic;
use p256::elliptic_curve::point::AffineCoordinates;
use p256::{AffinePoint, FieldBytes, ProjectivePoint, Scalar};

use alloc::vec::Vec;

/// `p256`'s field element (integers modulo `p`), which `p256` 0.14 does not name.
pub(super) type Fe = <p256::NistP256 as FieldArithmetic>::FieldElement;

/// `p − n` (big-endian): the signature's `r` may stand for `x(R) = r + n` only below it.
const P_MINUS_N: [u8; 32] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x43, 0x19, 0x05, 0x53, 0x58, 0xe8, 0x61, 0x7b, 0x0c,
    0x46, 0x35, 0x3d, 0x03, 0x9c, 0xda, 0xae,
];

/// A finite affine point as two field elements: a table entry of 64 bytes (against 72 for
/// a `p256::AffinePoint`, which also carries an identity flag), aligned to 64 so that a
/// lookup touches one cache line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(align(64))]
pub(super) struct Affine {
    x: Fe,
    y: Fe,
}

impl Affine {
    /// The coordinates of `point`; `None` for the identity, which has none.
    pub(super) fn from_p256(point: &AffinePoint) -> Option<Self> {
        if bool::from(point.is_identity()) {
            return None;
        }
        let x = Option::from(Fe::from_repr(point.x()))?;
        let y = Option::from(Fe::from_repr(point.y()))?;
        Some(Self { x, y })
    }
}

/// A point in XYZZ coordinates, never the identity: `(X/ZZ, Y/ZZZ)` with `ZZ ≠ 0`.
#[derive(Clone, Copy, Debug)]
struct Xyzz {
    x: Fe,
    y: Fe,
    zz: Fe,
    zzz: Fe,
}

impl Xyzz {
    /// `±p` with `ZZ = ZZZ = 1`.
    fn from_affine(p: &Affine, negate: bool) -> Self {
        let y = if negate { -p.y } else { p.y };
        Self { x: p.x, y, zz: Fe::ONE, zzz: Fe::ONE }
    }
}

/// `2·(x, y)` for an affine point (`mdbl-2008-s-1` with `a = −3`); `None` (infinity) when
/// `y = 0`, which no point of the prime-order P-256 group has but the formulas allow for.
fn double_affine(x: &Fe, y: &Fe) -> Option<Xyzz> {
    if bool::from(y.is_zero()) {
        return None;
    }
    let u = y.double();
    let v = u.square();
    let w = u * v;
    let s = *x * v;
    let t = x.square() - Fe::ONE;
    let m = t.double() + t; // 3·x² + a with a = −3
    let x3 = m.square() - s.double();
    let y3 = m * (s - x3) - w * y;
    Some(Xyzz { x: x3, y: y3, zz: v, zzz: w })
}

/// `2·p` in XYZZ coordinates (`dbl-2008-s-1` with `a = −3`); `None` (infinity) when `y = 0`.
fn double(p: &Xyzz) -> Option<Xyzz> {
    if bool::from(p.y.is_zero()) {
        return None;
    }
    let u = p.y.double();
    let v = u.square();
    let w = u * v;
    let s = p.x * v;
    let t = (p.x - p.zz) * (p.x + p.zz);
    let m = t.double() + t; // 3·X² + a·ZZ² with a = −3
    let x3 = m.square() - s.double();
    let y3 = m * (s - x3) - w * p.y;
    Some(Xyzz { x: x3, y: y3, zz: v * p.zz, zzz: w * p.zzz })
}

/// The affine forms of `points`, with one field inversion for all of them (Montgomery's
/// trick on `ZZZ`; then `1/ZZ = (ZZ/ZZZ)²`). Empty if the inversion fails, which it cannot
/// for points of the curve (`ZZZ ≠ 0`).
fn normalize(points: &[Xyzz]) -> Vec<Affine> {
    let mut prefix = Vec::with_capacity(points.len());
    let mut product = Fe::ONE;
    for p in points {
        prefix.push(product);
        product *= p.zzz;
    }
    let Some(mut inv) = Option::<Fe>::from(product.invert()) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(points.len());
    // Backwards: `inv` is 1/(ZZZ₀ ⋯ ZZZᵢ) on entry, `prefix[i]` is ZZZ₀ ⋯ ZZZᵢ₋₁.
    for (p, before) in points.iter().zip(&prefix).rev() {
        let zzz_inv = inv * before;
        inv *= p.zzz;
        let zz_inv = (p.zz * zzz_inv).square();
        out.push(Affine { x: p.x * zz_inv, y: p.y * zzz_inv });
    }
    out.reverse();
    out
}

/// The points of a fixed-base comb for `p`: row `i` (of `row_lens.len()`) holds
/// `(j+1)·2^(window·i)·p` for `j < row_lens[i]`, rows one after another.
///
/// Row bases come from `window` doublings each and are made affine together; each row is
/// then a run of mixed additions of its base; one batched inversion makes every point
/// affine. Should any step meet the point at infinity (no point of the prime-order group
/// does), the table ends before it, and a digit that needs a missing point refuses the
/// signature.
pub(super) fn comb_points(p: &Affine, window: usize, row_lens: &[usize]) -> Vec<Affine> {
    let mut bases = Vec::with_capacity(row_lens.len());
    let mut base = Some(Xyzz::from_affine(p, false));
    for _ in row_lens {
        let Some(b) = base else { break };
        bases.push(b);
        base = (0..window).try_fold(b, |b, _| double(&b));
    }
    let bases = normalize(&bases);
    let mut points = Vec::with_capacity(row_lens.iter().sum());
    'rows: for (b, &len) in bases.iter().zip(row_lens) {
        let mut acc = Accumulator::IDENTITY;
        for _ in 0..len {
            // The second step adds the base to itself: the doubling case of `add`.
            acc.add(b, false);
            let Some(point) = acc.0 else { break 'rows };
            points.push(point);
        }
    }
    normalize(&points)
}

/// A running sum of affine points: `None` is the point at infinity (the empty sum).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Accumulator(Option<Xyzz>);

impl Accumulator {
    /// The empty sum (the point at infinity).
    pub(super) const IDENTITY: Self = Self(None);

    /// `self += p` (`self −= p` when `negate`). Variable time.
    pub(super) fn add(&mut self, p: &Affine, negate: bool) {
        let Some(a) = self.0 else {
            self.0 = Some(Xyzz::from_affine(p, negate));
            return;
        };
        // madd-2008-s, with `±p` folded into the signs: for `−p`, `r` below holds
        // `S2 + Y1 = −(−S2 − Y1)`, and the one product it enters takes the opposite sign.
        let u2 = p.x * a.zz;
        let s2 = p.y * a.zzz;
        let h = u2 - a.x;
        let r = if negate { s2 + a.y } else { s2 - a.y };
        if bool::from(h.is_zero()) {
            // Same x: the accumulator is `±p` (h = 0 means X1/ZZ1 = x).
            self.0 = if bool::from(r.is_zero()) {
                // It is the point being added: double it.
                let y = if negate { -p.y } else { p.y };
                double_affine(&p.x, &y)
            } else {
                // It is the opposite point: the sum is infinity.
                None
            };
            return;
        }
        let hh = h.square();
        let hhh = h * hh;
        let q = a.x * hh;
        let x3 = r.square() - (hhh + q.double());
        let t = if negate { x3 - q } else { q - x3 };
        let y3 = r * t - a.y * hhh;
        self.0 = Some(Xyzz { x: x3, y: y3, zz: a.zz * hh, zzz: a.zzz * hhh });
    }

    /// Whether the sum is a finite point whose x coordinate reduces to `r` modulo `n`,
    /// without an inversion: `x = X/ZZ` is compared as `r·ZZ == X`, and, when `r + n < p`
    /// (so that `x = r + n` is also a field element), as `(r + n)·ZZ == X`.
    pub(super) fn x_reduces_to(&self, r: &Scalar) -> bool {
        let Some(p) = &self.0 else {
            // The identity has no x coordinate; `p256` maps it to 0, which no `r` equals.
            return false;
        };
        let r_bytes: FieldBytes = r.to_repr();
        // `r < n < p`, so this always succeeds.
        let Some(r_fe) = Option::<Fe>::from(Fe::from_repr(r_bytes)) else {
            return false;
        };
        if r_fe * p.zz == p.x {
            return true;
        }
        // Big-endian byte strings of equal length compare as the integers they encode.
        r_bytes.as_slice() < P_MINUS_N.as_slice() && n_as_fe().is_some_and(|n| (r_fe + n) * p.zz == p.x)
    }

    /// The sum as a `p256` point (one field inversion per coordinate; tests and hazmat only).
    /// `None` cannot happen for sums of points on the curve.
    pub(super) fn to_projective(self) -> Option<ProjectivePoint> {
        let Some(p) = self.0 else {
            return Some(ProjectivePoint::IDENTITY);
        };
        let zz_inv: Fe = Option::from(p.zz.invert())?;
        let zzz_inv: Fe = Option::from(p.zzz.invert())?;
        let x = (p.x * zz_inv).to_repr();
        let y = (p.y * zzz_inv).to_repr();
        Option::<AffinePoint>::from(AffinePoint::from_coordinates(&x, &y)).map(ProjectivePoint::from)
    }
}

/// The group order `n` as a field element (`n < p`): `(n − 1) + 1`. Always `Some`.
fn n_as_fe() -> Option<Fe> {
    Option::<Fe>::from(Fe::from_repr((-Scalar::ONE).to_repr())).map(|n_minus_1| n_minus_1 + Fe::ONE)
}

#[cfg(test)]
mod tests {
    use super::{Accumulator, Affine, Fe, P_MINUS_N, n_as_fe};
    use alloc::vec::Vec;
    use p256::elliptic_curve::Group;
    use p256::elliptic_curve::ff::PrimeField;
    use p256::elliptic_curve::ops::Reduce;
    use p256::elliptic_curve::point::AffineCoordinates;
    use p256::{AffinePoint, FieldBytes, ProjectivePoint, Scalar};
    use proptest::prelude::*;

    /// The curve's `b`, from the generator: `y² − x³ + 3x`.
    fn curve_b() -> Fe {
        let g = affine(&Scalar::ONE).unwrap();
        g.y.square() - g.x.square() * g.x + g.x.double() + g.x
    }

    fn scalar(bytes: [u8; 32]) -> Scalar {
        <Scalar as Reduce<FieldBytes>>::reduce(&FieldBytes::from(bytes))
    }

    fn affine(k: &Scalar) -> Option<Affine> {
        Affine::from_p256(&(ProjectivePoint::GENERATOR * k).to_affine())
    }

    /// `Σ ±kᵢ·G` through the accumulator, against the same sum in `p256`'s arithmetic.
    fn check_sum(terms: &[(Scalar, bool)]) -> Result<(), TestCaseError> {
        let mut acc = Accumulator::IDENTITY;
        let mut expected = ProjectivePoint::IDENTITY;
        for (k, negate) in terms {
            let point = ProjectivePoint::GENERATOR * k;
            match affine(k) {
                Some(p) => acc.add(&p, *negate),
                None => continue, // k = 0: no affine point to add
            }
            expected = if *negate { expected - point } else { expected + point };
            prop_assert_eq!(acc.to_projective(), Some(expected));
        }
        Ok(())
    }

    #[test]
    fn p_minus_n_is_p_minus_n() {
        let n = n_as_fe().unwrap();
        // −n in the field is p − n; and n − 1 as a scalar is n − 1.
        assert_eq!((-n).to_repr().as_slice(), P_MINUS_N.as_slice());
        assert_eq!(n - Fe::ONE, Fe::from_repr((-Scalar::ONE).to_repr()).unwrap());
        assert_ne!(n, Fe::ZERO);
    }

    #[test]
    fn the_identity_is_not_a_table_point() {
        assert_eq!(Affine::from_p256(&AffinePoint::IDENTITY), None);
        assert!(Affine::from_p256(&AffinePoint::GENERATOR).is_some());
    }

    #[test]
    fn exceptional_cases() {
        let g = affine(&Scalar::ONE).unwrap();
        let two_g = ProjectivePoint::GENERATOR.double();
        // Infinity as accumulator, both signs.
        let mut acc = Accumulator::IDENTITY;
        acc.add(&g, true);
        assert_eq!(acc.to_projective(), Some(-ProjectivePoint::GENERATOR));
        // Opposite points: −G + G = infinity; infinity has no x.
        acc.add(&g, false);
        assert!(acc.0.is_none());
        assert!(!acc.x_reduces_to(&Scalar::ONE));
        // Equal points: G + G (the accumulator fresh from the table, Z = 1) …
        acc.add(&g, false);
        acc.add(&g, false);
        assert_eq!(acc.to_projective(), Some(two_g));
        // … and −G − G.
        let mut acc = Accumulator::IDENTITY;
        acc.add(&g, true);
        acc.add(&g, true);
        assert_eq!(acc.to_projective(), Some(-two_g));
        // Equal and opposite with an accumulator whose ZZ ≠ 1: (2G + 3G) ± 5G.
        let five = affine(&Scalar::from(5u64)).unwrap();
        let three = affine(&Scalar::from(3u64)).unwrap();
        let two = affine(&Scalar::from(2u64)).unwrap();
        let mut acc = Accumulator::IDENTITY;
        acc.add(&two, false);
        acc.add(&three, false);
        let five_g = ProjectivePoint::GENERATOR * Scalar::from(5u64);
        let mut doubled = acc;
        doubled.add(&five, false);
        assert_eq!(doubled.to_projective(), Some(five_g.double()));
        let mut cancelled = acc;
        cancelled.add(&five, true);
        assert_eq!(cancelled.to_projective(), Some(ProjectivePoint::IDENTITY));
        // Infinity reached in the middle of a sum, then more terms.
        cancelled.add(&three, true);
        assert_eq!(cancelled.to_projective(), Some(-(ProjectivePoint::GENERATOR * Scalar::from(3u64))));
    }

    /// `x(R) mod n == r` without inversion, for an `R` whose x lies in `[n, p)`.
    #[test]
    fn x_at_least_n_reduces_to_r() {
        // The smallest x ≥ n that is on the curve (found by trying n, n + 1, …).
        let n = n_as_fe().unwrap();
        let point = (0u64..1000)
            .find_map(|i| {
                let x = n + Fe::from(i);
                let rhs = x.square() * x - x.double() - x + curve_b();
                Option::<Fe>::from(rhs.sqrt()).map(|y| (x, y))
            })
            .expect("a point within 1000 tries");
        let (x, y) = point;
        let p = AffinePoint::from_coordinates(&x.to_repr(), &y.to_repr()).unwrap();
        let table = Affine::from_p256(&p).unwrap();
        // Accumulate it as a genuine sum with ZZ ≠ 1: (p + G) − G.
        let g = affine(&Scalar::ONE).unwrap();
        let mut acc = Accumulator::IDENTITY;
        acc.add(&table, false);
        acc.add(&g, false);
        acc.add(&g, true);
        assert_eq!(acc.to_projective(), Some(ProjectivePoint::from(p)));
        let r_minus = <Scalar as Reduce<FieldBytes>>::reduce(&x.to_repr());
        assert!(acc.x_reduces_to(&r_minus), "x − n must be accepted");
        assert!(!acc.x_reduces_to(&(r_minus + Scalar::ONE)));
        assert!(!acc.x_reduces_to(&(r_minus - Scalar::ONE)));
        // r itself is < p − n, but x = r would be a different point (or none): refused.
        let small = affine(&Scalar::from(7u64)).unwrap();
        let mut other = Accumulator::IDENTITY;
        other.add(&small, false);
        assert!(!other.x_reduces_to(&r_minus));
    }

    /// Every point of a comb (doubled row bases, a run of additions per row, one batched
    /// inversion) against `p256`'s scalar multiplication.
    #[test]
    fn comb_points_are_the_multiples() {
        let p = affine(&Scalar::from(0x1234_5678_u64)).unwrap();
        let base = ProjectivePoint::GENERATOR * Scalar::from(0x1234_5678_u64);
        let rows = [8, 8, 8, 3, 1];
        let points = super::comb_points(&p, 5, &rows);
        assert_eq!(points.len(), rows.iter().sum::<usize>());
        let mut next = points.iter();
        for (i, len) in rows.iter().enumerate() {
            for j in 1..=*len {
                let k = Scalar::from(j as u64) * Scalar::from(1u64 << (5 * i));
                let expected = Affine::from_p256(&(base * k).to_affine()).unwrap();
                assert_eq!(next.next(), Some(&expected), "row {i}, multiple {j}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Random sums, both signs, against `p256`'s complete formulas.
        #[test]
        fn random_sums_match_p256(
            terms in proptest::collection::vec((any::<[u8; 32]>(), any::<bool>()), 1..12),
        ) {
            let terms: Vec<(Scalar, bool)> = terms.into_iter().map(|(b, n)| (scalar(b), n)).collect();
            check_sum(&terms)?;
        }

        /// Exceptional cases at random points: a sum followed by the sum itself (doubling),
        /// by its negation (infinity), then by further terms from infinity.
        #[test]
        fn exceptional_sums_match_p256(
            a in any::<[u8; 32]>(),
            b in any::<[u8; 32]>(),
            c in any::<[u8; 32]>(),
            negate_a in any::<bool>(),
            negate_b in any::<bool>(),
            opposite in any::<bool>(),
        ) {
            let (a, b, c) = (scalar(a), scalar(b), scalar(c));
            let sign = |k: Scalar, n: bool| if n { -k } else { k };
            let sum = sign(a, negate_a) + sign(b, negate_b);
            // Add `sum` as a term: with `opposite` as −(−sum) the law must double; else
            // add it negated, which must cancel to infinity.
            let (term, negate) = if opposite { (-sum, true) } else { (sum, true) };
            let terms = [(a, negate_a), (b, negate_b), (term, negate), (c, false), (c, false)];
            check_sum(&terms)?;
            // The same sums against the accumulator's own x check.
            let mut acc = Accumulator::IDENTITY;
            for (k, n) in [(a, negate_a), (b, negate_b)] {
                if let Some(p) = affine(&k) {
                    acc.add(&p, n);
                }
            }
            let expected = (ProjectivePoint::GENERATOR * sum).to_affine();
            if !bool::from(expected.is_identity()) {
                let r = <Scalar as Reduce<FieldBytes>>::reduce(&expected.x());
                prop_assert!(acc.x_reduces_to(&r));
                prop_assert!(!acc.x_reduces_to(&(r + Scalar::ONE)));
            }
        }
    }
}
