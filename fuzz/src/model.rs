//! Structured JOSE headers and JWT claims, their JSON text, and a reference model of the
//! verification contract.
//!
//! Plain data and `serde_json` only (no `arbitrary`, no `proptest`): the fuzz targets
//! (`fuzz/src/lib.rs` builds these shapes with `arbitrary`) and the core's property tests
//! (`crates/bearerkit/tests/core/gen.rs` builds them with `proptest`, including this file
//! by path) share one serialiser and one model.
//!
//! The model re-derives each verdict independently of bearerkit's scanner: the JSON rules
//! from `serde_json`'s parser (plus depth, member count and duplicate names counted here),
//! the claim rules from the parsed values, NumericDates by exact decimal arithmetic.

use bearerkit::Validation;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt::Write as _;

/// Deepest nesting bearerkit accepts (`bearerkit::json::MAX_DEPTH`).
pub const MAX_DEPTH: usize = 64;
/// Most members per object (`bearerkit::json::MAX_MEMBERS`).
pub const MAX_MEMBERS: usize = 128;
/// Latest NumericDate (`bearerkit::MAX_DATE`).
pub const MAX_DATE: u64 = 253_402_300_799;
/// The `now` the generators centre their dates on.
pub const NOW: u64 = 1_700_000_000;

/// Names the generators draw from: registered header parameters and claims, and a few others.
pub const NAMES: &[&str] = &[
    "alg",
    "typ",
    "kid",
    "crit",
    "cty",
    "jku",
    "x5c",
    "iss",
    "sub",
    "aud",
    "exp",
    "nbf",
    "iat",
    "jti",
    "scope",
    "client_id",
    "a",
    "",
    "EXP",
    "b64",
];

/// String values the generators and the policies draw from, so that they meet.
pub const WORDS: &[&str] = &[
    "ES256",
    "es256",
    "RS256",
    "none",
    "JWT",
    "jwt",
    "application/jwt",
    "APPLICATION/JWT",
    "at+jwt",
    "k1",
    "k2",
    "iss-1",
    "prd",
    "dev",
    "",
    "\u{e9}",
    "\u{1F600}",
    "a\"b",
    "a\\b",
    "\u{0}",
    "a/b",
    "application/",
    "\u{130}WT",
];

// ---------------------------------------------------------------------------------------------
// Shapes and their JSON text

/// How one character of a string is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Esc {
    /// As itself (characters JSON forbids raw are escaped anyway).
    Raw,
    /// The short escape when it has one (`\n`, `\"`, `\/`, ...), else `\u`.
    Short,
    /// `\uXXXX` in lower case (a surrogate pair beyond the BMP).
    Lower,
    /// `\uXXXX` in upper case.
    Upper,
}

/// A piece of a JSON string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Text written minimally escaped.
    Text(String),
    /// One character written in a chosen way.
    Char(char, Esc),
}

/// A JSON string as pieces: the same text may be spelt many ways.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JStr(pub Vec<Piece>);

impl JStr {
    /// A plain string.
    pub fn plain(s: &str) -> Self {
        Self(vec![Piece::Text(s.to_owned())])
    }

    /// `s` with every character written in the style `esc`.
    pub fn spelt(s: &str, esc: Esc) -> Self {
        Self(s.chars().map(|c| Piece::Char(c, esc)).collect())
    }

    /// The string's value.
    pub fn decoded(&self) -> String {
        let mut out = String::new();
        for p in &self.0 {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Char(c, _) => out.push(*c),
            }
        }
        out
    }

    /// The JSON text, quotes included.
    pub fn write(&self, out: &mut String) {
        out.push('"');
        for p in &self.0 {
            match p {
                Piece::Text(t) => t.chars().for_each(|c| write_char(out, c, Esc::Raw)),
                Piece::Char(c, e) => write_char(out, *c, *e),
            }
        }
        out.push('"');
    }
}

fn write_u(out: &mut String, c: char, upper: bool) {
    let mut units = [0u16; 2];
    for u in c.encode_utf16(&mut units) {
        if upper {
            let _ = write!(out, "\\u{:04X}", u);
        } else {
            let _ = write!(out, "\\u{:04x}", u);
        }
    }
}

