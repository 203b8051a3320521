//! A compact, allocation-free JSON serializer for header and claims.
//!
//! `serde-json-core` panics (`unreachable!`) on some inputs a caller's `Serialize` type can
//! produce — a `char`, a tuple variant, a custom serialization error — which a library
//! that promises "never a panic" cannot pass on. This serializer writes the same bytes as
//! `serde-json-core` for strings, integers, booleans, sequences, maps and structs (so
//! tokens are unchanged), and turns everything it cannot represent into an error.
//! Floats are written with Rust's shortest round-trip `Display` (no exponent); non-finite
//! floats are refused.

use crate::Error;
use core::fmt::{self, Write as _};
use serde::ser::{self, Serialize};

/// Why serialization stopped.
#[derive(Debug)]
pub(crate) struct SerError(pub(crate) Error);

impl fmt::Display for SerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl core::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Self(Error::ClaimsNotObject)
    }
}

type Res<T = ()> = Result<T, SerError>;

/// Deepest nesting written (the verifier accepts 64 levels; the claims object is one).
const MAX_DEPTH: usize = 60;

/// Serialize `value` as compact JSON into `buf`; returns the length written.
pub(crate) fn to_slice<T: Serialize + ?Sized>(value: &T, buf: &mut [u8]) -> Result<usize, Error> {
    let mut s = Ser { buf, pos: 0, depth: 0 };
    value.serialize(&mut s).map_err(|e| e.0)?;
    Ok(s.pos)
}

struct Ser<'b> {
    buf: &'b mut [u8],
    pos: usize,
    depth: usize,
}

impl Ser<'_> {
    fn push(&mut self, bytes: &[u8]) -> Res {
        let dst =
            self.buf.get_mut(self.pos..self.pos + bytes.len()).ok_or(SerError(Error::BufferTooSmall))?;
        dst.copy_from_slice(bytes);
        self.pos += bytes.len();
        Ok(())
    }

    fn string(&mut self, s: &str) -> Res {
        self.push(b"\"")?;
        for c in s.chars() {
            match c {
                '"' => self.push(b"\\\"")?,
                '\\' => self.push(b"\\\\")?,
                '\u{8}' => self.push(b"\\b")?,
                '\t' => self.push(b"\\t")?,
                '\n' => self.push(b"\\n")?,
                '\u{c}' => self.push(b"\\f")?,
                '\r' => self.push(b"\\r")?,
                '\0'..='\u{1f}' => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    let b = c as u8;
                    self.push(&[
                        b'\\',
                        b'u',
                        b'0',
                        b'0',
                        HEX[usize::from(b >> 4)],
                        HEX[usize::from(b & 15)],
                    ])?;
                }
                _ => {
                    let mut tmp = [0u8; 4];
                    self.push(c.encode_utf8(&mut tmp).as_bytes())?;
                }
            }
        }
        self.push(b"\"")
    }

    fn display(&mut self, v: impl fmt::Display) -> Res {
        struct W<'a, 'b>(&'a mut Ser<'b>);
        impl fmt::Write for W<'_, '_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0.push(s.as_bytes()).map_err(|_| fmt::Error)
            }
        }
        write!(W(self), "{v}").map_err(|_| SerError(Error::BufferTooSmall))
    }

    /// An integer in decimal, without `core::fmt` (keeps firmware small).
    fn uint(&mut self, mut v: u128, negative: bool) -> Res {
        let mut tmp = [0u8; 40];
        let mut i = tmp.len();
        loop {
            i -= 1;
            tmp[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        if negative {
            i -= 1;
            tmp[i] = b'-';
        }
        self.push(&tmp[i..])
    }

    /// A `u64` in decimal by repeated subtraction of powers of ten: no 64-bit division,
    /// which a 32-bit microcontroller would do in software.
    fn u64(&mut self, mut v: u64) -> Res {
        let mut tmp = [0u8; 20];
        let mut n = 0usize;
        const POW10: [u64; 20] = {
            let mut t = [1u64; 20];
            let mut i = 18;
            loop {
                t[i] = t[i + 1] * 10;
                if i == 0 {
                    break;
                }
                i -= 1;
            }
            t
        };
        for p in POW10 {
            let mut d = 0u8;
            while v >= p {
                v -= p;
                d += 1;
            }
            if d > 0 || n > 0 || p == 1 {
                tmp[n] = b'0' + d;
                n += 1;
            }
        }
        self.push(&tmp[..n])
    }

    fn i64(&mut self, v: i64) -> Res {
        if v < 0 {
            self.push(b"-")?;
        }
        self.u64(v.unsigned_abs())
    }

    fn float(&mut self, v: f64) -> Res {
        if !v.is_finite() {
            return Err(SerError(Error::ClaimsNotObject));
        }
        self.display(v)
    }

    /// A `Display` value as a JSON string, escaped piece by piece as it is formatted.
    fn collect<T: fmt::Display + ?Sized>(&mut self, value: &T) -> Res {
        struct Esc<'a, 'b>(&'a mut Ser<'b>);
        impl fmt::Write for Esc<'_, '_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                // `string` writes `"…"`; drop the two quotes around this piece.
                let start = self.0.pos;
                self.0.string(s).map_err(|_| fmt::Error)?;
                let end = self.0.pos;
                self.0.buf.copy_within(start + 1..end - 1, start);
                self.0.pos = end - 2;
                Ok(())
            }
        }
        self.push(b"\"")?;
        write!(Esc(self), "{value}").map_err(|_| SerError(Error::BufferTooSmall))?;
        self.push(b"\"")
    }

    fn open(&mut self, b: &[u8]) -> Res {
        if self.depth >= MAX_DEPTH {
            return Err(SerError(Error::JsonTooDeep));
        }
        self.depth += 1;
        self.push(b)
    }

    fn close(&mut self, b: &[u8]) -> Res {
        self.depth = self.depth.saturating_sub(1);
        self.push(b)
    }
}

