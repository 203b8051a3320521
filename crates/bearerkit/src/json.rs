//! A strict, non-recursive, allocation-free JSON validator and reader.
//!
//! [`validate_object`] checks a document against RFC 8259 with the extra rules of the
//! verification contract: one object at the top level, strict UTF-8, no BOM, no
//! lone surrogate escapes, no duplicate member names (compared after unescaping), bounded
//! nesting and no trailing data. Once a document is validated, [`Object`] reads its
//! top-level members without copying.
//!
//! The work is linear in the document's length whatever its size: one pass checks the
//! syntax, then each object's member names (at most [`MAX_MEMBERS`]) are collected once and
//! compared with each other, so no value is read more than once per enclosing object (at
//! most [`MAX_DEPTH`] times). A document with a syntax error reports it before any
//! duplicate or member-count error.

use crate::Error;
use core::fmt;

/// Deepest nesting accepted (objects and arrays together).
pub const MAX_DEPTH: usize = 64;

/// Most members accepted in one object. The duplicate check compares each name with the
/// earlier ones of its object (kept on the stack, never re-read from the document), so this
/// bounds its cost per name on unauthenticated input.
pub const MAX_MEMBERS: usize = 128;

#[inline]
fn skip_ws(doc: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = doc.get(pos) {
        pos += 1;
    }
    pos
}

fn hex4(doc: &[u8], pos: usize) -> Result<u16, Error> {
    let digits = doc.get(pos..pos + 4).ok_or(Error::BadJson)?;
    let mut v: u16 = 0;
    for &d in digits {
        let n = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            b'A'..=b'F' => d - b'A' + 10,
            _ => return Err(Error::BadJson),
        };
        v = (v << 4) | u16::from(n);
    }
    Ok(v)
}

/// Scan a string starting at the opening quote; returns the index just past the closing quote.
fn scan_string(doc: &[u8], start: usize) -> Result<usize, Error> {
    let mut pos = start + 1;
    loop {
        let b = *doc.get(pos).ok_or(Error::BadJson)?;
        match b {
            b'"' => return Ok(pos + 1),
            0..=0x1f => return Err(Error::BadJson),
            b'\\' => {
                let e = *doc.get(pos + 1).ok_or(Error::BadJson)?;
                match e {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => pos += 2,
                    b'u' => {
                        let cu = hex4(doc, pos + 2)?;
                        pos += 6;
                        if (0xD800..0xDC00).contains(&cu) {
                            // A high surrogate must be followed by an escaped low surrogate.
                            if doc.get(pos) != Some(&b'\\') || doc.get(pos + 1) != Some(&b'u') {
                                return Err(Error::BadJson);
                            }
                            let lo = hex4(doc, pos + 2)?;
                            if !(0xDC00..0xE000).contains(&lo) {
                                return Err(Error::BadJson);
                            }
                            pos += 6;
                        } else if (0xDC00..0xE000).contains(&cu) {
                            return Err(Error::BadJson);
                        }
                    }
                    _ => return Err(Error::BadJson),
                }
            }
            _ => pos += 1,
        }
    }
}

/// Scan an RFC 8259 number; returns the index just past it.
fn scan_number(doc: &[u8], start: usize) -> Result<usize, Error> {
    let mut pos = start;
    let digit = |p: usize| matches!(doc.get(p), Some(b'0'..=b'9'));
    if doc.get(pos) == Some(&b'-') {
        pos += 1;
    }
    match doc.get(pos) {
        Some(b'0') => pos += 1,
        Some(b'1'..=b'9') => {
            while digit(pos) {
                pos += 1;
            }
        }
        _ => return Err(Error::BadJson),
    }
    if doc.get(pos) == Some(&b'.') {
        pos += 1;
        if !digit(pos) {
            return Err(Error::BadJson);
        }
        while digit(pos) {
            pos += 1;
        }
    }
    if let Some(b'e' | b'E') = doc.get(pos) {
        pos += 1;
        if let Some(b'+' | b'-') = doc.get(pos) {
            pos += 1;
        }
        if !digit(pos) {
            return Err(Error::BadJson);
        }
        while digit(pos) {
            pos += 1;
        }
    }
    Ok(pos)
}

fn scan_literal(doc: &[u8], start: usize, lit: &[u8]) -> Result<usize, Error> {
    if doc.get(start..start + lit.len()) == Some(lit) { Ok(start + lit.len()) } else { Err(Error::BadJson) }
}