fn write_char(out: &mut String, c: char, esc: Esc) {
    let short = match c {
        '"' => Some('"'),
        '\\' => Some('\\'),
        '/' => Some('/'),
        '\u{8}' => Some('b'),
        '\u{c}' => Some('f'),
        '\n' => Some('n'),
        '\r' => Some('r'),
        '\t' => Some('t'),
        _ => None,
    };
    match esc {
        Esc::Raw if c == '"' || c == '\\' || c < ' ' => match short {
            Some(s) if c != '/' => {
                out.push('\\');
                out.push(s);
            }
            _ => write_u(out, c, false),
        },
        Esc::Raw => out.push(c),
        Esc::Short => match short {
            Some(s) => {
                out.push('\\');
                out.push(s);
            }
            None => write_u(out, c, false),
        },
        Esc::Lower => write_u(out, c, false),
        Esc::Upper => write_u(out, c, true),
    }
}

/// A JSON number as text: always valid RFC 8259 grammar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Num {
    /// A leading `-`.
    pub neg: bool,
    /// Integer digits (no leading zero unless it is `0`; empty means `0`).
    pub int: String,
    /// Fraction digits, if any (empty means none).
    pub frac: String,
    /// Exponent: `e`/`E`, sign (`None`, `+`, `-`), digits (empty means none).
    pub exp: Option<(bool, Option<bool>, String)>,
}

impl Num {
    /// A non-negative integer.
    pub fn int(v: u64) -> Self {
        Self { neg: false, int: v.to_string(), frac: String::new(), exp: None }
    }

    /// The JSON text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        if self.neg {
            s.push('-');
        }
        let int = self.int.trim_start_matches('0');
        s.push_str(if int.is_empty() { "0" } else { int });
        if !self.frac.is_empty() {
            s.push('.');
            s.push_str(&self.frac);
        }
        if let Some((upper, sign, digits)) = &self.exp {
            s.push(if *upper { 'E' } else { 'e' });
            match sign {
                Some(true) => s.push('+'),
                Some(false) => s.push('-'),
                None => {}
            }
            s.push_str(if digits.is_empty() { "0" } else { digits });
        }
        s
    }

    /// `v` written in one of a few equivalent ways (`style` picks): `v`, `v.000`,
    /// `d.ddde+N`, `v0e-1`, `vE0`.
    pub fn spelt(v: u64, style: u8) -> Self {
        let digits = v.to_string();
        match style % 5 {
            0 => Self::int(v),
            1 => Self { frac: "000".into(), ..Self::int(v) },
            2 if digits.len() > 1 => {
                let (a, b) = digits.split_at(1);
                let b = b.trim_end_matches('0');
                let n = digits.len() - 1;
                Self {
                    neg: false,
                    int: a.into(),
                    frac: b.into(),
                    exp: Some((false, Some(true), n.to_string())),
                }
            }
            3 => Self {
                int: format!("{digits}0"),
                exp: Some((false, Some(false), "1".into())),
                ..Self::int(0)
            },
            _ => Self { exp: Some((true, None, "0".into())), ..Self::int(v) },
        }
    }
}

/// A JSON value of any shape.
#[derive(Clone, Debug, PartialEq)]
pub enum J {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Num(Num),
    /// A string.
    Str(JStr),
    /// An array.
    Arr(Vec<J>),
    /// An object; names may repeat.
    Obj(Vec<(JStr, J)>),
}

/// Whitespace written between tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ws(pub u8);

impl Ws {
    fn put(self, out: &mut String) {
        out.push_str(match self.0 % 6 {
            0 | 1 => "",
            2 => " ",
            3 => "\n",
            4 => "\t ",
            _ => "\r\n  ",
        });
    }
}

impl J {
    /// The JSON text with `ws` between tokens.
    pub fn text(&self, ws: Ws) -> String {
        let mut s = String::new();
        self.write(&mut s, ws);
        s
    }

