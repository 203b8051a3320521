//! A size measurement, not a package: every core call `bindings/wasm` makes, exported as plain
//! C-ABI WebAssembly functions, with no wasm-bindgen, no JavaScript values and no option
//! parsing. Built with the same profile, features, allocator and `wasm-opt` as the package
//! (`bash benches/wasm/floor.sh`), it shows what the core's surface weighs in a module before
//! any binding: a floor under the package's size, whatever the binding does.
//!
//! The ABI is the smallest that keeps every result observable (so link-time optimisation
//! cannot drop the work): inputs are `(pointer, length)` pairs in memory from [`bk_alloc`]
//! (pointer 0: not given), numbers are `u64` (`u64::MAX`: not given), lists are `\n`-separated
//! text, keys are handles. A result is a `u64`: a handle, or `pointer << 32 | length` of a new
//! allocation; with bit 63 set it is an error (`code\nmessage`). It is never called: the
//! package's tests cover the behaviour; this crate only has to link the same code.
//!
//! With the feature `d1-only`, only PEM key import, D1 signing and D1 verification are
//! exported (the rest is compiled but not exported, so the linker drops it): the subset the
//! package's size budget was first estimated from.

#![cfg_attr(target_arch = "wasm32", no_std)]
// Raw pointers and handles from the host are the C ABI; each dereference says why it holds.
#![allow(unsafe_code)]
// Pointers, lengths and handles are 32-bit on wasm32, the one target this is built for.
#![allow(clippy::cast_possible_truncation, clippy::too_many_arguments, clippy::not_unsafe_ptr_arg_deref)]

extern crate alloc;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use bearerkit::p256::ecdsa::Signature;
use bearerkit::profile::{client_assertion as ca_profile, d1};
use bearerkit::{
    Assertion, Es256Verifier, JsonStr, PolicyOptions, PreparedVerifyingKey, Validation, dangerous,
};
use core::cell::{Cell, OnceCell};

/// The allocator of `bindings/wasm`.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
// SAFETY: wasm32-unknown-unknown without `atomics` runs on one thread, the one condition
// `TalckWasm::new_global` states.
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };

/// The panic handler of `bindings/wasm`: trap.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// Bit 63 of a result: an error.
const ERROR: u64 = 1 << 63;

/// `len` zeroed bytes for the host to write an input into.
#[unsafe(no_mangle)]
pub extern "C" fn bk_alloc(len: usize) -> *mut u8 {
    Box::into_raw(alloc::vec![0u8; len].into_boxed_slice()).cast()
}

/// Free `len` bytes from [`bk_alloc`] or from a result.
#[unsafe(no_mangle)]
pub extern "C" fn bk_free(ptr: *mut u8, len: usize) {
    // SAFETY: the host gives back a pointer and length this module allocated as a `Box<[u8]>`.
    drop(unsafe { Box::from_raw(core::ptr::slice_from_raw_parts_mut(ptr, len)) });
}

