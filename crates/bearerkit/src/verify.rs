//! Strict ES256 verification: the verification contract (`SECURITY.md`), in order.
//!
//! Checks run in this order, and the first failure is returned:
//!
//! 1. size limit;
//! 2. three non-empty segments;
//! 3. canonical base64url of every segment;
//! 4. a signature of the key's length ([`JwsVerifier::signature_len`]: 64 bytes for ES256);
//! 5. strict header JSON;
//! 6. header rules (`alg` equal to the key's algorithm, header types, `crit`, `kid`, `typ`);
//! 7. signature range, then the signature itself;
//! 8. strict claims JSON;
//! 9. required claims, claim types, date ranges, `exp`/`nbf`/`iat`/lifetime, `iss`/`sub`/`aud`.

use crate::json::{Kind, Object, Value};
use crate::validation::{AudiencePolicy, Validation};
use crate::{Error, JsonStr};
use base64ct::{Base64UrlUnpadded, Encoding};
use p256::ecdsa::Signature;

/// Something that checks an ES256 signature over a JWS signing input.
///
/// Implemented by [`crate::VerifyingKey`] (plain `p256`) and, with `alloc`, by
/// [`crate::PreparedVerifyingKey`] (per-key precomputed tables). The signature has already
/// been checked to be 64 bytes with `1 ≤ r, s < n` when this is called.
pub trait Es256Verifier {
    /// Verify `signature` over `signing_input` (the ASCII `header.claims` bytes).
    ///
    /// # Errors
    /// [`Error::BadSignature`] when the signature does not verify.
    fn verify_es256(&self, signing_input: &[u8], signature: &Signature) -> Result<(), Error>;
}

/// A JWS signature check for one algorithm: the seam between the verification contract,
/// written once here, and the signature arithmetic.
///
/// The key decides the algorithm, never the token: a token whose `alg` differs from
/// [`JwsVerifier::algorithm`] is refused with [`Error::UnsupportedAlgorithm`], and its
/// signature must be exactly [`JwsVerifier::signature_len`] bytes
/// ([`Error::SignatureLength`], checked before any JSON). The core implements it for ES256
/// (every [`Es256Verifier`]: [`crate::VerifyingKey`], [`crate::PreparedVerifyingKey`]);
/// the std crates plug in other algorithms (RSA) without another copy of the contract.
pub trait JwsVerifier {
    /// The JWS `alg` this verifier checks, e.g. `"ES256"`.
    fn algorithm(&self) -> &str;
    /// The length in bytes of a signature of this algorithm with this key (64 for ES256, the
    /// modulus length for RSA).
    fn signature_len(&self) -> usize;
    /// Verify `signature` (exactly [`Self::signature_len`] bytes) over `signing_input`.
    ///
    /// # Errors
    /// [`Error::SignatureRange`] for a signature whose values are out of range,
    /// [`Error::BadSignature`] when it does not verify.
    fn verify_signature(&self, signing_input: &[u8], signature: &[u8]) -> Result<(), Error>;
}

impl<T: Es256Verifier + ?Sized> JwsVerifier for T {
    fn algorithm(&self) -> &str {
        "ES256"
    }
    fn signature_len(&self) -> usize {
        64
    }
    fn verify_signature(&self, signing_input: &[u8], signature: &[u8]) -> Result<(), Error> {
        let sig = Signature::from_slice(signature).map_err(|_| Error::SignatureRange)?;
        self.verify_es256(signing_input, &sig)
    }
}

impl Es256Verifier for crate::VerifyingKey {
    fn verify_es256(&self, signing_input: &[u8], signature: &Signature) -> Result<(), Error> {
        use p256::ecdsa::signature::Verifier;
        self.0.verify(signing_input, signature).map_err(|_| Error::BadSignature)
    }
}

impl<T: Es256Verifier + ?Sized> Es256Verifier for &T {
    fn verify_es256(&self, signing_input: &[u8], signature: &Signature) -> Result<(), Error> {
        (**self).verify_es256(signing_input, signature)
    }
}

