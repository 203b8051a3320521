//! NumericDate (RFC 7519 §2) parsing without floating point.
//!
//! A date is a JSON number: fractions and exponent notation are valid. bearerkit reads it
//! exactly as fixed point with 18 decimal places (no `f64`, which on a Cortex-M4 would pull
//! in software double arithmetic and the decimal-to-float tables). Digits beyond the 18th
//! decimal only ever round *up* by one unit, so a date is never taken to be earlier than
//! it is. Negative dates and dates after 9999-12-31T23:59:59Z are out of range.

use crate::Error;

/// One second in fixed-point units.
pub(crate) const ONE: u128 = 1_000_000_000_000_000_000;

/// Latest accepted NumericDate: 9999-12-31T23:59:59Z.
pub const MAX_DATE: u64 = 253_402_300_799;

/// A NumericDate in units of 10⁻¹⁸ s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date(pub(crate) u128);

impl Date {
    pub(crate) const fn from_secs(s: u64) -> Self {
        Self(s as u128 * ONE)
    }

    /// Whole seconds (rounded down).
    pub(crate) fn secs(self) -> u64 {
        u64::try_from(self.0 / ONE).unwrap_or(u64::MAX)
    }
}

fn pow10(e: u32) -> Option<u128> {
    10u128.checked_pow(e)
}

/// Parse the text of a JSON number (already validated by the JSON scanner) as a date.
///
/// # Errors
/// [`Error::DateOutOfRange`] for negative values, values after [`MAX_DATE`], or numbers
/// too large to represent; [`Error::ClaimType`] if the text is not a number.
pub(crate) fn parse(text: &str) -> Result<Date, Error> {
    let b = text.as_bytes();
    let mut i = 0usize;
    let negative = b.first() == Some(&b'-');
    if negative {
        i += 1;
    }
    // Significant digits in `mantissa`; `exp10` is the decimal exponent to apply.
    let mut mantissa: u128 = 0;
    let mut exp10: i64 = 0;
    let mut sticky = false; // a non-zero digit was dropped
    let mut any_digit = false;
    let push = |d: u8, fractional: bool, mantissa: &mut u128, exp10: &mut i64, sticky: &mut bool| {
        if *mantissa < 10u128.pow(36) {
            *mantissa = *mantissa * 10 + u128::from(d);
            if fractional {
                *exp10 -= 1;
            }
        } else {
            if !fractional {
                *exp10 += 1;
            }
            if d != 0 {
                *sticky = true;
            }
        }
    };
    while let Some(&c @ b'0'..=b'9') = b.get(i) {
        push(c - b'0', false, &mut mantissa, &mut exp10, &mut sticky);
        any_digit = true;
        i += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while let Some(&c @ b'0'..=b'9') = b.get(i) {
            push(c - b'0', true, &mut mantissa, &mut exp10, &mut sticky);
            i += 1;
        }
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        let neg_exp = b.get(i) == Some(&b'-');
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        let mut e: i64 = 0;
        while let Some(&c @ b'0'..=b'9') = b.get(i) {
            e = (e * 10 + i64::from(c - b'0')).min(1_000_000);
            i += 1;
        }
        exp10 += if neg_exp { -e } else { e };
    }
    if !any_digit || i != b.len() {
        return Err(Error::ClaimType);
    }
    if mantissa == 0 && !sticky {
        return Ok(Date(0)); // 0, -0, 0.0e5 ...
    }
    if negative {
        return Err(Error::DateOutOfRange);
    }
    // value = mantissa × 10^exp10; fixed point = mantissa × 10^(exp10 + 18).
    let shift = exp10 + 18;
    let fixed = if shift >= 0 {
        let p = u32::try_from(shift).ok().and_then(pow10).ok_or(Error::DateOutOfRange)?;
        mantissa.checked_mul(p).ok_or(Error::DateOutOfRange)?
    } else {
        match u32::try_from(-shift).ok().and_then(pow10) {
            Some(p) => {
                if !mantissa.is_multiple_of(p) {
                    sticky = true;
                }
                mantissa / p
            }
            None => {
                sticky = true;
                0
            }
        }
    };
    let fixed = if sticky { fixed + 1 } else { fixed };
    if fixed > Date::from_secs(MAX_DATE).0 {
        return Err(Error::DateOutOfRange);
    }
    Ok(Date(fixed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_values() {
        assert_eq!(parse("1700000000"), Ok(Date::from_secs(1_700_000_000)));
        assert_eq!(parse("1.7e9"), Ok(Date::from_secs(1_700_000_000)));
        assert_eq!(parse("17E8"), Ok(Date::from_secs(1_700_000_000)));
        assert_eq!(parse("1700000000.5").map(|d| d.0), Ok(1_700_000_000 * ONE + ONE / 2));
        assert_eq!(parse("170000000050e-1").map(|d| d.0), Ok(17_000_000_005 * ONE));
        assert_eq!(parse("0"), Ok(Date(0)));
        assert_eq!(parse("-0"), Ok(Date(0)));
        assert_eq!(parse("0.0e-5"), Ok(Date(0)));
        assert_eq!(parse("253402300799"), Ok(Date::from_secs(MAX_DATE)));
        // Tiny fractions never round down to the integer below.
        assert_eq!(parse("10.0000000000000000000001").map(|d| d.0), Ok(10 * ONE + 1));
        assert_eq!(parse("1e-400").map(|d| d.0), Ok(1));
        assert_eq!(parse("1700000000.5").map(Date::secs), Ok(1_700_000_000));
    }

    #[test]
    fn out_of_range() {
        for t in ["-1", "-0.5", "253402300800", "253402300799.1", "1e400", "1e12", &"9".repeat(60)] {
            assert_eq!(parse(t), Err(Error::DateOutOfRange), "{t}");
        }
        assert_eq!(parse("abc"), Err(Error::ClaimType));
        assert_eq!(parse(""), Err(Error::ClaimType));
    }
}