    /// Append the JSON text.
    pub fn write(&self, out: &mut String, ws: Ws) {
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Num(n) => out.push_str(&n.text()),
            J::Str(s) => s.write(out),
            J::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    ws.put(out);
                    v.write(out, ws);
                    ws.put(out);
                }
                out.push(']');
            }
            J::Obj(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    ws.put(out);
                    k.write(out);
                    ws.put(out);
                    out.push(':');
                    ws.put(out);
                    v.write(out, ws);
                    ws.put(out);
                }
                out.push('}');
            }
        }
    }
}

/// A byte edit applied to serialised JSON before it is signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Replace the byte at the position (modulo the length).
    Set(u16, u8),
    /// Insert a byte.
    Insert(u16, u8),
    /// Remove the byte.
    Remove(u16),
}

/// Apply `edits` in order.
pub fn apply(bytes: &mut Vec<u8>, edits: &[Edit]) {
    for e in edits {
        let len = bytes.len();
        match *e {
            Edit::Set(p, b) if len > 0 => bytes[usize::from(p) % len] = b,
            Edit::Insert(p, b) => bytes.insert(usize::from(p) % (len + 1), b),
            Edit::Remove(p) if len > 0 => {
                bytes.remove(usize::from(p) % len);
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Policies

/// Which audiences the policy accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Aud {
    /// Default: a token with `aud` is refused.
    Absent,
    /// `any_audience()`.
    Any,
    /// `audience(..)`.
    One(String),
    /// `audiences(..)`.
    OneOf(Vec<String>),
}

/// A [`Validation`] as plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub now: u64,
    pub leeway: Option<u64>,
    pub max_lifetime: Option<u64>,
    pub max_expiry_ahead: Option<u64>,
    pub issuer: Option<String>,
    pub subject: Option<String>,
    pub audience: Aud,
    pub kid: Option<String>,
    pub require_kid: bool,
    pub iss_equals_sub: bool,
    pub typ: Option<Vec<String>>,
    pub required: Vec<String>,
    pub allow_missing_exp: bool,
    pub max_bytes: Option<usize>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            now: NOW,
            leeway: None,
            max_lifetime: None,
            max_expiry_ahead: None,
            issuer: None,
            subject: None,
            audience: Aud::Absent,
            kid: None,
            require_kid: false,
            iss_equals_sub: false,
            typ: None,
            required: Vec::new(),
            allow_missing_exp: false,
            max_bytes: None,
        }
    }
}

