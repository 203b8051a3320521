//! Security notes: the attacks considered and why each default is what it is.
//!
//! This module has no items; it is documentation.
//!
//! - **Algorithm confusion and `none`.** The key decides the algorithm: only `ES256` is
//!   accepted, never `none` or `HS*`, and `alg` cannot be set by callers when signing. A
//!   public key can never be used as an HMAC secret.
//! - **Keys carried in the token.** `jwk`, `jku`, `x5u` and `x5c` header parameters are
//!   ignored, never trusted or fetched (no SSRF, no attacker-chosen keys).
//! - **`kid` injection.** `kid` is only compared with expected strings or looked up in a
//!   [`crate::KeySet`] the caller built; it is never used as a path, URL or query.
//! - **Invalid signatures.** Signatures must be exactly 64 bytes `R‖S` with `1 ≤ r, s < n`
//!   (no `r = s = 0` "psychic signatures", CVE-2022-21449); DER is refused. High-S is
//!   accepted, as ECDSA itself, OpenSSL, WebCrypto and RFC 7515 A.3 do: ES256 has no
//!   low-S rule and refusing it would break interop, while malleability does not matter
//!   for bearer assertions whose replay is prevented by `jti` and `exp`.
//! - **Parser differentials.** JSON is checked strictly (duplicate members compared
//!   after unescaping, lone surrogates, BOM, trailing data, bounded nesting without
//!   recursion) so that bearerkit never reads a claim differently from another library.
//!   Base64url must be canonical so that one token has one spelling.
//! - **Resource exhaustion.** Tokens above 8 KiB are refused before decoding; nesting is
//!   bounded at [`crate::json::MAX_DEPTH`]; the duplicate-member check is linear in the
//!   input (each name is compared only with the other names of its object); nothing
//!   allocates.
//! - **Timing.** Signing is constant-time (RFC 6979 nonces, `p256`'s constant-time
//!   arithmetic). Verification is variable-time on public data only; the variable-time
//!   scalar multiplications of the prepared verifier live in `prepared::hazmat`
//!   and must never see a secret.
//! - **Forgotten checks.** `exp` is always required (only
//!   [`crate::dangerous::allow_missing_exp`] drops it); a policy that names no audience
//!   refuses a token carrying `aud` (`unexpected_audience`) unless the caller opts out with
//!   [`crate::Validation::any_audience`]; leeway is capped at one hour; signing refuses dates
//!   verification never accepts.
//! - **Clock skew.** `now` is a parameter (the core reads no clock). The default leeway
//!   is 60 s, applied to `exp`, `nbf` and `iat`; `exp` is exclusive (`now ≥ exp + leeway`
//!   rejects). A maximum lifetime limits how long a stolen assertion is useful (the D1
//!   profile uses 15 minutes) and makes `iat` required.
//! - **Secrets.** Private keys print as `SigningKey { .. }`, zeroize on drop, and never
//!   enter an error: [`crate::Error`] is `Copy` and holds only lengths.
//! - **Replay.** A verified assertion can be replayed until it expires; servers keep the
//!   `jti` values they have seen (the client-assertion profile requires `jti`).