/// Validate `doc` as one strict JSON object (see the module docs).
///
/// # Errors
/// [`Error::BadJson`], [`Error::DuplicateMember`], [`Error::JsonTooDeep`] or
/// [`Error::TooManyMembers`].
pub fn validate_object(doc: &[u8]) -> Result<(), Error> {
    check_syntax(doc)?;
    check_names(doc)
}

/// Pass 1: RFC 8259 syntax, a single top-level object, bounded nesting, nothing after it.
fn check_syntax(doc: &[u8]) -> Result<(), Error> {
    if core::str::from_utf8(doc).is_err() {
        return Err(Error::BadJson);
    }
    // A BOM is not whitespace in RFC 8259, so it is rejected by the first-byte check below.
    let mut pos = skip_ws(doc, 0);
    if doc.get(pos) != Some(&b'{') {
        return Err(Error::BadJson);
    }
    // Per depth: is it an object (else an array).
    let mut is_object = [false; MAX_DEPTH];
    let mut depth = 0usize;
    // `true` when the next thing to read is a value; otherwise a separator or a closer.
    let mut want_value = true;
    loop {
        pos = skip_ws(doc, pos);
        let b = *doc.get(pos).ok_or(Error::BadJson)?;
        if want_value {
            match b {
                b'{' | b'[' => {
                    let slot = is_object.get_mut(depth).ok_or(Error::JsonTooDeep)?;
                    *slot = b == b'{';
                    depth += 1;
                    pos = skip_ws(doc, pos + 1);
                    let close = if b == b'{' { b'}' } else { b']' };
                    if doc.get(pos) == Some(&close) {
                        depth -= 1;
                        pos += 1;
                        want_value = false;
                        if depth == 0 {
                            break;
                        }
                        continue;
                    }
                    if b == b'{' {
                        pos = read_key(doc, pos)?;
                    }
                    continue;
                }
                b'"' => pos = scan_string(doc, pos)?,
                b't' => pos = scan_literal(doc, pos, b"true")?,
                b'f' => pos = scan_literal(doc, pos, b"false")?,
                b'n' => pos = scan_literal(doc, pos, b"null")?,
                b'-' | b'0'..=b'9' => pos = scan_number(doc, pos)?,
                _ => return Err(Error::BadJson),
            }
            want_value = false;
        } else {
            let top = depth.checked_sub(1).ok_or(Error::BadJson)?;
            let in_object = *is_object.get(top).ok_or(Error::BadJson)?;
            match (b, in_object) {
                (b',', true) => {
                    pos = read_key(doc, skip_ws(doc, pos + 1))?;
                    want_value = true;
                }
                (b',', false) => {
                    pos += 1;
                    want_value = true;
                }
                (b'}', true) | (b']', false) => {
                    pos += 1;
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => return Err(Error::BadJson),
            }
        }
    }
    if skip_ws(doc, pos) != doc.len() {
        return Err(Error::BadJson);
    }
    Ok(())
}

/// Read `"key" :` at `pos`; returns the position after the colon.
fn read_key(doc: &[u8], pos: usize) -> Result<usize, Error> {
    if doc.get(pos) != Some(&b'"') {
        return Err(Error::BadJson);
    }
    let colon = skip_ws(doc, scan_string(doc, pos)?);
    if doc.get(colon) != Some(&b':') {
        return Err(Error::BadJson);
    }
    Ok(colon + 1)
}

/// Pass 2, on a syntactically valid document: in every object, at most [`MAX_MEMBERS`]
/// members and no two names equal after unescaping.
fn check_names(doc: &[u8]) -> Result<(), Error> {
    let mut pos = 0usize;
    while let Some(&b) = doc.get(pos) {
        match b {
            // Strings are skipped whole, so a `{` inside one is not taken for an object.
            b'"' => pos = scan_string(doc, pos)?,
            b'{' => {
                check_object_names(doc.get(pos..).unwrap_or_default())?;
                pos += 1;
            }
            _ => pos += 1,
        }
    }
    Ok(())
}

/// The names of the object `obj` starts with, each compared once with the earlier ones
/// (kept here, so no earlier value is read again).
fn check_object_names(obj: &[u8]) -> Result<(), Error> {
    let mut names = [JsonStr { raw: "" }; MAX_MEMBERS];
    let mut count = 0usize;
    let mut members = Members::new_prefix(obj);
    while let Some((name, _)) = members.next_member() {
        let (seen, rest) = names.split_at_mut(count);
        let slot = rest.first_mut().ok_or(Error::TooManyMembers)?;
        if seen.iter().any(|earlier| earlier.eq_json(&name)) {
            return Err(Error::DuplicateMember);
        }
        *slot = name;
        count += 1;
    }
    Ok(())
}

/// The text between the quotes of a scanned string.
fn raw_str(doc: &[u8], start: usize, end: usize) -> JsonStr<'_> {
    let bytes = doc.get(start + 1..end - 1).unwrap_or_default();
    // The document was checked to be UTF-8 and quotes are ASCII, so this cannot fail.
    JsonStr { raw: core::str::from_utf8(bytes).unwrap_or_default() }
}

