//! Shared code of the fuzz targets: `arbitrary` generators of structured headers, claims,
//! policies and byte edits (the shapes, their JSON text and the reference model are in
//! [`model`], shared with the core's property tests).

pub mod model;

use arbitrary::{Result, Unstructured};
pub use model::*;

/// Header and claims shapes, whitespace, byte edits and a policy: one structured token.
#[derive(Clone, Debug)]
pub struct Case {
    pub header: J,
    pub claims: J,
    pub ws: (Ws, Ws),
    pub header_edits: Vec<Edit>,
    pub claims_edits: Vec<Edit>,
    pub policy: Policy,
}

impl Case {
    /// The header and claims bytes to sign: serialised, then edited.
    pub fn bytes(&self) -> (Vec<u8>, Vec<u8>) {
        let mut h = self.header.text(self.ws.0).into_bytes();
        let mut c = self.claims.text(self.ws.1).into_bytes();
        apply(&mut h, &self.header_edits);
        apply(&mut c, &self.claims_edits);
        (h, c)
    }
}

fn pick<'a, T>(u: &mut Unstructured<'_>, items: &'a [T]) -> Result<&'a T> {
    u.choose(items)
}

fn chance(u: &mut Unstructured<'_>, percent: u8) -> Result<bool> {
    Ok(u.int_in_range(0..=99u8)? < percent)
}

fn esc(u: &mut Unstructured<'_>) -> Result<Esc> {
    Ok(*pick(u, &[Esc::Raw, Esc::Short, Esc::Lower, Esc::Upper])?)
}

/// A string: dictionary words and names, arbitrary text and single characters, each
/// spelt with or without escapes.
pub fn jstr(u: &mut Unstructured<'_>) -> Result<JStr> {
    let n = u.int_in_range(0..=3u8)?;
    let mut pieces = Vec::new();
    for _ in 0..n.max(1) {
        match u.int_in_range(0..=5u8)? {
            0 | 1 => pieces.push(Piece::Text((*pick(u, WORDS)?).to_owned())),
            2 => pieces.push(Piece::Text((*pick(u, NAMES)?).to_owned())),
            3 => {
                let len = u.int_in_range(0..=12usize)?;
                let mut s = String::new();
                for _ in 0..len {
                    s.push(u.arbitrary::<char>()?);
                }
                pieces.push(Piece::Text(s));
            }
            4 => pieces.push(Piece::Char(u.arbitrary::<char>()?, esc(u)?)),
            _ => {
                let w = *pick(u, WORDS)?;
                let e = esc(u)?;
                pieces.extend(w.chars().map(|c| Piece::Char(c, e)));
            }
        }
    }
    Ok(JStr(pieces))
}

/// A member name: mostly a registered name, sometimes spelt with escapes, sometimes any string.
pub fn name(u: &mut Unstructured<'_>) -> Result<JStr> {
    Ok(match u.int_in_range(0..=9u8)? {
        0..=6 => JStr::plain(pick(u, NAMES)?),
        7 => {
            let n = *pick(u, NAMES)?;
            JStr::spelt(n, esc(u)?)
        }
        _ => jstr(u)?,
    })
}

fn digits(u: &mut Unstructured<'_>, max: usize) -> Result<String> {
    let len = u.int_in_range(0..=max)?;
    let mut s = String::with_capacity(len);
    for _ in 0..len {
        s.push(char::from(b'0' + u.int_in_range(0..=9u8)?));
    }
    Ok(s)
}

/// A date-like number around `NOW`, the range limits, or zero, spelt in several ways.
pub fn date_num(u: &mut Unstructured<'_>) -> Result<Num> {
    let base = *pick(
        u,
        &[NOW, NOW - 3600, NOW + 3600, NOW - 900, NOW + 900, 0, MAX_DATE, MAX_DATE + 1, 1_000_000_000_000],
    )?;
    let delta = i64::from(u.arbitrary::<i16>()? % 128);
    let v = base.saturating_add_signed(delta);
    let style = u.arbitrary::<u8>()?;
    let mut n = Num::spelt(v, style);
    if style % 5 == 0 && chance(u, 30)? {
        n.frac = pick(u, &["5", "0", "000000001", "0000000000000000000001", "999999999", "9999999999"])?
            .to_string();
    }
    Ok(n)
}