use crate::date::Date;

/// The JOSE header of a token, read without copying.
#[derive(Clone, Copy, Debug)]
pub struct Header<'a> {
    obj: Object<'a>,
}

impl<'a> Header<'a> {
    /// `alg` (always `ES256` in a verified token).
    #[must_use]
    pub fn alg(&self) -> Option<JsonStr<'a>> {
        self.obj.get("alg").and_then(|v| v.as_json_str())
    }
    /// `kid`, if present.
    #[must_use]
    pub fn kid(&self) -> Option<JsonStr<'a>> {
        self.obj.get("kid").and_then(|v| v.as_json_str())
    }
    /// `typ`, if present.
    #[must_use]
    pub fn typ(&self) -> Option<JsonStr<'a>> {
        self.obj.get("typ").and_then(|v| v.as_json_str())
    }
    /// Any header parameter.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<Value<'a>> {
        self.obj.get(name)
    }
    /// The header JSON exactly as it was in the token.
    #[must_use]
    pub fn as_json(&self) -> &'a str {
        self.obj.as_str()
    }
}

/// The claims of a token, read without copying.
#[derive(Clone, Copy, Debug)]
pub struct Claims<'a> {
    obj: Object<'a>,
}

fn date(v: Option<Value<'_>>) -> Option<u64> {
    let v = v?;
    if v.kind() != Kind::Number {
        return None;
    }
    crate::date::parse(v.as_raw()).ok().map(Date::secs)
}

impl<'a> Claims<'a> {
    /// `iss`.
    #[must_use]
    pub fn iss(&self) -> Option<JsonStr<'a>> {
        self.obj.get("iss").and_then(|v| v.as_json_str())
    }
    /// `sub`.
    #[must_use]
    pub fn sub(&self) -> Option<JsonStr<'a>> {
        self.obj.get("sub").and_then(|v| v.as_json_str())
    }
    /// `jti`.
    #[must_use]
    pub fn jti(&self) -> Option<JsonStr<'a>> {
        self.obj.get("jti").and_then(|v| v.as_json_str())
    }
    /// `aud` as raw JSON (a string or an array of strings).
    #[must_use]
    pub fn aud(&self) -> Option<Value<'a>> {
        self.obj.get("aud")
    }
    /// `exp` in whole seconds (a fractional NumericDate is rounded down).
    #[must_use]
    pub fn exp(&self) -> Option<u64> {
        date(self.obj.get("exp"))
    }
    /// `nbf` in whole seconds (rounded down).
    #[must_use]
    pub fn nbf(&self) -> Option<u64> {
        date(self.obj.get("nbf"))
    }
    /// `iat` in whole seconds (rounded down).
    #[must_use]
    pub fn iat(&self) -> Option<u64> {
        date(self.obj.get("iat"))
    }
    /// Any claim.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<Value<'a>> {
        self.obj.get(name)
    }
    /// All claims in document order.
    pub fn iter(&self) -> impl Iterator<Item = (JsonStr<'a>, Value<'a>)> + 'a {
        self.obj.members()
    }
    /// The claims JSON exactly as it was in the token.
    #[must_use]
    pub fn as_json(&self) -> &'a str {
        self.obj.as_str()
    }
}

/// A token whose signature and claims passed every rule of a [`Validation`].
#[derive(Clone, Copy, Debug)]
pub struct VerifiedToken<'a> {
    header: Header<'a>,
    claims: Claims<'a>,
}

impl<'a> VerifiedToken<'a> {
    /// The header.
    #[must_use]
    pub fn header(&self) -> Header<'a> {
        self.header
    }
    /// The claims.
    #[must_use]
    pub fn claims(&self) -> Claims<'a> {
        self.claims
    }
}

/// A token decoded but NOT verified: see [`crate::dangerous`].
#[derive(Clone, Copy, Debug)]
pub struct UntrustedToken<'a> {
    header: Header<'a>,
    claims: Claims<'a>,
    signature_len: usize,
}