impl Policy {
    /// Run `f` with the [`Validation`] this describes.
    pub fn with<R>(&self, f: impl FnOnce(&Validation<'_>) -> R) -> R {
        let auds: Vec<&str> = match &self.audience {
            Aud::OneOf(list) => list.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        let typ: Option<Vec<&str>> = self.typ.as_ref().map(|t| t.iter().map(String::as_str).collect());
        let required: Vec<&str> = self.required.iter().map(String::as_str).collect();
        let mut v = Validation::new(self.now);
        if let Some(l) = self.leeway {
            v = v.leeway(l);
        }
        if let Some(l) = self.max_lifetime {
            v = v.max_lifetime(l);
        }
        if let Some(a) = self.max_expiry_ahead {
            v = v.max_expiry_ahead(a);
        }
        if let Some(i) = &self.issuer {
            v = v.issuer(i);
        }
        if let Some(s) = &self.subject {
            v = v.subject(s);
        }
        v = match &self.audience {
            Aud::Absent => v,
            Aud::Any => v.any_audience(),
            Aud::One(a) => v.audience(a),
            Aud::OneOf(_) => v.audiences(&auds),
        };
        if let Some(k) = &self.kid {
            v = v.kid(k);
        }
        v = v.require_kid(self.require_kid).issuer_equals_subject(self.iss_equals_sub);
        if let Some(t) = &typ {
            v = v.typ(t);
        }
        if !required.is_empty() {
            v = v.required(&required);
        }
        if self.allow_missing_exp {
            v = bearerkit::dangerous::allow_missing_exp(v);
        }
        if let Some(n) = self.max_bytes {
            v = v.max_bytes(n);
        }
        f(&v)
    }

    fn leeway(&self) -> u64 {
        self.leeway.unwrap_or(60)
    }
}

// ---------------------------------------------------------------------------------------------
// Reference JSON rules

/// What [`reference_json`] predicts: `Ok`, or the error codes bearerkit may give (more than
/// one only where `serde_json` cannot tell which rule bearerkit meets first).
pub type Expect = Result<(), &'static [&'static str]>;

/// The model cannot tell (a document spelling `serde_json`'s private number name): any
/// verdict is taken.
pub const UNKNOWN: &[&str] = &["*"];
const BAD_JSON: &[&str] = &["bad_json"];

/// The member name under which `serde_json` (`arbitrary_precision`) passes a number's text.
const SERDE_NUMBER: &str = "$serde_json::private::Number";

/// Whether any string of `doc`, leniently unescaped, is [`SERDE_NUMBER`]: `serde_json`
/// would take an object with that name for a number, so the model stays out of it.
pub fn mentions_serde_token(doc: &[u8]) -> bool {
    let mut i = 0;
    while i < doc.len() {
        if doc[i] != b'"' {
            i += 1;
            continue;
        }
        i += 1;
        let mut text: Vec<u8> = Vec::new();
        let mut units: Vec<u16> = Vec::new();
        let flush = |units: &mut Vec<u16>, text: &mut Vec<u8>| {
            let s: String = char::decode_utf16(units.drain(..)).map(|c| c.unwrap_or('\u{fffd}')).collect();
            text.extend_from_slice(s.as_bytes());
        };
        while i < doc.len() && doc[i] != b'"' {
            if doc[i] == b'\\' && i + 1 < doc.len() {
                let e = doc[i + 1];
                if e == b'u' {
                    let hex = doc.get(i + 2..i + 6).and_then(|h| std::str::from_utf8(h).ok());
                    if let Some(u) = hex.and_then(|h| u16::from_str_radix(h, 16).ok()) {
                        units.push(u);
                        i += 6;
                        continue;
                    }
                }
                flush(&mut units, &mut text);
                text.push(match e {
                    b'b' => 8,
                    b'f' => 12,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    other => other,
                });
                i += 2;
            } else {
                flush(&mut units, &mut text);
                text.push(doc[i]);
                i += 1;
            }
        }
        flush(&mut units, &mut text);
        if text == SERDE_NUMBER.as_bytes() {
            return true;
        }
        i += 1;
    }
    false
}
const BAD_OR_DEEP: &[&str] = &["bad_json", "json_too_deep"];
const TOO_DEEP: &[&str] = &["json_too_deep"];
const DUPLICATE: &[&str] = &["duplicate_member"];
const TOO_MANY: &[&str] = &["too_many_members"];

/// Per document: the deepest nesting, and per object in order of its `{` the first rule
/// it breaks (`Some(true)` duplicate, `Some(false)` too many members).
#[derive(Default)]
struct Survey {
    depth: usize,
    max_depth: usize,
    objects: Vec<Option<bool>>,
}

struct Node<'s>(&'s mut Survey);

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let s = self.0;
        s.depth += 1;
        s.max_depth = s.max_depth.max(s.depth);
        while seq.next_element_seed(Node(s))?.is_some() {}
        s.depth -= 1;
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let s = self.0;
        s.depth += 1;
        let me = s.objects.len();
        s.objects.push(None);
        let mut names: Vec<String> = Vec::new();
        let mut next = map.next_key::<String>()?;
        // With `arbitrary_precision`, serde_json hands a number over as a one-member map
        // under a private name (documents that spell that name are left to `UNKNOWN`).
        if next.as_deref() == Some(SERDE_NUMBER) {
            map.next_value::<serde::de::IgnoredAny>()?;
            s.objects.pop();
            s.depth -= 1;
            return Ok(());
        }
        s.max_depth = s.max_depth.max(s.depth);
        while let Some(name) = next.take() {
            if s.objects[me].is_none() {
                if names.len() == MAX_MEMBERS {
                    s.objects[me] = Some(false);
                } else if names.contains(&name) {
                    s.objects[me] = Some(true);
                }
            }
            names.push(name);
            map.next_value_seed(Node(s))?;
            next = map.next_key::<String>()?;
        }
        s.depth -= 1;
        Ok(())
    }
}

