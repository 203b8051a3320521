//! Building and signing ES256 JWT assertions into a caller's buffer.

use crate::json::writer::Writer;
use crate::{Error, json};
use base64ct::{Base64UrlUnpadded, Encoding};
use p256::ecdsa::Signature;
use serde::Serialize;
use serde::ser::SerializeSeq;
use signature::Signer;

/// The `aud` claim (RFC 7519 §4.1.3): one string or a list of strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Audience<'a> {
    /// No `aud` claim.
    #[default]
    None,
    /// `"aud": "value"`.
    One(&'a str),
    /// `"aud": ["a", "b"]`.
    Many(&'a [&'a str]),
}

impl Audience<'_> {
    fn is_none(&self) -> bool {
        matches!(self, Self::None)
    }
}

impl Serialize for Audience<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::None => s.serialize_none(),
            Self::One(a) => s.serialize_str(a),
            Self::Many(list) => {
                let mut seq = s.serialize_seq(Some(list.len()))?;
                for a in *list {
                    seq.serialize_element(a)?;
                }
                seq.end()
            }
        }
    }
}

/// No private claims.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct NoClaims {}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    typ: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<&'a str>,
}

#[derive(Serialize)]
struct Registered<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<&'a str>,
    #[serde(skip_serializing_if = "Audience::is_none")]
    aud: Audience<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nbf: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iat: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jti: Option<&'a str>,
}

/// A JWT assertion to sign with ES256: registered claims, header `kid`/`typ`, and optional
/// private claims.
///
/// Serialization is canonical, so the same inputs give the same bytes in every runtime:
/// the header is `{"alg":"ES256"[,"typ":…][,"kid":…]}`; the claims are `iss`, `sub`, `aud`,
/// `exp`, `nbf`, `iat`, `jti` (each only when set) followed by the private claims in their
/// own order. Signatures are RFC 6979 deterministic with the built-in [`crate::SigningKey`].
///
/// ```
/// # fn main() -> Result<(), bearerkit::Error> {
/// use bearerkit::{Assertion, SigningKey};
/// let key = SigningKey::from_bytes(&[7u8; 32])?;
/// let mut buf = [0u8; 512];
/// let token = Assertion::new()
///     .issuer("issuer-123")
///     .subject("issuer-123")
///     .audience("prd")
///     .key_id("k1")
///     .issued_at(1_700_000_000)
///     .expires_in(300)
///     .sign(&key, &mut buf)?;
/// assert_eq!(token.split('.').count(), 3);
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
#[must_use]
pub struct Assertion<'a, C: Serialize = NoClaims> {
    iss: Option<&'a str>,
    sub: Option<&'a str>,
    aud: Audience<'a>,
    exp: Option<u64>,
    expires_in: Option<u64>,
    nbf: Option<u64>,
    iat: Option<u64>,
    jti: Option<&'a str>,
    kid: Option<&'a str>,
    typ: Option<&'a str>,
    private: Option<&'a C>,
    private_json: Option<&'a str>,
}

impl Default for Assertion<'_, NoClaims> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> Assertion<'a, NoClaims> {
    /// An empty assertion: no claims, no `kid`, no `typ`.
    pub const fn new() -> Self {
        Self {
            iss: None,
            sub: None,
            aud: Audience::None,
            exp: None,
            expires_in: None,
            nbf: None,
            iat: None,
            jti: None,
            kid: None,
            typ: None,
            private: None,
            private_json: None,
        }
    }
}

