//! Lexical scanning shared by the validator and the reader: whitespace, strings,
//! numbers and literals, on bytes, never panicking.

use crate::Error;

#[inline]
pub(super) fn skip_ws(doc: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = doc.get(pos) {
        pos += 1;
    }
    pos
}

pub(super) fn hex4(doc: &[u8], pos: usize) -> Result<u16, Error> {
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
pub(super) fn scan_string(doc: &[u8], start: usize) -> Result<usize, Error> {
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
pub(super) fn scan_number(doc: &[u8], start: usize) -> Result<usize, Error> {
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

pub(super) fn scan_literal(doc: &[u8], start: usize, lit: &[u8]) -> Result<usize, Error> {
    if doc.get(start..start + lit.len()) == Some(lit) { Ok(start + lit.len()) } else { Err(Error::BadJson) }
}