/// Skip one value in a document already known to be valid; returns the end index.
fn skip_value(doc: &[u8], mut pos: usize) -> usize {
    match doc.get(pos) {
        Some(b'"') => scan_string(doc, pos).unwrap_or(doc.len()),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            loop {
                match doc.get(pos) {
                    None => return pos,
                    Some(b'"') => pos = scan_string(doc, pos).unwrap_or(doc.len()),
                    Some(b'{' | b'[') => {
                        depth += 1;
                        pos += 1;
                    }
                    Some(b'}' | b']') => {
                        depth = depth.saturating_sub(1);
                        pos += 1;
                        if depth == 0 {
                            return pos;
                        }
                    }
                    Some(_) => pos += 1,
                }
            }
        }
        _ => {
            while let Some(b) = doc.get(pos) {
                if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                pos += 1;
            }
            pos
        }
    }
}

/// Iterates `(name, value)` over the members of one object.
struct Members<'a> {
    doc: &'a [u8],
    pos: usize,
}

impl<'a> Members<'a> {
    /// `doc` starts with `{` (possibly a valid prefix of an object).
    fn new_prefix(doc: &'a [u8]) -> Self {
        let start = skip_ws(doc, 0);
        Self { doc, pos: start + 1 }
    }

    fn next_member(&mut self) -> Option<(JsonStr<'a>, Value<'a>)> {
        let doc = self.doc;
        let mut pos = skip_ws(doc, self.pos);
        if doc.get(pos) == Some(&b',') {
            pos = skip_ws(doc, pos + 1);
        }
        if doc.get(pos) != Some(&b'"') {
            self.pos = doc.len();
            return None;
        }
        let end = scan_string(doc, pos).ok()?;
        let key = raw_str(doc, pos, end);
        let colon = skip_ws(doc, end);
        let vstart = skip_ws(doc, colon + 1);
        let vend = skip_value(doc, vstart);
        self.pos = vend;
        Some((key, Value { raw: doc.get(vstart..vend)? }))
    }
}

/// A validated JSON object, read without copying.
#[derive(Clone, Copy)]
pub struct Object<'a> {
    raw: &'a str,
}

impl<'a> Object<'a> {
    /// Validate and wrap.
    ///
    /// # Errors
    /// As [`validate_object`].
    pub fn parse(doc: &'a [u8]) -> Result<Self, Error> {
        validate_object(doc)?;
        let raw = core::str::from_utf8(doc).map_err(|_| Error::BadJson)?;
        Ok(Self { raw })
    }

    /// The object's JSON text exactly as it appeared in the token.
    #[must_use]
    pub fn as_str(&self) -> &'a str {
        self.raw
    }

    /// The member named `name`, if present.
    #[must_use]
    #[inline(never)]
    pub fn get(&self, name: &str) -> Option<Value<'a>> {
        self.members().find(|(k, _)| k.eq_str(name)).map(|(_, v)| v)
    }

    /// All members in document order.
    pub fn members(&self) -> impl Iterator<Item = (JsonStr<'a>, Value<'a>)> + 'a {
        let mut m = Members::new_prefix(self.raw.as_bytes());
        core::iter::from_fn(move || m.next_member())
    }
}

impl fmt::Debug for Object<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.raw)
    }
}

/// The JSON type of a [`Value`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `null`
    Null,
    /// `true` / `false`
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

/// One JSON value from a validated document, as raw text.
#[derive(Clone, Copy)]
pub struct Value<'a> {
    raw: &'a [u8],
}

impl<'a> Value<'a> {
    /// Its JSON type.
    #[must_use]
    pub fn kind(&self) -> Kind {
        match self.raw.first() {
            Some(b'n') | None => Kind::Null,
            Some(b't' | b'f') => Kind::Bool,
            Some(b'"') => Kind::String,
            Some(b'[') => Kind::Array,
            Some(b'{') => Kind::Object,
            Some(_) => Kind::Number,
        }
    }