impl<'a, C: Serialize> Assertion<'a, C> {
    /// `iss` (RFC 7519 §4.1.1).
    pub const fn issuer(mut self, iss: &'a str) -> Self {
        self.iss = Some(iss);
        self
    }
    /// `sub` (RFC 7519 §4.1.2).
    pub const fn subject(mut self, sub: &'a str) -> Self {
        self.sub = Some(sub);
        self
    }
    /// `aud` as one string (RFC 7519 §4.1.3).
    pub const fn audience(mut self, aud: &'a str) -> Self {
        self.aud = Audience::One(aud);
        self
    }
    /// `aud` as a list of strings (RFC 7519 §4.1.3).
    pub const fn audiences(mut self, aud: &'a [&'a str]) -> Self {
        self.aud = Audience::Many(aud);
        self
    }
    /// `exp` as seconds since the epoch (RFC 7519 §4.1.4). Overrides [`Self::expires_in`].
    pub const fn expires_at(mut self, exp: u64) -> Self {
        self.exp = Some(exp);
        self.expires_in = None;
        self
    }
    /// `exp` = `iat` + `secs`; needs [`Self::issued_at`].
    pub const fn expires_in(mut self, secs: u64) -> Self {
        self.expires_in = Some(secs);
        self.exp = None;
        self
    }
    /// `nbf` (RFC 7519 §4.1.5).
    pub const fn not_before(mut self, nbf: u64) -> Self {
        self.nbf = Some(nbf);
        self
    }
    /// `iat` (RFC 7519 §4.1.6): usually the `now` the caller passes in.
    pub const fn issued_at(mut self, iat: u64) -> Self {
        self.iat = Some(iat);
        self
    }
    /// `jti` (RFC 7519 §4.1.7): a unique id, required by RFC 7523 §3 servers that prevent replay.
    pub const fn jwt_id(mut self, jti: &'a str) -> Self {
        self.jti = Some(jti);
        self
    }
    /// Header `kid` (RFC 7515 §4.1.4).
    pub const fn key_id(mut self, kid: &'a str) -> Self {
        self.kid = Some(kid);
        self
    }
    /// Header `typ` (RFC 7515 §4.1.9), for example `JWT` or `client-authentication+jwt`.
    pub const fn typ(mut self, typ: &'a str) -> Self {
        self.typ = Some(typ);
        self
    }
    /// Private claims from any `Serialize` value that serializes to a JSON object; its
    /// members follow the registered claims. Floats are written in Rust's shortest
    /// round-trip form (`1.0` as `1`), which other JSON encoders may spell differently: for
    /// byte-identical tokens across runtimes, keep private claims to strings, integers,
    /// booleans, null, arrays and objects. A member that repeats a registered claim is
    /// refused with [`Error::DuplicateMember`] when signing.
    pub fn claims<C2: Serialize>(self, claims: &'a C2) -> Assertion<'a, C2> {
        Assertion {
            iss: self.iss,
            sub: self.sub,
            aud: self.aud,
            exp: self.exp,
            expires_in: self.expires_in,
            nbf: self.nbf,
            iat: self.iat,
            jti: self.jti,
            kid: self.kid,
            typ: self.typ,
            private: Some(claims),
            private_json: self.private_json,
        }
    }
    /// Private claims as JSON object text (as the bindings pass them); checked strictly
    /// when signing. Its members follow those given with [`Self::claims`].
    pub const fn claims_json(mut self, json: &'a str) -> Self {
        self.private_json = Some(json);
        self
    }

    /// The `kid` set so far.
    #[must_use]
    pub const fn kid(&self) -> Option<&'a str> {
        self.kid
    }

    /// `exp`, computed from `expires_in` when needed. Every date must lie in the range
    /// verification accepts (`0..=`[`crate::MAX_DATE`]): signing a token no verifier can
    /// accept is refused with [`Error::DateOutOfRange`].
    fn exp(&self) -> Result<Option<u64>, Error> {
        let exp = match (self.exp, self.expires_in, self.iat) {
            (Some(exp), _, _) => Some(exp),
            (None, Some(secs), Some(iat)) => Some(iat.saturating_add(secs)),
            (None, Some(_), None) => return Err(Error::MissingClaim),
            (None, None, _) => None,
        };
        if [exp, self.nbf, self.iat].iter().flatten().any(|d| *d > crate::MAX_DATE) {
            return Err(Error::DateOutOfRange);
        }
        Ok(exp)
    }

    /// Write the header JSON into `buf`.
    fn header_json<'b>(&self, alg: &str, buf: &'b mut [u8]) -> Result<&'b [u8], Error> {
        let header = Header { alg, typ: self.typ, kid: self.kid };
        let n = crate::json::ser::to_slice(&header, buf)?;
        buf.get(..n).ok_or(Error::BufferTooSmall)
    }

    /// Write the claims JSON into `buf`.
    fn claims_json_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b [u8], Error> {
        let reg = Registered {
            iss: self.iss,
            sub: self.sub,
            aud: self.aud,
            exp: self.exp()?,
            nbf: self.nbf,
            iat: self.iat,
            jti: self.jti,
        };
        let mut len = crate::json::ser::to_slice(&reg, buf)?;
        if let Some(private) = self.private {
            let tail = buf.get_mut(len..).ok_or(Error::BufferTooSmall)?;
            let n = crate::json::ser::to_slice(private, tail)?;
            len = splice(buf, len, n)?;
        }
        if let Some(private) = self.private_json {
            let text = private.as_bytes().trim_ascii();
            json::validate_object(text).map_err(|e| match e {
                Error::BadJson => Error::ClaimsNotObject,
                other => other,
            })?;
            let tail = buf.get_mut(len..len + text.len()).ok_or(Error::BufferTooSmall)?;
            tail.copy_from_slice(text);
            len = splice(buf, len, text.len())?;
        }
        let out = buf.get(..len).ok_or(Error::BufferTooSmall)?;
        // Private claims may repeat a registered one, or nest badly: check the result. The
        // registered claims alone are well-formed by construction (distinct names, escaped
        // strings, integers, one array level), so they skip the second pass.
        if self.private.is_some() || self.private_json.is_some() {
            json::validate_object(out).map_err(|e| match e {
                Error::BadJson => Error::ClaimsNotObject,
                other => other,
            })?;
        } else {
            debug_assert!(json::validate_object(out).is_ok(), "registered claims serialize to valid JSON");
        }
        Ok(out)
    }

    /// The JWS signing input `b64(header).b64(claims)` written into `buf`.
    ///
    /// # Errors
    /// As [`Self::sign`], except signer errors.
    pub fn signing_input<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, Error> {
        let len = self.write_signing_input("ES256", buf)?;
        let out = buf.get(..len).ok_or(Error::BufferTooSmall)?;
        core::str::from_utf8(out).map_err(|_| Error::BufferTooSmall)
    }

    fn write_signing_input(&self, alg: &str, buf: &mut [u8]) -> Result<usize, Error> {
        let h = self.header_json(alg, buf)?.len();
        let hb = encode_tail(buf, 0, h)?;
        *buf.get_mut(hb).ok_or(Error::BufferTooSmall)? = b'.';
        let start = hb + 1;
        let c = {
            let tail = buf.get_mut(start..).ok_or(Error::BufferTooSmall)?;
            self.claims_json_into(tail)?.len()
        };
        encode_tail(buf, start, c)
    }

    /// Sign with `signer` into `buf` and return the compact JWS.
    ///
    /// `signer` is anything implementing [`signature::Signer`] for
    /// [`p256::ecdsa::Signature`]: a [`crate::SigningKey`], or a wrapper around an HSM or a
    /// cloud KMS (see [`crate::der_to_raw_signature`] for signers that return DER).
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] when `buf` cannot hold the token and its JSON;
    /// [`Error::MissingClaim`] for `expires_in` without `issued_at`;
    /// [`Error::DateOutOfRange`] for `exp`, `nbf` or `iat` after [`crate::MAX_DATE`]
    /// (9999-12-31T23:59:59Z), which no verifier accepts;
    /// [`Error::DuplicateMember`] or [`Error::ClaimsNotObject`] for bad private claims;
    /// [`Error::SignerFailed`] when the signer fails.
    pub fn sign<'b, S>(&self, signer: &S, buf: &'b mut [u8]) -> Result<&'b str, Error>
    where
        S: Signer<Signature> + ?Sized,
    {
        let len = self.write_signing_input("ES256", buf)?;
        let input = buf.get(..len).ok_or(Error::BufferTooSmall)?;
        let sig = signer.try_sign(input).map_err(|_| Error::SignerFailed)?;
        let mut w = Writer::at(buf, len);
        w.push(b".")?;
        w.push_b64(&sig.to_bytes())?;
        w.finish_str()
    }

    /// Sign with any [`JwsSigner`] (its algorithm goes into the header's `alg`) into `buf`
    /// and return the compact JWS. This is the seam the std crates use for RSA (RS256,
    /// PS256); for ES256, [`Self::sign`] is the same with a [`crate::SigningKey`].
    ///
    /// # Errors
    /// As [`Self::sign`]; [`Error::SignerFailed`] also when the signer writes more than
    /// [`MAX_SIGNATURE_LEN`] bytes.
    pub fn sign_with<'b, S>(&self, signer: &S, buf: &'b mut [u8]) -> Result<&'b str, Error>
    where
        S: JwsSigner + ?Sized,
    {
        let len = self.write_signing_input(signer.algorithm(), buf)?;
        let input = buf.get(..len).ok_or(Error::BufferTooSmall)?;
        let mut sig = [0u8; MAX_SIGNATURE_LEN];
        let n = signer.sign_jws(input, &mut sig)?;
        let sig = sig.get(..n).ok_or(Error::SignerFailed)?;
        let mut w = Writer::at(buf, len);
        w.push(b".")?;
        w.push_b64(sig)?;
        w.finish_str()
    }

    /// [`Self::sign_with`] into an owned `String`.
    ///
    /// # Errors
    /// As [`Self::sign_with`].
    #[cfg(feature = "alloc")]
    pub fn sign_with_to_string<S>(&self, signer: &S) -> Result<alloc::string::String, Error>
    where
        S: JwsSigner + ?Sized,
    {
        let mut size = 2048usize;
        loop {
            let mut buf = alloc::vec![0u8; size];
            match self.sign_with(signer, &mut buf) {
                Ok(t) => return Ok(alloc::string::String::from(t)),
                Err(Error::BufferTooSmall) if size < (1 << 20) => size *= 4,
                Err(e) => return Err(e),
            }
        }
    }

    /// Sign and return an owned `String`.
    ///
    /// # Errors
    /// As [`Self::sign`].
    #[cfg(feature = "alloc")]
    pub fn sign_to_string<S>(&self, signer: &S) -> Result<alloc::string::String, Error>
    where
        S: Signer<Signature> + ?Sized,
    {
        let mut size = 1024usize;
        loop {
            let mut buf = alloc::vec![0u8; size];
            match self.sign(signer, &mut buf) {
                Ok(t) => return Ok(alloc::string::String::from(t)),
                Err(Error::BufferTooSmall) if size < (1 << 20) => size *= 4,
                Err(e) => return Err(e),
            }
        }
    }
}