/// Sequences, maps and structs: remembers whether a comma is due.
struct Compound<'a, 'b> {
    ser: &'a mut Ser<'b>,
    first: bool,
}

impl Compound<'_, '_> {
    fn comma(&mut self) -> Res {
        if self.first {
            self.first = false;
            Ok(())
        } else {
            self.ser.push(b",")
        }
    }

    fn key(&mut self, key: &str) -> Res {
        self.comma()?;
        self.ser.string(key)?;
        self.ser.push(b":")
    }
}

impl<'a, 'b> ser::Serializer for &'a mut Ser<'b> {
    type Ok = ();
    type Error = SerError;
    type SerializeSeq = Compound<'a, 'b>;
    type SerializeTuple = Compound<'a, 'b>;
    type SerializeTupleStruct = Compound<'a, 'b>;
    type SerializeTupleVariant = Compound<'a, 'b>;
    type SerializeMap = Compound<'a, 'b>;
    type SerializeStruct = Compound<'a, 'b>;
    type SerializeStructVariant = Compound<'a, 'b>;

    fn serialize_bool(self, v: bool) -> Res {
        self.push(if v { b"true" } else { b"false" })
    }
    fn serialize_i8(self, v: i8) -> Res {
        self.i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Res {
        self.i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Res {
        self.i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Res {
        self.i64(v)
    }
    fn serialize_i128(self, v: i128) -> Res {
        self.uint(v.unsigned_abs(), v < 0)
    }
    fn serialize_u8(self, v: u8) -> Res {
        self.u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Res {
        self.u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Res {
        self.u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Res {
        self.u64(v)
    }
    fn serialize_u128(self, v: u128) -> Res {
        self.uint(v, false)
    }
    fn serialize_f32(self, v: f32) -> Res {
        self.float(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Res {
        self.float(v)
    }
    fn serialize_char(self, v: char) -> Res {
        let mut tmp = [0u8; 4];
        self.string(v.encode_utf8(&mut tmp))
    }
    fn serialize_str(self, v: &str) -> Res {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Res {
        // As serde_json does: an array of numbers.
        self.open(b"[")?;
        for (i, b) in v.iter().enumerate() {
            if i > 0 {
                self.push(b",")?;
            }
            self.u64(u64::from(*b))?;
        }
        self.close(b"]")
    }
    fn serialize_none(self) -> Res {
        self.push(b"null")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Res {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Res {
        self.push(b"null")
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Res {
        self.push(b"null")
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Res {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Res {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Res {
        self.open(b"{")?;
        self.string(variant)?;
        self.push(b":")?;
        value.serialize(&mut *self)?;
        self.close(b"}")
    }
    fn serialize_seq(self, _len: Option<usize>) -> Res<Self::SerializeSeq> {
        self.open(b"[")?;
        Ok(Compound { ser: self, first: true })
    }
    fn serialize_tuple(self, len: usize) -> Res<Self::SerializeTuple> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Res<Self::SerializeTupleStruct> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Res<Self::SerializeTupleVariant> {
        self.open(b"{")?;
        self.string(variant)?;
        self.push(b":")?;
        self.open(b"[")?;
        Ok(Compound { ser: self, first: true })
    }
    fn serialize_map(self, _len: Option<usize>) -> Res<Self::SerializeMap> {
        self.open(b"{")?;
        Ok(Compound { ser: self, first: true })
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Res<Self::SerializeStruct> {
        self.open(b"{")?;
        Ok(Compound { ser: self, first: true })
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Res<Self::SerializeStructVariant> {
        self.open(b"{")?;
        self.string(variant)?;
        self.push(b":")?;
        self.open(b"{")?;
        Ok(Compound { ser: self, first: true })
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Res {
        self.collect(value)
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        self.comma()?;
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Res {
        self.ser.close(b"]")
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Res {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Res {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Res {
        self.ser.close(b"]")?;
        self.ser.close(b"}")
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Res {
        self.comma()?;
        key.serialize(KeySer(&mut *self.ser))?;
        self.ser.push(b":")
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Res {
        self.ser.close(b"}")
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
        self.key(key)?;
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Res {
        self.ser.close(b"}")
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
        self.key(key)?;
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Res {
        self.ser.close(b"}")?;
        self.ser.close(b"}")
    }
}

/// Map keys: strings, chars and integers (written as strings, as `serde_json` does).
struct KeySer<'a, 'b>(&'a mut Ser<'b>);

fn bad_key<T>() -> Res<T> {
    Err(SerError(Error::ClaimsNotObject))
}

impl ser::Serializer for KeySer<'_, '_> {
    type Ok = ();
    type Error = SerError;
    type SerializeSeq = ser::Impossible<(), SerError>;
    type SerializeTuple = ser::Impossible<(), SerError>;
    type SerializeTupleStruct = ser::Impossible<(), SerError>;
    type SerializeTupleVariant = ser::Impossible<(), SerError>;
    type SerializeMap = ser::Impossible<(), SerError>;
    type SerializeStruct = ser::Impossible<(), SerError>;
    type SerializeStructVariant = ser::Impossible<(), SerError>;

    fn serialize_str(self, v: &str) -> Res {
        self.0.string(v)
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Res {
        self.collect_str_impl(value)
    }
    fn serialize_char(self, v: char) -> Res {
        let mut tmp = [0u8; 4];
        self.0.string(v.encode_utf8(&mut tmp))
    }
    fn serialize_unit_variant(self, _n: &'static str, _i: u32, variant: &'static str) -> Res {
        self.0.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _n: &'static str, value: &T) -> Res {
        value.serialize(self)
    }
    fn serialize_i8(self, v: i8) -> Res {
        self.int(v)
    }
    fn serialize_i16(self, v: i16) -> Res {
        self.int(v)
    }
    fn serialize_i32(self, v: i32) -> Res {
        self.int(v)
    }
    fn serialize_i64(self, v: i64) -> Res {
        self.int(v)
    }
    fn serialize_u8(self, v: u8) -> Res {
        self.int(v)
    }
    fn serialize_u16(self, v: u16) -> Res {
        self.int(v)
    }
    fn serialize_u32(self, v: u32) -> Res {
        self.int(v)
    }
    fn serialize_u64(self, v: u64) -> Res {
        self.int(v)
    }
    fn serialize_bool(self, _v: bool) -> Res {
        bad_key()
    }
    fn serialize_f32(self, _v: f32) -> Res {
        bad_key()
    }
    fn serialize_f64(self, _v: f64) -> Res {
        bad_key()
    }
    fn serialize_bytes(self, _v: &[u8]) -> Res {
        bad_key()
    }
    fn serialize_none(self) -> Res {
        bad_key()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Res {
        bad_key()
    }
    fn serialize_unit(self) -> Res {
        bad_key()
    }
    fn serialize_unit_struct(self, _n: &'static str) -> Res {
        bad_key()
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _value: &T,
    ) -> Res {
        bad_key()
    }
    fn serialize_seq(self, _len: Option<usize>) -> Res<Self::SerializeSeq> {
        bad_key()
    }
    fn serialize_tuple(self, _len: usize) -> Res<Self::SerializeTuple> {
        bad_key()
    }
    fn serialize_tuple_struct(self, _n: &'static str, _len: usize) -> Res<Self::SerializeTupleStruct> {
        bad_key()
    }
    fn serialize_tuple_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _len: usize,
    ) -> Res<Self::SerializeTupleVariant> {
        bad_key()
    }
    fn serialize_map(self, _len: Option<usize>) -> Res<Self::SerializeMap> {
        bad_key()
    }
    fn serialize_struct(self, _n: &'static str, _len: usize) -> Res<Self::SerializeStruct> {
        bad_key()
    }
    fn serialize_struct_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _len: usize,
    ) -> Res<Self::SerializeStructVariant> {
        bad_key()
    }
}

impl KeySer<'_, '_> {
    fn collect_str_impl<T: fmt::Display + ?Sized>(self, value: &T) -> Res {
        self.0.collect(value)
    }

    fn int(self, v: impl Into<i128>) -> Res {
        let v: i128 = v.into();
        self.0.push(b"\"")?;
        self.0.uint(v.unsigned_abs(), v < 0)?;
        self.0.push(b"\"")
    }
}

#[cfg(test)]
mod tests {
    use super::to_slice;
    use crate::Error;
    use serde::Serialize;

    #[derive(Serialize)]
    enum E {
        Unit,
        Tuple(u8, char),
        Struct { a: i8 },
        New(bool),
    }

    #[derive(Serialize)]
    struct S<'a> {
        c: char,
        s: &'a str,
        f: f64,
        e: [E; 4],
        b: &'a [u8],
        o: Option<u8>,
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let v = S {
            c: 'é',
            s: "q\"\\\n\u{1}/",
            f: 12.5,
            e: [E::Unit, E::Tuple(1, 'x'), E::Struct { a: -3 }, E::New(true)],
            b: &[1, 2],
            o: None,
        };
        let mut buf = [0u8; 256];
        let n = to_slice(&v, &mut buf).unwrap();
        assert_eq!(
            core::str::from_utf8(&buf[..n]).unwrap(),
            r#"{"c":"é","s":"q\"\\\n\u0001/","f":12.5,"e":["Unit",{"Tuple":[1,"x"]},{"Struct":{"a":-3}},{"New":true}],"b":[1,2],"o":null}"#
        );
    }

    #[test]
    fn refuses_instead_of_panicking() {
        let mut buf = [0u8; 64];
        assert_eq!(to_slice(&f64::NAN, &mut buf), Err(Error::ClaimsNotObject));
        assert_eq!(to_slice(&"x".repeat(100).as_str(), &mut buf), Err(Error::BufferTooSmall));
        struct Custom;
        impl Serialize for Custom {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("nope"))
            }
        }
        assert_eq!(to_slice(&Custom, &mut buf), Err(Error::ClaimsNotObject));
        struct BadKey;
        impl Serialize for BadKey {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry(&[1u8], &1u8)?;
                m.end()
            }
        }
        assert_eq!(to_slice(&BadKey, &mut buf), Err(Error::ClaimsNotObject));
    }
}