    /// The raw JSON text.
    #[must_use]
    pub fn as_raw(&self) -> &'a str {
        core::str::from_utf8(self.raw).unwrap_or_default()
    }

    /// The string, if this is one.
    #[must_use]
    pub fn as_json_str(&self) -> Option<JsonStr<'a>> {
        if self.kind() == Kind::String { Some(raw_str(self.raw, 0, self.raw.len())) } else { None }
    }

    /// The boolean, if this is one.
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match self.raw {
            b"true" => Some(true),
            b"false" => Some(false),
            _ => None,
        }
    }

    /// The number as `f64`, if this is a number (may be infinite for huge exponents).
    #[must_use]
    pub fn as_f64(&self) -> Option<f64> {
        if self.kind() == Kind::Number { self.as_raw().parse::<f64>().ok() } else { None }
    }

    /// The elements, if this is an array.
    pub fn array_items(&self) -> Option<impl Iterator<Item = Value<'a>> + 'a> {
        if self.kind() != Kind::Array {
            return None;
        }
        let doc = self.raw;
        let mut pos = 1usize;
        Some(core::iter::from_fn(move || {
            pos = skip_ws(doc, pos);
            if doc.get(pos) == Some(&b',') {
                pos = skip_ws(doc, pos + 1);
            }
            match doc.get(pos) {
                None | Some(b']') => None,
                Some(_) => {
                    let end = skip_value(doc, pos);
                    let v = Value { raw: doc.get(pos..end)? };
                    pos = end;
                    Some(v)
                }
            }
        }))
    }

    /// The object, if this is one.
    #[must_use]
    pub fn as_object(&self) -> Option<Object<'a>> {
        if self.kind() == Kind::Object { Some(Object { raw: self.as_raw() }) } else { None }
    }
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_raw())
    }
}

/// A JSON string from a validated document, still escaped; compare and read it without
/// allocating.
#[derive(Clone, Copy)]
pub struct JsonStr<'a> {
    raw: &'a str,
}

impl<'a> JsonStr<'a> {
    /// The escaped text between the quotes.
    #[must_use]
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// The string itself when it contains no escape sequence (the common case).
    #[must_use]
    pub fn as_str(&self) -> Option<&'a str> {
        if self.raw.contains('\\') { None } else { Some(self.raw) }
    }

    /// The unescaped characters.
    pub fn chars(&self) -> impl Iterator<Item = char> + 'a {
        let b = self.raw.as_bytes();
        let s = self.raw;
        let mut pos = 0usize;
        core::iter::from_fn(move || {
            let c = *b.get(pos)?;
            if c != b'\\' {
                let ch = s.get(pos..)?.chars().next()?;
                pos += ch.len_utf8();
                return Some(ch);
            }
            let e = *b.get(pos + 1)?;
            pos += 2;
            Some(match e {
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let hi = hex4(b, pos).ok()?;
                    pos += 4;
                    if (0xD800..0xDC00).contains(&hi) {
                        let lo = hex4(b, pos + 2).ok()?;
                        pos += 6;
                        let cp = 0x10000 + ((u32::from(hi) - 0xD800) << 10) + (u32::from(lo) - 0xDC00);
                        char::from_u32(cp)?
                    } else {
                        char::from_u32(u32::from(hi))?
                    }
                }
                other => char::from(other),
            })
        })
    }

    /// Whether the unescaped string equals `s`.
    #[must_use]
    pub fn eq_str(&self, s: &str) -> bool {
        match self.as_str() {
            Some(plain) => plain == s,
            None => self.chars().eq(s.chars()),
        }
    }

    /// Whether two JSON strings are equal after unescaping.
    #[must_use]
    pub fn eq_json(&self, other: &JsonStr<'_>) -> bool {
        let (a, b) = (self.raw.as_bytes(), other.raw.as_bytes());
        // Byte by byte while neither has an escape: a difference there is a difference of
        // the unescaped strings (the same prefix unescapes the same way, and two different
        // literal bytes at one position belong to different characters).
        for (x, y) in a.iter().zip(b) {
            if *x == b'\\' || *y == b'\\' {
                return self.chars().eq(other.chars());
            }
            if x != y {
                return false;
            }
        }
        // One is a prefix of the other without escapes: equal only if the lengths are (any
        // remaining text, escaped or not, is at least one more character).
        a.len() == b.len()
    }

    /// Unescape into `buf` and return the string.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] when `buf` cannot hold it.
    pub fn unescape_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, Error> {
        let mut n = 0usize;
        for ch in self.chars() {
            let len = ch.len_utf8();
            let dst = buf.get_mut(n..n + len).ok_or(Error::BufferTooSmall)?;
            ch.encode_utf8(dst);
            n += len;
        }
        let out = buf.get(..n).ok_or(Error::BufferTooSmall)?;
        core::str::from_utf8(out).map_err(|_| Error::BadJson)
    }

    /// The unescaped string.
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn to_string_unescaped(&self) -> alloc::string::String {
        self.chars().collect()
    }
}