/// An input, or `None` for pointer 0.
fn bytes<'a>(ptr: *const u8, len: usize) -> Option<&'a [u8]> {
    // SAFETY: a non-null pointer is memory from `bk_alloc` the host wrote `len` bytes into.
    (!ptr.is_null()).then(|| unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// A text input.
fn text<'a>(ptr: *const u8, len: usize) -> Result<Option<&'a str>, u64> {
    bytes(ptr, len)
        .map(|b| core::str::from_utf8(b).map_err(|_| fail("invalid_argument", "not UTF-8")))
        .transpose()
}

/// A required text input.
fn need<'a>(ptr: *const u8, len: usize) -> Result<&'a str, u64> {
    text(ptr, len)?.ok_or_else(|| fail("invalid_argument", "required"))
}

/// A `\n`-separated list.
fn list(ptr: *const u8, len: usize) -> Result<Option<Vec<String>>, u64> {
    Ok(text(ptr, len)?.map(|t| t.split('\n').map(String::from).collect()))
}

/// A number, `u64::MAX` for none.
fn num(x: u64) -> Option<u64> {
    (x != u64::MAX).then_some(x)
}

/// A result: `bytes` copied into a new allocation.
fn out(bytes: &[u8]) -> u64 {
    let b: Box<[u8]> = bytes.into();
    let len = b.len() as u64;
    ((Box::into_raw(b).cast::<u8>() as usize as u64) << 32) | len
}

/// An error result.
fn fail(code: &str, message: &str) -> u64 {
    let mut s = String::from(code);
    s.push('\n');
    s.push_str(message);
    out(s.as_bytes()) | ERROR
}

/// The core's error, with its code and message.
#[allow(clippy::needless_pass_by_value)]
fn core_err(e: bearerkit::Error) -> u64 {
    fail(e.code(), e.message().as_str())
}

/// A handle to a new value.
fn handle<T>(value: T) -> u64 {
    Box::into_raw(Box::new(value)) as usize as u64
}

/// The value behind a handle.
fn get<'a, T>(h: u64) -> &'a T {
    // SAFETY: the host passes a handle `handle` made for a value of this type, never freed.
    unsafe { &*(h as usize as *const T) }
}

/// Join `Ok` and `Err` results.
fn done(r: Result<u64, u64>) -> u64 {
    r.unwrap_or_else(|e| e)
}

/// A verifying key as `bindings/wasm` keeps it: plain for three uses, then prepared.
struct VerifyingKey {
    key: bearerkit::VerifyingKey,
    prepared: OnceCell<PreparedVerifyingKey>,
    uses: Cell<u32>,
}

impl VerifyingKey {
    fn new(key: bearerkit::VerifyingKey) -> Self {
        Self { key, prepared: OnceCell::new(), uses: Cell::new(0) }
    }
    fn prepared(&self) -> &PreparedVerifyingKey {
        self.prepared.get_or_init(|| PreparedVerifyingKey::new(&self.key))
    }
}

impl Es256Verifier for VerifyingKey {
    fn verify_es256(&self, signing_input: &[u8], signature: &Signature) -> Result<(), bearerkit::Error> {
        if let Some(p) = self.prepared.get() {
            return p.verify_es256(signing_input, signature);
        }
        let uses = self.uses.get();
        self.uses.set(uses.saturating_add(1));
        if uses < 3 {
            return self.key.verify_es256(signing_input, signature);
        }
        self.prepared().verify_es256(signing_input, signature)
    }
}

/// Keys by `kid`.
struct KeySet(Vec<(String, VerifyingKey)>);

impl bearerkit::KeySet for KeySet {
    type Key = VerifyingKey;
    fn find(&self, kid: Option<&JsonStr<'_>>) -> Option<&VerifyingKey> {
        let kid = kid?;
        self.0.iter().find(|(id, _)| kid.eq_str(id)).map(|(_, k)| k)
    }
}

/// A signing key handle, or the error.
fn sk(r: Result<bearerkit::SigningKey, bearerkit::Error>) -> u64 {
    r.map_or_else(core_err, handle)
}

/// A verifying key handle, or the error.
fn vk(r: Result<bearerkit::VerifyingKey, bearerkit::Error>) -> u64 {
    r.map_or_else(core_err, |k| handle(VerifyingKey::new(k)))
}

/// `SigningKey.generate` with the host's 32 random bytes.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn sk_from_bytes(p: *const u8, l: usize) -> u64 {
    sk(bearerkit::SigningKey::from_bytes(bytes(p, l).unwrap_or_default()))
}

/// `SigningKey.fromPem`.
#[unsafe(no_mangle)]
pub extern "C" fn sk_from_pem(p: *const u8, l: usize) -> u64 {
    done(need(p, l).map(|t| sk(bearerkit::SigningKey::from_pem(t))))
}

/// `SigningKey.fromJwk`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn sk_from_jwk(p: *const u8, l: usize) -> u64 {
    done(need(p, l).map(|t| sk(bearerkit::SigningKey::from_jwk(t))))
}