impl<'a> UntrustedToken<'a> {
    /// The header (unverified).
    #[must_use]
    pub fn header(&self) -> Header<'a> {
        self.header
    }
    /// The claims (unverified).
    #[must_use]
    pub fn claims(&self) -> Claims<'a> {
        self.claims
    }
    /// Length of the decoded signature in bytes.
    #[must_use]
    pub fn signature_len(&self) -> usize {
        self.signature_len
    }
}

/// The result of steps 1-4 (split and decode): the signing input as it is in the token, and
/// the decoded header JSON, claims JSON and signature bytes.
struct Decoded<'t, 's> {
    signing_input: &'t [u8],
    header: &'s [u8],
    claims: &'s [u8],
    sig: &'s [u8],
}

#[inline(never)]
fn decode<'t, 's>(token: &'t str, max_bytes: usize, scratch: &'s mut [u8]) -> Result<Decoded<'t, 's>, Error> {
    if token.len() > max_bytes {
        return Err(Error::TokenTooLarge { limit: max_bytes, found: token.len() });
    }
    let bytes = token.as_bytes();
    let mut dots = bytes.iter().enumerate().filter(|(_, b)| **b == b'.').map(|(i, _)| i);
    let (Some(d1), Some(d2), None) = (dots.next(), dots.next(), dots.next()) else {
        return Err(Error::MalformedToken);
    };
    // Byte slices: the dots are ASCII, and no `str` slicing (with its panic path) is needed.
    let (head, rest) = bytes.split_at(d1);
    let (h, rest) = (head, rest.get(1..).unwrap_or_default());
    let (c, s) = rest.split_at(d2 - d1 - 1);
    let s = s.get(1..).unwrap_or_default();
    if h.is_empty() || c.is_empty() || s.is_empty() {
        return Err(Error::MalformedToken);
    }
    let (hbuf, rest) = split(scratch, h.len())?;
    let (cbuf, rest) = split(rest, c.len())?;
    let (sbuf, _) = split(rest, s.len())?;
    let header = Base64UrlUnpadded::decode(h, hbuf).map_err(|_| Error::BadBase64)?;
    let claims = Base64UrlUnpadded::decode(c, cbuf).map_err(|_| Error::BadBase64)?;
    let sig = Base64UrlUnpadded::decode(s, sbuf).map_err(|_| Error::BadBase64)?;
    Ok(Decoded { signing_input: bytes.get(..d2).unwrap_or_default(), header, claims, sig })
}

/// Take room for decoding `encoded_len` base64 characters from the front of `buf`.
fn split(buf: &mut [u8], encoded_len: usize) -> Result<(&mut [u8], &mut [u8]), Error> {
    // Unpadded base64url: 4 characters carry 3 bytes; a trailing 2 or 3 carry 1 or 2.
    let need = encoded_len / 4 * 3 + (encoded_len % 4).saturating_sub(1);
    if need > buf.len() {
        return Err(Error::BufferTooSmall);
    }
    Ok(buf.split_at_mut(need))
}

#[inline(never)]
fn opt_str<'a>(obj: &Object<'a>, name: &str, err: Error) -> Result<Option<JsonStr<'a>>, Error> {
    match obj.get(name) {
        None => Ok(None),
        Some(v) => v.as_json_str().map(Some).ok_or(err),
    }
}

/// `typ` matching (RFC 7515 §4.1.9): case-insensitive, `application/` optional.
fn typ_matches(found: &JsonStr<'_>, accepted: &str) -> bool {
    fn strip(s: &str) -> &str {
        if s.len() >= 12 && s.get(..12).is_some_and(|p| p.eq_ignore_ascii_case("application/")) {
            s.get(12..).unwrap_or(s)
        } else {
            s
        }
    }
    let mut buf = [0u8; 128];
    let Ok(found) = found.unescape_into(&mut buf) else { return false };
    strip(found).eq_ignore_ascii_case(strip(accepted))
}