/// `buf[..a]` is an object, `buf[a..a+b]` another: merge them into one object at `buf[..]`.
fn splice(buf: &mut [u8], a: usize, b: usize) -> Result<usize, Error> {
    let second = buf.get(a..a + b).ok_or(Error::BufferTooSmall)?;
    if second.first() != Some(&b'{') || second.last() != Some(&b'}') {
        return Err(Error::ClaimsNotObject);
    }
    let second_empty = second.iter().skip(1).take(b.saturating_sub(2)).all(u8::is_ascii_whitespace);
    if second_empty {
        return Ok(a);
    }
    let first_empty = a == 2;
    if first_empty {
        buf.copy_within(a..a + b, 0);
        return Ok(b);
    }
    // `{…}` + `{…}` → `{…,…}`: the first's `}` becomes `,`, the second loses its `{`.
    *buf.get_mut(a - 1).ok_or(Error::BufferTooSmall)? = b',';
    buf.copy_within(a + 1..a + b, a);
    Ok(a + b - 1)
}

/// `buf[start..start+n]` holds raw bytes: replace them with their base64url encoding,
/// starting at `start`. Returns the end of the encoded text.
fn encode_tail(buf: &mut [u8], start: usize, n: usize) -> Result<usize, Error> {
    let enc = (n * 4).div_ceil(3);
    let total = buf.len();
    if start + enc + n > total {
        return Err(Error::BufferTooSmall);
    }
    // Move the raw bytes to the end of the buffer, then encode forwards into the gap.
    buf.copy_within(start..start + n, total - n);
    let (head, tail) = buf.split_at_mut(total - n);
    let dst = head.get_mut(start..start + enc).ok_or(Error::BufferTooSmall)?;
    let written = Base64UrlUnpadded::encode(tail, dst).map_err(|_| Error::BufferTooSmall)?.len();
    Ok(start + written)
}