/// `SigningKey.fromSec1Der`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn sk_from_sec1_der(p: *const u8, l: usize) -> u64 {
    sk(bearerkit::SigningKey::from_sec1_der(bytes(p, l).unwrap_or_default()))
}

/// `SigningKey.fromPkcs8Der`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn sk_from_pkcs8_der(p: *const u8, l: usize) -> u64 {
    sk(bearerkit::SigningKey::from_pkcs8_der(bytes(p, l).unwrap_or_default()))
}

/// `SigningKey#toPkcs8Der`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn sk_to_pkcs8_der(h: u64) -> u64 {
    let mut buf = [0u8; 256];
    let r = get::<bearerkit::SigningKey>(h).to_pkcs8_der(&mut buf).map_or_else(core_err, out);
    buf.fill(0);
    r
}

/// `SigningKey#toPem`: PKCS#8, or SEC1 when `sec1` is not 0.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn sk_to_pem(h: u64, sec1: u32) -> u64 {
    let k = get::<bearerkit::SigningKey>(h);
    let pem = if sec1 == 0 { k.to_pkcs8_pem_string() } else { k.to_sec1_pem_string() };
    out(pem.as_bytes())
}

/// `SigningKey#toJwk`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn sk_to_jwk(h: u64) -> u64 {
    out(get::<bearerkit::SigningKey>(h).to_jwk_string().as_bytes())
}

/// `SigningKey#publicKey`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn sk_public_key(h: u64) -> u64 {
    handle(VerifyingKey::new(get::<bearerkit::SigningKey>(h).verifying_key()))
}

/// `SigningKey#thumbprint`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn sk_thumbprint(h: u64) -> u64 {
    out(get::<bearerkit::SigningKey>(h).verifying_key().thumbprint().as_str().as_bytes())
}

/// `VerifyingKey.fromPem`.
#[unsafe(no_mangle)]
pub extern "C" fn vk_from_pem(p: *const u8, l: usize) -> u64 {
    done(need(p, l).map(|t| vk(bearerkit::VerifyingKey::from_pem(t))))
}

/// `VerifyingKey.fromJwk`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn vk_from_jwk(p: *const u8, l: usize) -> u64 {
    done(need(p, l).map(|t| vk(bearerkit::VerifyingKey::from_jwk(t))))
}

/// `VerifyingKey.fromSpkiDer`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn vk_from_spki_der(p: *const u8, l: usize) -> u64 {
    vk(bearerkit::VerifyingKey::from_spki_der(bytes(p, l).unwrap_or_default()))
}

/// `VerifyingKey.fromSec1Bytes`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn vk_from_sec1_bytes(p: *const u8, l: usize) -> u64 {
    vk(bearerkit::VerifyingKey::from_sec1_bytes(bytes(p, l).unwrap_or_default()))
}

/// `VerifyingKey#toSec1Bytes`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn vk_to_sec1_bytes(h: u64) -> u64 {
    out(&get::<VerifyingKey>(h).key.to_sec1_bytes())
}

/// `VerifyingKey#toPem`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn vk_to_pem(h: u64) -> u64 {
    out(get::<VerifyingKey>(h).key.to_spki_pem_string().as_bytes())
}

/// `VerifyingKey#toSpkiDer`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn vk_to_spki_der(h: u64) -> u64 {
    let mut buf = [0u8; 128];
    get::<VerifyingKey>(h).key.to_spki_der(&mut buf).map_or_else(core_err, out)
}

/// `VerifyingKey#toJwk`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn vk_to_jwk(h: u64) -> u64 {
    out(get::<VerifyingKey>(h).key.to_jwk_string().as_bytes())
}

/// `VerifyingKey#thumbprint`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn vk_thumbprint(h: u64) -> u64 {
    out(get::<VerifyingKey>(h).key.thumbprint().as_str().as_bytes())
}