/// The verdict of bearerkit's `json::validate_object` on `doc`, derived from `serde_json`.
///
/// The exact differential: `serde_json` parses `doc` (RFC 8259, strict UTF-8, no BOM, lone
/// surrogate escapes refused, no trailing data) as an object nested at most 64 deep
/// (objects and arrays together, the outer object included), with at most 128 members per
/// object and no name twice in one object (compared after unescaping) ⇔ bearerkit accepts.
/// When `serde_json` parses it but a bound is broken, bearerkit names the rule: a too deep
/// document is `json_too_deep`; otherwise the first object (in order of its `{`) that
/// breaks a rule gives `duplicate_member` or `too_many_members`, whichever its members
/// meet first. When `serde_json` refuses, bearerkit refuses with `bad_json` or
/// `json_too_deep` (serde_json's own depth limit is 128, and it does not say where the
/// first syntax error lies relative to depth 65).
pub fn reference_json(doc: &[u8]) -> Expect {
    if mentions_serde_token(doc) {
        return Err(UNKNOWN);
    }
    let mut survey = Survey::default();
    let mut de = serde_json::Deserializer::from_slice(doc);
    let parsed = Node(&mut survey).deserialize(&mut de).and_then(|()| de.end());
    if parsed.is_err() {
        return Err(BAD_OR_DEEP);
    }
    // The top level must be an object: an object is the first thing recorded.
    let top_is_object = doc.iter().find(|b| !b" \t\n\r".contains(b)) == Some(&b'{');
    if !top_is_object {
        return Err(BAD_JSON);
    }
    if survey.max_depth > MAX_DEPTH {
        return Err(TOO_DEEP);
    }
    match survey.objects.iter().flatten().next() {
        Some(true) => Err(DUPLICATE),
        Some(false) => Err(TOO_MANY),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Reference verification

/// A NumericDate in nanoseconds (rounded up below the nanosecond), or out of range.
fn date(text: &str) -> Result<u128, &'static str> {
    const OOR: &str = "date_out_of_range";
    let (neg, t) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], &t[i + 1..]),
        None => (t, ""),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // Exponent, saturated far beyond any document's digit count.
    let exp: i64 = if exp.is_empty() {
        0
    } else {
        let (sign, digits) = match exp.as_bytes()[0] {
            b'+' => (1, &exp[1..]),
            b'-' => (-1, &exp[1..]),
            _ => (1, exp),
        };
        let digits = digits.trim_start_matches('0');
        if digits.len() > 9 { sign * 1_000_000_000 } else { sign * digits.parse::<i64>().unwrap_or(0) }
    };
    // value = 0.D × 10^point, D the significant digits.
    let all: String = format!("{int}{frac}");
    let lead = all.len() - all.trim_start_matches('0').len();
    let sig = all.trim_start_matches('0').trim_end_matches('0');
    if sig.is_empty() {
        return Ok(0);
    }
    if neg {
        return Err(OOR);
    }
    let point = int.len() as i64 - lead as i64 + exp;
    // Integer seconds need at most 12 digits; then nanoseconds.
    if point > 12 {
        return Err(OOR);
    }
    let mut nanos: u128 = 0;
    let mut rest_nonzero = false;
    // Digit i of `sig` has weight 10^(point - 1 - i) seconds = 10^(point + 8 - i) ns.
    for (i, c) in sig.bytes().enumerate() {
        let d = u128::from(c - b'0');
        let w = point + 8 - i as i64;
        if w >= 0 {
            nanos += d * 10u128.pow(w as u32);
        } else if d != 0 {
            rest_nonzero = true;
        }
    }
    if rest_nonzero {
        nanos += 1;
    }
    if nanos > u128::from(MAX_DATE) * 1_000_000_000 {
        return Err(OOR);
    }
    Ok(nanos)
}