impl fmt::Display for JsonStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use core::fmt::Write;
        for ch in self.chars() {
            f.write_char(ch)?;
        }
        Ok(())
    }
}

impl fmt::Debug for JsonStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_rejects() {
        let ok: &[&[u8]] = &[
            br#"{}"#,
            br#" { "a" : 1 , "b":[1,2,{"c":null}], "d":"\u00e9\ud83d\ude00" } "#,
            br#"{"a":-0.5e+10,"b":true,"c":false,"d":{}}"#,
            br#"{"a":{"a":1},"b":{"a":2}}"#,
        ];
        for d in ok {
            assert_eq!(validate_object(d), Ok(()), "{}", core::str::from_utf8(d).unwrap());
        }
        let bad: &[(&[u8], Error)] = &[
            (b"", Error::BadJson),
            (b"[]", Error::BadJson),
            (b"{", Error::BadJson),
            (b"{}x", Error::BadJson),
            (b"{}{}", Error::BadJson),
            (br#"{"a":1,}"#, Error::BadJson),
            (br#"{"a":01}"#, Error::BadJson),
            (br#"{"a":NaN}"#, Error::BadJson),
            (br#"{"a":1.}"#, Error::BadJson),
            (br#"{'a':1}"#, Error::BadJson),
            (br#"{"a":"\ud800"}"#, Error::BadJson),
            (br#"{"a":"\udc00"}"#, Error::BadJson),
            (br#"{"a":"\x"}"#, Error::BadJson),
            (b"{\"a\":\"\x01\"}", Error::BadJson),
            (b"\xef\xbb\xbf{}", Error::BadJson),
            (b"{\"a\":\"\xff\"}", Error::BadJson),
            (br#"{"a"}"#, Error::BadJson),
            (br#"{"a":1 /* c */}"#, Error::BadJson),
            (br#"{"a":1,"a":2}"#, Error::DuplicateMember),
            (br#"{"a":1,"\u0061":2}"#, Error::DuplicateMember),
            (br#"{"x":{"a":1,"b":[{"q":1}],"a":2}}"#, Error::DuplicateMember),
        ];
        for (d, e) in bad {
            assert_eq!(validate_object(d), Err(*e), "{:?}", d);
        }
    }

    #[test]
    fn depth_bound() {
        let mut doc = [0u8; 2100];
        doc[0] = b'{';
        doc[1..5].copy_from_slice(b"\"a\":");
        for b in &mut doc[5..1005] {
            *b = b'[';
        }
        for b in &mut doc[1005..2005] {
            *b = b']';
        }
        doc[2005] = b'}';
        assert_eq!(validate_object(&doc[..2006]), Err(Error::JsonTooDeep));
        // 40 levels pass.
        let mut d2 = [0u8; 100];
        d2[..5].copy_from_slice(b"{\"a\":");
        for b in &mut d2[5..44] {
            *b = b'[';
        }
        for b in &mut d2[44..83] {
            *b = b']';
        }
        d2[83] = b'}';
        assert_eq!(validate_object(&d2[..84]), Ok(()));
    }

    #[test]
    fn reader() {
        let o =
            Object::parse(br#"{"iss":"a\"b","aud":["x", "y"],"exp":1.5e3,"n":{"k":[1,{"z":2}]},"t":true}"#)
                .unwrap();
        assert!(o.get("iss").unwrap().as_json_str().unwrap().eq_str("a\"b"));
        let aud: usize = o.get("aud").unwrap().array_items().unwrap().count();
        assert_eq!(aud, 2);
        assert_eq!(o.get("exp").unwrap().as_f64(), Some(1500.0));
        assert_eq!(o.get("n").unwrap().kind(), Kind::Object);
        assert_eq!(o.get("t").unwrap().as_bool(), Some(true));
        assert!(o.get("missing").is_none());
        assert_eq!(o.members().count(), 5);
    }
}
