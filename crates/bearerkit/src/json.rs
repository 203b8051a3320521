//! JSON, all of it in one place: a strict, non-recursive, allocation-free validator and
//! reader for what a token carries, and the writer and `serde` serializer signing uses.
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

//!
//! Submodules: `lex` (scanning strings, numbers, literals), `validate` (the strict rules),
//! `read` ([`Object`], [`Value`], [`JsonStr`]), `ser` (the `serde` serializer for claims)
//! and `writer` (the byte cursor the encoders write through).

mod lex;
mod read;
// The serializer writes the signed header and claims.
#[cfg(feature = "sign")]
pub(crate) mod ser;
mod validate;
pub(crate) mod writer;

pub use read::{JsonStr, Kind, Object, Value};
pub use validate::{MAX_DEPTH, MAX_MEMBERS, validate_object};