/// `VerifyingKey#prepare`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn vk_prepare(h: u64) {
    get::<VerifyingKey>(h).prepared();
}

/// `VerifyingKey#isPrepared`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn vk_is_prepared(h: u64) -> u32 {
    u32::from(get::<VerifyingKey>(h).prepared.get().is_some())
}

/// `VerifyingKey#equals`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn vk_equals(a: u64, b: u64) -> u32 {
    u32::from(get::<VerifyingKey>(a).key == get::<VerifyingKey>(b).key)
}

/// `new KeySet()`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn ks_new() -> u64 {
    handle(core::cell::RefCell::new(KeySet(Vec::new())))
}

/// `KeySet#add`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn ks_add(ks: u64, p: *const u8, l: usize, key: u64) -> u64 {
    done(need(p, l).map(|kid| {
        let set = get::<core::cell::RefCell<KeySet>>(ks);
        set.borrow_mut().0.push((String::from(kid), VerifyingKey::new(get::<VerifyingKey>(key).key)));
        0
    }))
}

/// `KeySet#kids` (`\n`-separated) and `KeySet#size` (the count of lines).
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn ks_kids(ks: u64) -> u64 {
    let set = get::<core::cell::RefCell<KeySet>>(ks).borrow();
    let kids: Vec<&str> = set.0.iter().map(|(k, _)| k.as_str()).collect();
    out(kids.join("\n").as_bytes())
}

/// `jwkThumbprint`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn jwk_thumbprint(p: *const u8, l: usize) -> u64 {
    done(need(p, l).map(|t| {
        bearerkit::VerifyingKey::from_jwk(t)
            .map_or_else(core_err, |k| out(k.thumbprint().as_str().as_bytes()))
    }))
}

/// `certificateThumbprints`: `sha1Hex\nx5t\nx5tS256`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn certificate_thumbprints(p: *const u8, l: usize) -> u64 {
    done(need(p, l).map(|pem| {
        let mut scratch = alloc::vec![0u8; pem.len().saturating_mul(2).saturating_add(64)];
        bearerkit::CertificateThumbprints::from_pem(pem, &mut scratch)
            .map_or_else(core_err, |t| thumbprints(&t))
    }))
}

/// `certificateThumbprints` of DER bytes: `sha1Hex\nx5t\nx5tS256`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn certificate_thumbprints_der(p: *const u8, l: usize) -> u64 {
    bearerkit::CertificateThumbprints::from_der(bytes(p, l).unwrap_or_default())
        .map_or_else(core_err, |t| thumbprints(&t))
}

/// `sha1Hex\nx5t\nx5tS256`.
fn thumbprints(t: &bearerkit::CertificateThumbprints) -> u64 {
    let mut s = String::from(t.sha1_hex().as_str());
    for x in [t.x5t(), t.x5t_s256()] {
        s.push('\n');
        s.push_str(x.as_str());
    }
    out(s.as_bytes())
}

/// `signClaims`: exactly the members given (`aud_one`: `aud` as a string).
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn sign_claims(
    key: u64,
    iss: *const u8,
    iss_l: usize,
    sub: *const u8,
    sub_l: usize,
    aud: *const u8,
    aud_l: usize,
    aud_one: u32,
    exp: u64,
    expires_in: u64,
    nbf: u64,
    iat: u64,
    jti: *const u8,
    jti_l: usize,
    kid: *const u8,
    kid_l: usize,
    typ: *const u8,
    typ_l: usize,
    claims: *const u8,
    claims_l: usize,
) -> u64 {
    done((|| {
        let auds = list(aud, aud_l)?;
        let aud_refs: Vec<&str> = auds.iter().flatten().map(String::as_str).collect();
        let mut a = Assertion::new();
        if let Some(v) = text(iss, iss_l)? {
            a = a.issuer(v);
        }
        if let Some(v) = text(sub, sub_l)? {
            a = a.subject(v);
        }
        match (&auds, aud_one) {
            (Some(_), 0) => a = a.audiences(&aud_refs),
            (Some(_), _) => a = a.audience(aud_refs.first().copied().unwrap_or_default()),
            (None, _) => {}
        }
        if let Some(v) = num(iat) {
            a = a.issued_at(v);
        }
        if let Some(v) = num(exp) {
            a = a.expires_at(v);
        }
        if let Some(v) = num(expires_in) {
            a = a.expires_in(v);
        }
        if let Some(v) = num(nbf) {
            a = a.not_before(v);
        }
        if let Some(v) = text(jti, jti_l)? {
            a = a.jwt_id(v);
        }
        if let Some(v) = text(kid, kid_l)? {
            a = a.key_id(v);
        }
        if let Some(v) = text(typ, typ_l)? {
            a = a.typ(v);
        }
        if let Some(v) = text(claims, claims_l)? {
            a = a.claims_json(v);
        }
        Ok(a.sign_with_to_string(get::<bearerkit::SigningKey>(key))
            .map_or_else(core_err, |t| out(t.as_bytes())))
    })())
}