/// Case-insensitive `typ` match with an optional `application/` prefix; bearerkit reads
/// at most 128 bytes of the token's value.
fn typ_matches(found: &str, accepted: &str) -> bool {
    fn strip(s: &str) -> &str {
        match s.get(..12) {
            Some(p) if p.eq_ignore_ascii_case("application/") => &s[12..],
            _ => s,
        }
    }
    found.len() <= 128 && strip(found).eq_ignore_ascii_case(strip(accepted))
}

fn string(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
}

/// What `bearerkit::verify` must say about a token of `token_len` bytes whose (validly
/// signed) header and claims JSON are these bytes, under `policy`.
pub fn expected(policy: &Policy, token_len: usize, header: &[u8], claims: &[u8]) -> Expect {
    let p = policy;
    let lim = |v: Option<u64>| v.is_some_and(|v| v > MAX_DATE);
    if p.max_bytes == Some(0)
        || p.now > MAX_DATE
        || p.leeway() > 3600
        || lim(p.max_lifetime)
        || lim(p.max_expiry_ahead)
        || matches!(&p.audience, Aud::OneOf(l) if l.is_empty())
    {
        return Err(&["invalid_policy"]);
    }
    if token_len > p.max_bytes.unwrap_or(8192) {
        return Err(&["token_too_large"]);
    }
    // An empty header or claims document encodes to an empty segment (RFC 7515 §7.1).
    if header.is_empty() || claims.is_empty() {
        return Err(&["malformed_token"]);
    }
    if mentions_serde_token(header) || mentions_serde_token(claims) {
        return Err(UNKNOWN);
    }
    reference_json(header)?;
    let Ok(Value::Object(h)) = serde_json::from_slice::<Value>(header) else { return Err(BAD_JSON) };
    if string(h.get("alg")) != Some("ES256") {
        return Err(&["unsupported_alg"]);
    }
    for name in ["kid", "typ"] {
        if h.get(name).is_some_and(|v| !v.is_string()) {
            return Err(&["bad_header"]);
        }
    }
    if h.contains_key("crit") {
        return Err(&["unsupported_crit"]);
    }
    match (string(h.get("kid")), &p.kid) {
        (None, _) if p.require_kid => return Err(&["missing_kid"]),
        (Some(found), Some(want)) if found != want => return Err(&["kid_mismatch"]),
        _ => {}
    }
    if let Some(typ) = string(h.get("typ")) {
        let accepted: Vec<&str> = match &p.typ {
            Some(list) => list.iter().map(String::as_str).collect(),
            None => vec!["JWT"],
        };
        if !accepted.iter().any(|a| typ_matches(typ, a)) {
            return Err(&["bad_typ"]);
        }
    }
    reference_json(claims)?;
    let Ok(Value::Object(c)) = serde_json::from_slice::<Value>(claims) else { return Err(BAD_JSON) };
    const TYPE: &[&str] = &["bad_claim_type"];
    for name in ["exp", "nbf", "iat"] {
        if c.get(name).is_some_and(|v| !v.is_number()) {
            return Err(TYPE);
        }
    }
    for name in ["iss", "sub", "jti"] {
        if c.get(name).is_some_and(|v| !v.is_string()) {
            return Err(TYPE);
        }
    }
    let aud: Option<Vec<&str>> = match c.get("aud") {
        None => None,
        Some(Value::String(s)) => Some(vec![s.as_str()]),
        Some(Value::Array(items)) => match items.iter().map(Value::as_str).collect::<Option<Vec<_>>>() {
            Some(list) => Some(list),
            None => return Err(TYPE),
        },
        Some(_) => return Err(TYPE),
    };
    let mut dates = [None; 3];
    for (slot, name) in dates.iter_mut().zip(["exp", "nbf", "iat"]) {
        if let Some(Value::Number(n)) = c.get(name) {
            *slot = Some(date(&n.to_string()).map_err(|_| &["date_out_of_range"][..])?);
        }
    }
    let [exp, nbf, iat] = dates;
    const NS: u128 = 1_000_000_000;
    let now = u128::from(p.now) * NS;
    let leeway = u128::from(p.leeway()) * NS;
    if exp.is_some_and(|e| now >= e + leeway) {
        return Err(&["expired"]);
    }
    if nbf.is_some_and(|n| n > now + leeway) {
        return Err(&["not_yet_valid"]);
    }
    if iat.is_some_and(|i| i > now + leeway) {
        return Err(&["issued_in_future"]);
    }
    if let (Some(max), Some(e), Some(i)) = (p.max_lifetime, exp, iat)
        && e.saturating_sub(i) > u128::from(max) * NS
    {
        return Err(&["lifetime_too_long"]);
    }
    if let (Some(ahead), Some(e)) = (p.max_expiry_ahead, exp)
        && e > now + u128::from(ahead) * NS
    {
        return Err(&["lifetime_too_long"]);
    }
    let (iss, sub) = (string(c.get("iss")), string(c.get("sub")));
    if p.issuer.as_deref().is_some_and(|want| iss != Some(want)) {
        return Err(&["issuer_mismatch"]);
    }
    if p.subject.as_deref().is_some_and(|want| sub != Some(want)) {
        return Err(&["subject_mismatch"]);
    }
    if p.iss_equals_sub && !matches!((iss, sub), (Some(i), Some(s)) if i == s) {
        return Err(&["subject_mismatch"]);
    }
    let accepted: Option<Vec<&str>> = match &p.audience {
        Aud::Any => None,
        Aud::Absent => {
            if aud.is_some() {
                return Err(&["unexpected_audience"]);
            }
            None
        }
        Aud::One(a) => Some(vec![a.as_str()]),
        Aud::OneOf(list) => Some(list.iter().map(String::as_str).collect()),
    };
    if let Some(accepted) = accepted
        && !aud.is_some_and(|aud| aud.iter().any(|a| accepted.contains(a)))
    {
        return Err(&["audience_mismatch"]);
    }
    let limited = p.max_lifetime.is_some() || p.max_expiry_ahead.is_some();
    if (exp.is_none() && (!p.allow_missing_exp || limited)) || (iat.is_none() && p.max_lifetime.is_some()) {
        return Err(&["missing_claim"]);
    }
    if p.required.iter().any(|name| c.get(name).is_none_or(Value::is_null)) {
        return Err(&["missing_claim"]);
    }
    Ok(())
}