/// Convert a DER-encoded ECDSA signature (as many HSMs, KMSs and OpenSSL return) to the
/// 64-byte `R‖S` JWS form (RFC 7518 §3.4).
///
/// # Errors
/// [`Error::BadDerSignature`] when `der` is not a valid DER ECDSA-Sig-Value for P-256.
pub fn der_to_raw_signature(der: &[u8]) -> Result<[u8; 64], Error> {
    let sig = p256::ecdsa::DerSignature::from_bytes(der).map_err(|_| Error::BadDerSignature)?;
    let sig = Signature::try_from(sig).map_err(|_| Error::BadDerSignature)?;
    let mut out = [0u8; 64];
    out.copy_from_slice(&sig.to_bytes());
    Ok(out)
}

/// The longest signature [`Assertion::sign_with`] takes: 512 bytes (RSA with a 4096-bit key).
pub const MAX_SIGNATURE_LEN: usize = 512;

/// A JWS signer for one algorithm: the seam between building an assertion, written once in
/// the core, and the signature arithmetic. The core implements it for ES256
/// ([`crate::SigningKey`]); the std crates implement it for RSA.
pub trait JwsSigner {
    /// The JWS `alg` this signer produces, e.g. `"ES256"` (it goes into the header).
    fn algorithm(&self) -> &str;
    /// Sign `signing_input`, write the JWS signature bytes into `out` (at least
    /// [`MAX_SIGNATURE_LEN`] bytes) and return their length.
    ///
    /// # Errors
    /// [`Error::SignerFailed`] when signing fails or `out` is too small.
    fn sign_jws(&self, signing_input: &[u8], out: &mut [u8]) -> Result<usize, Error>;
}

impl JwsSigner for crate::SigningKey {
    fn algorithm(&self) -> &str {
        "ES256"
    }
    fn sign_jws(&self, signing_input: &[u8], out: &mut [u8]) -> Result<usize, Error> {
        let sig: Signature = self.try_sign(signing_input).map_err(|_| Error::SignerFailed)?;
        let bytes = sig.to_bytes();
        out.get_mut(..bytes.len()).ok_or(Error::SignerFailed)?.copy_from_slice(&bytes);
        Ok(bytes.len())
    }
}
