//! The strict validator: syntax in one pass, then member names per object.

use super::lex::{scan_literal, scan_number, scan_string, skip_ws};
use super::read::{JsonStr, Members, Object};
use crate::Error;

/// Deepest nesting accepted (objects and arrays together).
pub const MAX_DEPTH: usize = 64;

/// Most members accepted in one object. The duplicate check compares each name with the
/// earlier ones of its object (kept on the stack, never re-read from the document), so this
/// bounds its cost per name on unauthenticated input.
pub const MAX_MEMBERS: usize = 128;

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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

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
}