/// Any number: huge, tiny, negative, with fractions and exponents.
pub fn num(u: &mut Unstructured<'_>) -> Result<Num> {
    if chance(u, 40)? {
        return date_num(u);
    }
    let neg = u.arbitrary()?;
    let int = if chance(u, 20)? { digits(u, 40)? } else { u.arbitrary::<u64>()?.to_string() };
    let frac = if chance(u, 40)? { digits(u, 30)? } else { String::new() };
    let exp = if chance(u, 40)? {
        let upper = u.arbitrary()?;
        let sign = *pick(u, &[None, Some(true), Some(false)])?;
        let d = if chance(u, 10)? { digits(u, 25)? } else { u.int_in_range(0..=450u16)?.to_string() };
        Some((upper, sign, d))
    } else {
        None
    };
    Ok(Num { neg, int, frac, exp })
}

/// A value of any shape, at most `depth` levels of arrays and objects deep (besides the
/// occasional deliberately deep or wide one).
pub fn value(u: &mut Unstructured<'_>, depth: u8) -> Result<J> {
    let top = if depth == 0 { 4 } else { 10 };
    Ok(match u.int_in_range(0..=top)? {
        0 => J::Null,
        1 => J::Bool(u.arbitrary()?),
        2 => J::Num(num(u)?),
        3 | 4 => J::Str(jstr(u)?),
        5 | 6 => {
            let n = u.int_in_range(0..=4usize)?;
            J::Arr((0..n).map(|_| value(u, depth - 1)).collect::<Result<_>>()?)
        }
        7 | 8 => J::Obj(members(u, depth - 1, 4)?),
        9 => {
            // Nesting around the depth limit (64, the outer object included).
            let levels = u.int_in_range(58..=68usize)?;
            let mut v = value(u, 0)?;
            for i in 0..levels {
                v = if (i + usize::from(u.arbitrary::<bool>()?)) % 2 == 0 {
                    J::Arr(vec![v])
                } else {
                    J::Obj(vec![(JStr::plain("n"), v)])
                };
            }
            v
        }
        _ => {
            // Member count around the limit (128), sometimes with a repeat.
            let n = u.int_in_range(125..=130usize)?;
            let mut m: Vec<(JStr, J)> =
                (0..n).map(|i| (JStr::plain(&format!("m{i}")), J::Num(Num::int(i as u64)))).collect();
            if chance(u, 30)? {
                let at = u.int_in_range(0..=n)?;
                let which = u.int_in_range(0..=n - 1)?;
                m.insert(at, (JStr::spelt(&format!("m{which}"), esc(u)?), J::Null));
            }
            J::Obj(m)
        }
    })
}

/// Up to `max` members with arbitrary names (repeats included) and values.
pub fn members(u: &mut Unstructured<'_>, depth: u8, max: usize) -> Result<Vec<(JStr, J)>> {
    let n = u.int_in_range(0..=max)?;
    (0..n).map(|_| Ok((name(u)?, value(u, depth)?))).collect()
}

fn word_value(u: &mut Unstructured<'_>) -> Result<J> {
    Ok(if chance(u, 85)? {
        let w = *pick(u, WORDS)?;
        J::Str(if chance(u, 80)? { JStr::plain(w) } else { JStr::spelt(w, esc(u)?) })
    } else {
        value(u, 2)?
    })
}

/// Insert `extra` members at arbitrary places among `m`.
fn mix(u: &mut Unstructured<'_>, m: &mut Vec<(JStr, J)>, extra: Vec<(JStr, J)>) -> Result<()> {
    for e in extra {
        let at = u.int_in_range(0..=m.len())?;
        m.insert(at, e);
    }
    Ok(())
}

