//! NumericDate (RFC 7519 §2) parsing without floating point.
//!
//! A date is a JSON number: fractions and exponent notation are valid. bearerkit reads it
//! exactly as whole seconds and nanoseconds, 9 decimal places (no `f64`, which on a
//! Cortex-M4 would pull in software double arithmetic and the decimal-to-float tables).
//! Digits beyond the 9th decimal only ever round *up* by one nanosecond, so a date is never
//! taken to be earlier than it is. Negative dates and dates after 9999-12-31T23:59:59Z are out of range.

use crate::Error;

/// Latest accepted NumericDate: 9999-12-31T23:59:59Z.
pub const MAX_DATE: u64 = 253_402_300_799;

const NANOS: u32 = 1_000_000_000;

/// A NumericDate: whole seconds and nanoseconds. Ordered by time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date {
    secs: u64,
    nanos: u32,
}

impl Date {
    pub(crate) const fn from_secs(secs: u64) -> Self {
        Self { secs, nanos: 0 }
    }

    /// Whole seconds (rounded down).
    pub(crate) const fn secs(self) -> u64 {
        self.secs
    }

    /// `self + secs` (no overflow: both are at most [`MAX_DATE`]).
    pub(crate) const fn plus(self, secs: u64) -> Self {
        Self { secs: self.secs + secs, nanos: self.nanos }
    }

    /// `self − earlier`, or zero when `earlier` is later.
    pub(crate) fn since(self, earlier: Self) -> Self {
        if self <= earlier {
            return Self::from_secs(0);
        }
        if self.nanos >= earlier.nanos {
            Self { secs: self.secs - earlier.secs, nanos: self.nanos - earlier.nanos }
        } else {
            Self { secs: self.secs - earlier.secs - 1, nanos: self.nanos + NANOS - earlier.nanos }
        }
    }
}

/// Parse the text of a JSON number (already validated by the JSON scanner) as a date,
/// exactly to the nanosecond; any non-zero digit below the nanosecond rounds *up* one
/// nanosecond, so a date is never taken to be earlier than it is.
///
/// Each digit is placed by its decimal position (after the exponent is applied): no
/// floating point, no wide multiplication.
///
/// # Errors
/// [`Error::DateOutOfRange`] for negative values and values after [`MAX_DATE`];
/// [`Error::ClaimType`] if the text is not a number.
#[inline(never)]
pub(crate) fn parse(text: &str) -> Result<Date, Error> {
    let b = text.as_bytes();
    let negative = b.first() == Some(&b'-');
    let start = usize::from(negative);
    // First pass: where the digits, the point and the exponent are.
    let mantissa_end =
        b.iter().skip(start).position(|c| matches!(c, b'e' | b'E')).map_or(b.len(), |p| p + start);
    let digits = b.get(start..mantissa_end).ok_or(Error::ClaimType)?;
    let int_len = digits.iter().position(|&c| c == b'.').unwrap_or(digits.len());
    if int_len == 0 || !digits.iter().all(|&c| c.is_ascii_digit() || c == b'.') {
        return Err(Error::ClaimType);
    }
    let mut exp: i64 = 0;
    if let Some(e) = b.get(mantissa_end + 1..) {
        let (neg, e) = match e.first() {
            Some(b'-') => (true, e.get(1..).unwrap_or_default()),
            Some(b'+') => (false, e.get(1..).unwrap_or_default()),
            _ => (false, e),
        };
        if e.is_empty() || !e.iter().all(u8::is_ascii_digit) {
            return Err(Error::ClaimType);
        }
        for &c in e {
            exp = (exp * 10 + i64::from(c - b'0')).min(1_000_000);
        }
        if neg {
            exp = -exp;
        }
    }
    // Second pass: add each digit at its position.
    let mut secs: u64 = 0;
    let mut nanos: u64 = 0;
    let mut sticky = false;
    let mut too_big = false;
    let mut pos = i64::try_from(int_len).unwrap_or(i64::MAX) - 1 + exp;
    for &c in digits.iter().filter(|c| c.is_ascii_digit()) {
        let d = u64::from(c - b'0');
        if d != 0 {
            match pos {
                12.. => too_big = true,
                0..=11 => secs += d * 10u64.pow(u32::try_from(pos).unwrap_or(0)),
                -9..=-1 => nanos += d * 10u64.pow(u32::try_from(9 + pos).unwrap_or(0)),
                _ => sticky = true,
            }
        }
        pos -= 1;
    }
    if secs == 0 && nanos == 0 && !sticky && !too_big {
        return Ok(Date::from_secs(0)); // 0, -0, 0.0e5 ...
    }
    if negative || too_big {
        return Err(Error::DateOutOfRange);
    }
    if sticky {
        nanos += 1;
    }
    if nanos >= u64::from(NANOS) {
        secs += 1;
        nanos -= u64::from(NANOS);
    }
    let date = Date { secs, nanos: u32::try_from(nanos).map_err(|_| Error::DateOutOfRange)? };
    if date > Date::from_secs(MAX_DATE) {
        return Err(Error::DateOutOfRange);
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_values() {
        assert_eq!(parse("1700000000"), Ok(Date::from_secs(1_700_000_000)));
        assert_eq!(parse("1.7e9"), Ok(Date::from_secs(1_700_000_000)));
        assert_eq!(parse("17E8"), Ok(Date::from_secs(1_700_000_000)));
        assert_eq!(parse("1700000000.5"), Ok(Date { secs: 1_700_000_000, nanos: 500_000_000 }));
        assert_eq!(parse("170000000050e-1"), Ok(Date::from_secs(17_000_000_005)));
        assert_eq!(parse("0.000000001"), Ok(Date { secs: 0, nanos: 1 }));
        assert_eq!(
            parse("12345678901234567890123e-12"),
            Ok(Date { secs: 12_345_678_901, nanos: 234_567_891 })
        );
        assert_eq!(parse("0.1e1"), Ok(Date::from_secs(1)));
        assert_eq!(parse("1E+2"), Ok(Date::from_secs(100)));
        assert_eq!(parse("0"), Ok(Date::from_secs(0)));
        assert_eq!(parse("-0"), Ok(Date::from_secs(0)));
        assert_eq!(parse("0.0e-5"), Ok(Date::from_secs(0)));
        assert_eq!(parse("253402300799"), Ok(Date::from_secs(MAX_DATE)));
        // Tiny fractions never round down to the integer below.
        assert_eq!(parse("10.0000000000000000000001"), Ok(Date { secs: 10, nanos: 1 }));
        assert_eq!(parse("1e-400"), Ok(Date { secs: 0, nanos: 1 }));
        assert_eq!(parse("1.9999999999"), Ok(Date { secs: 2, nanos: 0 }));
        assert_eq!(parse("1700000000.5").map(Date::secs), Ok(1_700_000_000));
    }

    #[test]
    fn arithmetic() {
        let a = Date { secs: 10, nanos: 900_000_000 };
        let b = Date { secs: 0, nanos: 100_000_000 };
        assert_eq!(a.since(b), Date { secs: 10, nanos: 800_000_000 });
        assert_eq!(b.since(a), Date::from_secs(0));
        assert_eq!(
            Date { secs: 5, nanos: 1 }.since(Date { secs: 1, nanos: 2 }),
            Date { secs: 3, nanos: 999_999_999 }
        );
        assert!(a.since(b) > Date::from_secs(10));
        assert_eq!(a.plus(5), Date { secs: 15, nanos: 900_000_000 });
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