/// The D1 environment: 0 staging, else production.
fn env(e: u32) -> d1::Env {
    if e == 0 { d1::Env::Staging } else { d1::Env::Production }
}

/// `d1Assertion`.
#[unsafe(no_mangle)]
pub extern "C" fn d1_assertion(
    key: u64,
    iss: *const u8,
    iss_l: usize,
    d1_env: u32,
    kid: *const u8,
    kid_l: usize,
    jti: *const u8,
    jti_l: usize,
    now: u64,
    expires_in: u64,
) -> u64 {
    done((|| {
        let mut a =
            d1::assertion(need(iss, iss_l)?, env(d1_env), need(kid, kid_l)?, now).jwt_id(need(jti, jti_l)?);
        if let Some(s) = num(expires_in) {
            a = a.expires_in(s);
        }
        Ok(a.sign_with_to_string(get::<bearerkit::SigningKey>(key))
            .map_or_else(core_err, |t| out(t.as_bytes())))
    })())
}

/// `clientAssertion`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn client_assertion(
    key: u64,
    client: *const u8,
    client_l: usize,
    aud: *const u8,
    aud_l: usize,
    jti: *const u8,
    jti_l: usize,
    kid: *const u8,
    kid_l: usize,
    now: u64,
    expires_in: u64,
) -> u64 {
    done((|| {
        let mut a = ca_profile::assertion(need(client, client_l)?, need(aud, aud_l)?, need(jti, jti_l)?, now);
        if let Some(s) = num(expires_in) {
            a = a.expires_in(s);
        }
        if let Some(k) = text(kid, kid_l)? {
            a = a.key_id(k);
        }
        Ok(a.sign_with_to_string(get::<bearerkit::SigningKey>(key))
            .map_or_else(core_err, |t| out(t.as_bytes())))
    })())
}

/// Verify `token` with one key or a key set, `options` applied to `base`: `header\nclaims`.
fn run(token: &str, key: u64, set: bool, options: &PolicyOptions, base: Validation<'_>) -> u64 {
    let mut scratch = alloc::vec![0u8; token.len().saturating_add(16)];
    options.with_validation(base, |v| {
        let verified = if set {
            bearerkit::verify_with_key_set(
                token,
                &*get::<core::cell::RefCell<KeySet>>(key).borrow(),
                v,
                &mut scratch,
            )
        } else {
            bearerkit::verify(token, get::<VerifyingKey>(key), v, &mut scratch)
        };
        verified.map_or_else(core_err, |t| pair(t.header().as_json(), t.claims().as_json()))
    })
}

/// `a\nb`.
fn pair(a: &str, b: &str) -> u64 {
    let mut s = String::from(a);
    s.push('\n');
    s.push_str(b);
    out(s.as_bytes())
}