#[inline(never)]
fn check_header(obj: &Object<'_>, policy: &Validation<'_>, expected_alg: &str) -> Result<(), Error> {
    let alg = obj.get("alg").and_then(|v| v.as_json_str()).ok_or(Error::UnsupportedAlgorithm)?;
    if !alg.eq_str(expected_alg) {
        return Err(Error::UnsupportedAlgorithm);
    }
    let kid = opt_str(obj, "kid", Error::BadHeader)?;
    let typ = opt_str(obj, "typ", Error::BadHeader)?;
    // RFC 7515 §4.1.11: `crit` must be a non-empty array of names present in the header,
    // each an extension the recipient understands. bearerkit understands none, so every
    // `crit` — malformed, empty, naming an absent or a present parameter — is refused.
    if obj.get("crit").is_some() {
        return Err(Error::UnsupportedCritical);
    }
    match (kid, policy.kid) {
        (None, _) if policy.require_kid => return Err(Error::MissingKeyId),
        (Some(found), Some(expected)) if !found.eq_str(expected) => return Err(Error::KeyIdMismatch),
        _ => {}
    }
    if let Some(typ) = typ
        && !policy.typ.iter().any(|a| typ_matches(&typ, a))
    {
        return Err(Error::BadType);
    }
    Ok(())
}

#[inline(never)]
fn check_claims(obj: &Object<'_>, p: &Validation<'_>) -> Result<(), Error> {
    // Types of the registered claims.
    let mut raw_dates = [None::<Value<'_>>; 3];
    for (slot, name) in raw_dates.iter_mut().zip(["exp", "nbf", "iat"]) {
        if let Some(v) = obj.get(name) {
            if v.kind() != Kind::Number {
                return Err(Error::ClaimType);
            }
            *slot = Some(v);
        }
    }
    let iss = opt_str(obj, "iss", Error::ClaimType)?;
    let sub = opt_str(obj, "sub", Error::ClaimType)?;
    opt_str(obj, "jti", Error::ClaimType)?;
    let aud = obj.get("aud");
    if let Some(aud) = aud {
        match aud.kind() {
            Kind::String => {}
            Kind::Array => {
                let mut items = aud.array_items().ok_or(Error::ClaimType)?;
                if !items.all(|i| i.kind() == Kind::String) {
                    return Err(Error::ClaimType);
                }
            }
            _ => return Err(Error::ClaimType),
        }
    }
    let mut dates = [None::<Date>; 3];
    for (slot, raw) in dates.iter_mut().zip(raw_dates) {
        if let Some(v) = raw {
            *slot = Some(crate::date::parse(v.as_raw())?);
        }
    }
    let [exp, nbf, iat] = dates;
    // `now`, `leeway` and every date are at most MAX_DATE (checked by the policy and the
    // parser), so these sums cannot overflow.
    let now = Date::from_secs(p.now);
    if let Some(exp) = exp
        && now >= exp.plus(p.leeway)
    {
        return Err(Error::Expired);
    }
    if let Some(nbf) = nbf
        && nbf > now.plus(p.leeway)
    {
        return Err(Error::NotYetValid);
    }
    if let Some(iat) = iat
        && iat > now.plus(p.leeway)
    {
        return Err(Error::IssuedInFuture);
    }
    if let (Some(max), Some(exp), Some(iat)) = (p.max_lifetime, exp, iat)
        && exp.since(iat) > Date::from_secs(max)
    {
        return Err(Error::LifetimeTooLong);
    }
    if let (Some(ahead), Some(exp)) = (p.max_expiry_ahead, exp)
        && exp > now.plus(ahead)
    {
        return Err(Error::LifetimeTooLong);
    }
    if let Some(expected) = p.issuer
        && !iss.is_some_and(|i| i.eq_str(expected))
    {
        return Err(Error::IssuerMismatch);
    }
    if let Some(expected) = p.subject
        && !sub.is_some_and(|s| s.eq_str(expected))
    {
        return Err(Error::SubjectMismatch);
    }
    if p.iss_equals_sub {
        match (iss, sub) {
            (Some(i), Some(s)) if i.eq_json(&s) => {}
            _ => return Err(Error::SubjectMismatch),
        }
    }
    if let Some(aud) = aud
        && aud.kind() == Kind::Array
        && (p.aud_shape == 2
            || (p.aud_shape == 1 && aud.array_items().is_some_and(|mut i| i.nth(1).is_some())))
    {
        return Err(Error::AudienceNotSole);
    }
    match (p.audience, aud) {
        (AudiencePolicy::Any, _) => {}
        (AudiencePolicy::Absent, Some(_)) => return Err(Error::UnexpectedAudience),
        (AudiencePolicy::Absent, None) => {}
        (_, aud) => {
            let ok = aud.is_some_and(|aud| match aud.kind() {
                Kind::String => aud.as_json_str().is_some_and(|a| p.audience.accepts(&a)),
                _ => aud.array_items().is_some_and(|mut items| {
                    items.any(|i| i.as_json_str().is_some_and(|a| p.audience.accepts(&a)))
                }),
            });
            if !ok {
                return Err(Error::AudienceMismatch);
            }
        }
    }
    // Required claims last (a `null` registered date is already a `bad_claim_type`): `exp`
    // unless dropped through `dangerous`, and always when the lifetime is limited; `iat`
    // when `max_lifetime` is set; then the policy's own list.
    let lifetime_limited = p.max_lifetime.is_some() || p.max_expiry_ahead.is_some();
    if (exp.is_none() && (p.require_exp || lifetime_limited)) || (iat.is_none() && p.max_lifetime.is_some()) {
        return Err(Error::MissingClaim);
    }
    for name in p.required {
        match obj.get(name) {
            None => return Err(Error::MissingClaim),
            Some(v) if v.kind() == Kind::Null => return Err(Error::MissingClaim),
            Some(_) => {}
        }
    }
    Ok(())
}

/// Steps 1-7: everything but the claims. Returns the header and the raw payload.
fn verify_signed<'s, V: JwsVerifier + ?Sized>(
    token: &str,
    key: &V,
    policy: &Validation<'_>,
    scratch: &'s mut [u8],
) -> Result<(Object<'s>, &'s [u8]), Error> {
    policy.check()?;
    let d = decode(token, policy.max_bytes, scratch)?;
    if d.sig.len() != key.signature_len() {
        return Err(Error::SignatureLength { found: d.sig.len() });
    }
    let header = Object::parse(d.header)?;
    check_header(&header, policy, key.algorithm())?;
    key.verify_signature(d.signing_input, d.sig)?;
    Ok((header, d.claims))
}

