//! Reading a validated document without copying: objects, values and strings.

use super::lex::{hex4, scan_string, skip_ws};
use crate::Error;
use core::fmt;

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
pub(super) struct Members<'a> {
    doc: &'a [u8],
    pos: usize,
}

impl<'a> Members<'a> {
    /// `doc` starts with `{` (possibly a valid prefix of an object).
    pub(super) fn new_prefix(doc: &'a [u8]) -> Self {
        let start = skip_ws(doc, 0);
        Self { doc, pos: start + 1 }
    }

    pub(super) fn next_member(&mut self) -> Option<(JsonStr<'a>, Value<'a>)> {
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
    pub(super) raw: &'a str,
}

impl<'a> Object<'a> {
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
    pub(super) raw: &'a str,
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
    use crate::json::Object;

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