/// `verify` (`set` 0) and `verifyWithKeySet`: every option of the package. `flags`, bit by bit:
/// anyAudience, requireKid, issuerEqualsSubject, soleAudience, audienceAsString,
/// dangerousAllowMissingExp.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn verify(
    token: *const u8,
    token_l: usize,
    key: u64,
    set: u32,
    issuer: *const u8,
    issuer_l: usize,
    audience: *const u8,
    audience_l: usize,
    subject: *const u8,
    subject_l: usize,
    kid: *const u8,
    kid_l: usize,
    typ: *const u8,
    typ_l: usize,
    required: *const u8,
    required_l: usize,
    flags: u32,
    leeway: u64,
    max_lifetime: u64,
    max_expiry_ahead: u64,
    max_bytes: u64,
    now: u64,
) -> u64 {
    done((|| {
        let bit = |n: u32| flags & (1 << n) != 0;
        let p = PolicyOptions {
            issuer: text(issuer, issuer_l)?.map(String::from),
            audience: list(audience, audience_l)?,
            any_audience: bit(0),
            subject: text(subject, subject_l)?.map(String::from),
            kid: text(kid, kid_l)?.map(String::from),
            require_kid: bit(1),
            typ: list(typ, typ_l)?,
            leeway: num(leeway),
            max_lifetime: num(max_lifetime),
            max_expiry_ahead: num(max_expiry_ahead),
            required: list(required, required_l)?,
            max_bytes: num(max_bytes).map(|x| x as usize),
            issuer_equals_subject: bit(2),
            sole_audience: bit(3),
            audience_as_string: bit(4),
            dangerous_allow_missing_exp: bit(5),
        };
        if p.any_audience && p.audience.is_some() {
            return Err(fail("invalid_argument", "give audience or anyAudience: true, not both"));
        }
        Ok(run(need(token, token_l)?, key, set != 0, &p, Validation::new(now)))
    })())
}

/// `verifyD1Assertion`.
#[unsafe(no_mangle)]
pub extern "C" fn verify_d1_assertion(
    token: *const u8,
    token_l: usize,
    key: u64,
    iss: *const u8,
    iss_l: usize,
    d1_env: u32,
    kid: *const u8,
    kid_l: usize,
    leeway: u64,
    now: u64,
) -> u64 {
    done((|| {
        let p = PolicyOptions { leeway: num(leeway), ..PolicyOptions::default() };
        let base = d1::validation(need(iss, iss_l)?, env(d1_env), need(kid, kid_l)?, now);
        Ok(run(need(token, token_l)?, key, false, &p, base))
    })())
}

/// `verifyClientAssertion`.
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn verify_client_assertion(
    token: *const u8,
    token_l: usize,
    key: u64,
    client: *const u8,
    client_l: usize,
    aud: *const u8,
    aud_l: usize,
    kid: *const u8,
    kid_l: usize,
    leeway: u64,
    max_lifetime: u64,
    now: u64,
) -> u64 {
    done((|| {
        let auds = list(aud, aud_l)?.ok_or_else(|| fail("invalid_argument", "audience is required"))?;
        let first = auds.first().cloned().unwrap_or_default();
        let p = PolicyOptions {
            leeway: num(leeway),
            max_lifetime: num(max_lifetime),
            kid: text(kid, kid_l)?.map(String::from),
            audience: Some(auds),
            ..PolicyOptions::default()
        };
        let base = ca_profile::validation(need(client, client_l)?, &first, now);
        Ok(run(need(token, token_l)?, key, false, &p, base))
    })())
}

/// `decodeUnverified`: `header\nclaims` (the package's JavaScript adds the signature's length).
#[cfg_attr(not(feature = "d1-only"), unsafe(no_mangle))]
pub extern "C" fn decode_unverified(token: *const u8, token_l: usize) -> u64 {
    done(need(token, token_l).map(|token| {
        let mut scratch = alloc::vec![0u8; token.len().saturating_add(16)];
        dangerous::decode_unverified(token, &mut scratch)
            .map_or_else(core_err, |t| pair(t.header().as_json(), t.claims().as_json()))
    }))
}