/// Verify `token` with `key` under `policy`, decoding into `scratch`.
///
/// `scratch` must hold the decoded header, claims and signature: the token's length is
/// always enough. The returned token borrows from `scratch`.
///
/// ```
/// # fn main() -> Result<(), bearerkit::Error> {
/// use bearerkit::{verify, Assertion, SigningKey, Validation};
/// let key = SigningKey::from_bytes(&[7u8; 32])?;
/// let now = 1_700_000_000;
/// let mut buf = [0u8; 512];
/// let token = Assertion::new().issuer("me").audience("prd").issued_at(now).expires_in(300).sign(&key, &mut buf)?;
/// let policy = Validation::new(now).issuer("me").audience("prd");
/// let mut scratch = [0u8; 512];
/// let verified = verify(token, &key.verifying_key(), &policy, &mut scratch)?;
/// assert_eq!(verified.claims().exp(), Some(now + 300));
/// # Ok(()) }
/// ```
///
/// # Errors
/// The first rule broken, as listed in the module docs; [`Error::BufferTooSmall`] when
/// `scratch` is too small; [`Error::InvalidPolicy`] for an inconsistent policy.
pub fn verify<'s, V: JwsVerifier + ?Sized>(
    token: &str,
    key: &V,
    policy: &Validation<'_>,
    scratch: &'s mut [u8],
) -> Result<VerifiedToken<'s>, Error> {
    let (header, payload) = verify_signed(token, key, policy, scratch)?;
    let claims = Object::parse(payload)?;
    check_claims(&claims, policy)?;
    Ok(VerifiedToken { header: Header { obj: header }, claims: Claims { obj: claims } })
}