/// A JOSE header: usually `alg` ES256, then `typ`, `kid`, rarely `crit`, and others.
pub fn header(u: &mut Unstructured<'_>) -> Result<J> {
    let mut m = Vec::new();
    match u.int_in_range(0..=9u8)? {
        0..=6 => m.push((JStr::plain("alg"), J::Str(JStr::plain("ES256")))),
        7 => m.push((JStr::spelt("alg", esc(u)?), J::Str(JStr::spelt("ES256", esc(u)?)))),
        8 => m.push((JStr::plain("alg"), word_value(u)?)),
        _ => {}
    }
    for (n, p) in [("typ", 50), ("kid", 50), ("crit", 3)] {
        if chance(u, p)? {
            m.push((JStr::plain(n), word_value(u)?));
        }
    }
    let extra = if chance(u, 30)? { members(u, 3, 3)? } else { Vec::new() };
    mix(u, &mut m, extra)?;
    Ok(J::Obj(m))
}

/// JWT claims: the registered claims mostly well typed, and other members of any shape.
pub fn claims(u: &mut Unstructured<'_>) -> Result<J> {
    let mut m = Vec::new();
    for n in ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"] {
        let present = if n == "exp" { 85 } else { 45 };
        if !chance(u, present)? {
            continue;
        }
        let v = if chance(u, 10)? {
            value(u, 2)?
        } else {
            match n {
                "exp" | "nbf" | "iat" => J::Num(date_num(u)?),
                "aud" if chance(u, 40)? => {
                    let k = u.int_in_range(0..=3usize)?;
                    J::Arr((0..k).map(|_| word_value(u)).collect::<Result<_>>()?)
                }
                _ => word_value(u)?,
            }
        };
        m.push((JStr::plain(n), v));
    }
    let extra = if chance(u, 50)? { members(u, 4, 4)? } else { Vec::new() };
    mix(u, &mut m, extra)?;
    Ok(J::Obj(m))
}

fn word(u: &mut Unstructured<'_>) -> Result<String> {
    Ok((*pick(u, WORDS)?).to_owned())
}

fn opt<T>(
    u: &mut Unstructured<'_>,
    percent: u8,
    f: impl FnOnce(&mut Unstructured<'_>) -> Result<T>,
) -> Result<Option<T>> {
    if chance(u, percent)? { f(u).map(Some) } else { Ok(None) }
}

/// A policy: mostly valid, with every setting used.
pub fn policy(u: &mut Unstructured<'_>) -> Result<Policy> {
    let now = match u.int_in_range(0..=9u8)? {
        0..=7 => NOW,
        8 => NOW.saturating_add_signed(i64::from(u.arbitrary::<i16>()?)),
        _ => u.arbitrary()?,
    };
    let secs = |u: &mut Unstructured<'_>| -> Result<u64> {
        Ok(match u.int_in_range(0..=5u8)? {
            0 => 0,
            1 => 60,
            2 => 300,
            3 => 900,
            4 => 3600,
            _ => u.arbitrary::<u64>()? % 5000,
        })
    };
    Ok(Policy {
        now,
        leeway: opt(u, 40, |u| Ok(if chance(u, 5)? { 3601 } else { secs(u)? }))?,
        max_lifetime: opt(u, 25, |u| Ok(if chance(u, 3)? { MAX_DATE + 1 } else { secs(u)? }))?,
        max_expiry_ahead: opt(u, 25, secs)?,
        issuer: opt(u, 25, word)?,
        subject: opt(u, 20, word)?,
        audience: match u.int_in_range(0..=3u8)? {
            0 => Aud::Absent,
            1 => Aud::Any,
            2 => Aud::One(word(u)?),
            _ => {
                let n = u.int_in_range(0..=3usize)?;
                Aud::OneOf((0..n).map(|_| word(u)).collect::<Result<_>>()?)
            }
        },
        kid: opt(u, 25, word)?,
        require_kid: chance(u, 20)?,
        iss_equals_sub: chance(u, 15)?,
        typ: opt(u, 25, |u| {
            let n = u.int_in_range(0..=2usize)?;
            (0..n).map(|_| word(u)).collect()
        })?,
        required: if chance(u, 25)? {
            let n = u.int_in_range(1..=3usize)?;
            (0..n).map(|_| Ok((*pick(u, NAMES)?).to_owned())).collect::<Result<_>>()?
        } else {
            Vec::new()
        },
        allow_missing_exp: chance(u, 25)?,
        max_bytes: opt(u, 10, |u| Ok(*pick(u, &[0usize, 10, 100, 300, 8192, 20000])?))?,
    })
}