/// Check a verification result against the model; `Err` describes the disagreement.
pub fn agrees<T>(got: &Result<T, bearerkit::Error>, want: &Expect) -> Result<(), String> {
    match (got, want) {
        (Ok(_), Ok(())) => Ok(()),
        (_, Err(codes)) if *codes == UNKNOWN => Ok(()),
        (Err(e), Err(codes)) if codes.contains(&e.code()) => Ok(()),
        (Ok(_), Err(codes)) => Err(format!("bearerkit accepted; the model expects {codes:?}")),
        (Err(e), Ok(())) => Err(format!("bearerkit refused with {}; the model accepts", e.code())),
        (Err(e), Err(codes)) => {
            Err(format!("bearerkit refused with {}; the model expects {codes:?}", e.code()))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Forging

/// Unpadded base64url.
pub fn b64(bytes: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(bytes)
}

/// Sign arbitrary header and claims bytes with p256 directly (not bearerkit's builder).
pub fn forge(key: &bearerkit::SigningKey, header: &[u8], claims: &[u8]) -> String {
    use bearerkit::p256::ecdsa::Signature;
    use bearerkit::signature::Signer;
    let input = format!("{}.{}", b64(header), b64(claims));
    let sig: Signature = key.as_p256().sign(input.as_bytes());
    format!("{input}.{}", b64(&sig.to_bytes()))
}

/// The fixed key the generators sign with.
pub fn key() -> bearerkit::SigningKey {
    bearerkit::SigningKey::from_bytes(&[0x42; 32]).expect("a valid scalar")
}