/// Verify a compact ES256 JWS whose payload need not be JSON claims: the format, header
/// and signature rules of [`verify`] (policy fields about claims are not used). Returns the
/// verified header and the payload bytes.
///
/// # Errors
/// As [`verify`], steps 1-7.
pub fn verify_jws<'s, V: JwsVerifier + ?Sized>(
    token: &str,
    key: &V,
    policy: &Validation<'_>,
    scratch: &'s mut [u8],
) -> Result<(Header<'s>, &'s [u8]), Error> {
    let (header, payload) = verify_signed(token, key, policy, scratch)?;
    Ok((Header { obj: header }, payload))
}

/// Decode without verifying (used by [`crate::dangerous::decode_unverified`]).
pub(crate) fn decode_unverified<'s>(token: &str, scratch: &'s mut [u8]) -> Result<UntrustedToken<'s>, Error> {
    let d = decode(token, crate::validation::DEFAULT_MAX_BYTES, scratch)?;
    let header = Object::parse(d.header)?;
    let claims = Object::parse(d.claims)?;
    Ok(UntrustedToken {
        header: Header { obj: header },
        claims: Claims { obj: claims },
        signature_len: d.sig.len(),
    })
}

/// A set of keys looked up by `kid`: implement it to verify against several keys.
pub trait KeySet {
    /// The verifier to use.
    type Key: JwsVerifier + ?Sized;
    /// The key for `kid` (`None` when the token has no `kid`).
    fn find(&self, kid: Option<&JsonStr<'_>>) -> Option<&Self::Key>;
}

impl<K: JwsVerifier> KeySet for [(&str, K)] {
    type Key = K;
    fn find(&self, kid: Option<&JsonStr<'_>>) -> Option<&K> {
        let kid = kid?;
        self.iter().find(|(id, _)| kid.eq_str(id)).map(|(_, k)| k)
    }
}

/// Verify against a [`KeySet`]: the key is chosen by the token's `kid`.
///
/// # Errors
/// As [`verify`]; [`Error::MissingKeyId`] without a `kid`, [`Error::KeyIdMismatch`] when no key
/// has it.
pub fn verify_with_key_set<'s, K: KeySet + ?Sized>(
    token: &str,
    keys: &K,
    policy: &Validation<'_>,
    scratch: &'s mut [u8],
) -> Result<VerifiedToken<'s>, Error> {
    policy.check()?;
    // Read the `kid` from the header, decoded into the caller's scratch (so any header the
    // size limit allows fits). Nothing is trusted but the lookup itself; any format error
    // is reported by `verify` below, in the usual order.
    let found = {
        let kid = decode(token, policy.max_bytes, scratch)
            .ok()
            .and_then(|d| Object::parse(d.header).ok())
            .and_then(|h| h.get("kid"))
            .and_then(|v| v.as_json_str());
        match kid {
            Some(kid) => Some(keys.find(Some(&kid)).ok_or(Error::KeyIdMismatch)),
            None => keys.find(None).map(Ok),
        }
    };
    match found {
        Some(Ok(key)) => verify(token, key, policy, scratch),
        // No key has this `kid`: still run the format and header checks first.
        Some(Err(e)) => match verify(token, &NoKey, policy, scratch) {
            Err(Error::KeyIdMismatch) => Err(e),
            Err(other) => Err(other),
            Ok(_) => Err(e),
        },
        // No `kid` and no default key.
        None => {
            let strict = Validation { require_kid: true, ..*policy };
            verify(token, &NoKey, &strict, scratch)
        }
    }
}

struct NoKey;
impl Es256Verifier for NoKey {
    fn verify_es256(&self, _: &[u8], _: &Signature) -> Result<(), Error> {
        Err(Error::KeyIdMismatch)
    }
}