/// Up to four byte edits, with bytes that matter to JSON.
pub fn edits(u: &mut Unstructured<'_>) -> Result<Vec<Edit>> {
    if !chance(u, 25)? {
        return Ok(Vec::new());
    }
    let n = u.int_in_range(1..=4usize)?;
    (0..n)
        .map(|_| {
            let pos = u.arbitrary::<u16>()?;
            let byte = if chance(u, 70)? {
                *pick(u, b"\"\\{}[],:0123456789eE.-+ \ttfnu\x00\x7f\xc3\xa9\xff\xef\xbb\xbf")?
            } else {
                u.arbitrary()?
            };
            Ok(match u.int_in_range(0..=2u8)? {
                0 => Edit::Set(pos, byte),
                1 => Edit::Insert(pos, byte),
                _ => Edit::Remove(pos),
            })
        })
        .collect()
}

/// One structured token case.
pub fn case(u: &mut Unstructured<'_>) -> Result<Case> {
    Ok(Case {
        header: header(u)?,
        claims: claims(u)?,
        ws: (Ws(u.arbitrary()?), Ws(u.arbitrary()?)),
        header_edits: edits(u)?,
        claims_edits: edits(u)?,
        policy: policy(u)?,
    })
}

/// Whether `data` is to be read as a token (it starts with a base64url character or a dot,
/// as every token and every token seed does) rather than as `arbitrary` input.
pub fn is_raw_token(data: &[u8]) -> bool {
    data.first().is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The public key the shared vectors (`tests/vectors`, key `key-a`) are signed with.
pub fn vector_key() -> bearerkit::VerifyingKey {
    bearerkit::VerifyingKey::from_jwk(
        r#"{"kty":"EC","crv":"P-256","x":"dBha-FYAclr_3He-W-v8UCkp1DBZt0SekHaLRbAKjQE","y":"qtpC8x_b2hddt_CFG34B4_4NcF50a9f9LhYlh0Yg5PE"}"#,
    )
    .expect("the vector key")
}

/// The header and claims bytes of a token whose signature is valid for `key` (format rules
/// as `dangerous::decode_unverified`), or `None`.
pub fn validly_signed(token: &str, key: &bearerkit::VerifyingKey) -> Option<(Vec<u8>, Vec<u8>)> {
    use bearerkit::p256::ecdsa::Signature;
    use bearerkit::p256::ecdsa::signature::Verifier;
    let mut scratch = vec![0u8; token.len()];
    let t = bearerkit::dangerous::decode_unverified(token, &mut scratch).ok()?;
    let (h, c) = (t.header().as_json().as_bytes().to_vec(), t.claims().as_json().as_bytes().to_vec());
    let (input, sig) = token.rsplit_once('.')?;
    use base64ct::{Base64UrlUnpadded, Encoding};
    let sig = Base64UrlUnpadded::decode_vec(sig).ok()?;
    let sig = Signature::from_slice(&sig).ok()?;
    key.as_p256().verify(input.as_bytes(), &sig).ok()?;
    Some((h, c))
}
